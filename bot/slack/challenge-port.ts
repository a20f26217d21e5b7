// Prompt challenges' posts on Slack (bot/core/challenges/port.ts). Messages are mrkdwn so that mentions (<@U…>) and
// deadlines (<!date^…>, shown in each reader's own time zone and format) work; people's text in them is escaped
// (&, <, >), so a theme or prompt can neither ping nor link. An entry is a message with its vote buttons, and its
// clip uploaded into that message's thread. A channel that takes no posts from the bot (a private channel it is not
// in, an archived one) is CannotPost; an earlier attempt's post is found in the channel's history (find()). The bot
// posts into public channels it is not in (chat:write.public), whose history it cannot read: find() joins such a
// channel first (channels:join), so a post an attempt made before it stopped is found there too, not posted twice.
import type { types, webApi } from "@slack/bolt";
import type { ChallengeMessage } from "../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../commands/challenge-service.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import { truncate } from "../../engine/text.ts";
import { CannotPost, type ChallengePort } from "../core/challenges/port.ts";
import { buttonElement } from "./blocks.ts";
import { SECTION_TEXT_MAX } from "./limits.ts";
import type { SlackPlace } from "./port.ts";

export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

type KnownBlock = types.KnownBlock;

/** chat.postMessage's answers that mean the channel takes no posts from the bot, whatever we retry. */
const REFUSED: readonly string[] = ["channel_not_found", "not_in_channel", "is_archived", "restricted_action", "ekm_access_denied", "team_access_not_granted"];

/** Messages looked through for an earlier attempt's post. */
const FIND_LIMIT = 50;

function slackError(err: unknown): string | undefined {
  return (err as { data?: { error?: string } } | null)?.data?.error;
}

/** The action ids of a message's buttons, as conversations.history returns its blocks. */
function actionIds(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b) => {
    const elements = (b as { elements?: unknown }).elements;
    return Array.isArray(elements) ? elements.map((e) => (e as { action_id?: unknown }).action_id).filter((id): id is string => typeof id === "string") : [];
  });
}

function blocks(m: ChallengeMessage, locale: string): KnownBlock[] {
  const out: KnownBlock[] = [{ type: "section", block_id: "sora-challenge", text: { type: "mrkdwn", text: truncate(m.text, SECTION_TEXT_MAX) } }];
  if (m.buttons.length) out.push({ type: "actions", block_id: "sora-challenge-actions", elements: m.buttons.map((b) => buttonElement(b, locale)) });
  return out;
}

export class SlackChallengePort implements ChallengePort<SlackPlace> {
  readonly platform = "slack" as const;
  readonly uploads = true;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: (line: string) => void,
    /** The bot's own bot id (auth.test): find() looks only at its messages. */
    private readonly botId?: string,
  ) {}

  time(ms: number): string {
    const s = Math.floor(ms / 1000);
    return `<!date^${s}^{date_short_pretty} {time}|${new Date(s * 1000).toISOString()}>`;
  }

  mention(userId: string): string {
    return /^[UW][A-Z0-9]{1,20}$/.test(userId) ? `<@${userId}>` : "?";
  }

  text(s: string): string {
    return escapeMrkdwn(s);
  }

  async post(place: ChallengePlace, m: ChallengeMessage, _key?: string, locale = "en"): Promise<string> {
    try {
      const r = await this.client.chat.postMessage({ channel: place.channelId, text: truncate(m.text, SECTION_TEXT_MAX), blocks: blocks(m, locale), unfurl_links: false });
      return r.ts!;
    } catch (err) {
      const code = slackError(err);
      if (code && REFUSED.includes(code)) throw new CannotPost(place.channelId, code);
      throw err;
    }
  }

  /** The bot's message since `since` with this post's text, or with one of its buttons (an entry's vote button). */
  async find(place: ChallengePlace, m: ChallengeMessage, since: number): Promise<string | undefined> {
    const ask = () => this.client.conversations.history({ channel: place.channelId, oldest: (Math.max(0, since) / 1000).toFixed(6), limit: FIND_LIMIT, inclusive: true });
    const r = await ask().catch(async (err: unknown) => {
      if (slackError(err) !== "not_in_channel") throw err;
      await this.client.conversations.join({ channel: place.channelId });
      return ask();
    });
    const text = truncate(m.text, SECTION_TEXT_MAX);
    const ids = new Set(m.buttons.map((b) => b.id));
    const hit = (r.messages ?? []).find((msg) => msg.bot_id !== undefined && (!this.botId || msg.bot_id === this.botId)
      && (ids.size ? actionIds(msg.blocks).some((id) => ids.has(id)) : msg.text === text));
    return hit?.ts;
  }

  async postEntry(place: ChallengePlace, m: ChallengeMessage, clip: ClipRecord, video: Buffer | undefined, key?: string): Promise<string> {
    const ts = await this.post(place, m, key, clip.origin.locale);
    if (video) {
      await this.client.files.uploadV2({ channel_id: place.channelId, thread_ts: ts, file: video, filename: `${clip.id}.mp4` })
        .catch((err) => this.log(`slack: could not upload entry ${clip.id}: ${(err as Error)?.message ?? err}`));
    }
    return ts;
  }

  async edit(place: ChallengePlace, ts: string, m: ChallengeMessage): Promise<void> {
    await this.client.chat.update({ channel: place.channelId, ts, text: truncate(m.text, SECTION_TEXT_MAX), blocks: blocks(m, "en") });
  }

  reelPlace(place: ChallengePlace): SlackPlace {
    return { channel: place.channelId };
  }
}
