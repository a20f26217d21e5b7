// Slack escapes &, < and > in message and slash-command text (they mark links and mentions in its markup); a prompt
// should read as the person typed it, so "cats & dogs" does not reach the model as "cats &amp; dogs".
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
