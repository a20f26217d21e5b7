// Slack's "Copy link" on a message: https://<workspace>.slack.com/archives/<channel>/p<ts without its dot>, maybe with
// ?thread_ts=… after it; in slash-command text Slack wraps links as <url> or <url|label>. Commands that name clips take
// these (commands/clip-refs.ts); the message's ts is what the links know it by.
const LINK = /^<?https:\/\/[a-z0-9-]{1,64}\.(?:enterprise\.)?slack\.com\/archives\/[A-Z0-9]{1,30}\/p(\d{10})(\d{6})(?:\?[^\s<>|]*)?(?:\|[^<>]*)?>?$/;

/** The message ts ("1700000000.123456") in a Slack message link; undefined for anything else. */
export function slackMessageTs(link: string): string | undefined {
  const m = LINK.exec(link.trim());
  return m ? `${m[1]}.${m[2]}` : undefined;
}
