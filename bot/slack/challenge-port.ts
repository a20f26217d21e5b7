// Prompt challenges' posts on Slack (bot/core/challenges/port.ts). Messages are mrkdwn so that mentions (<@U…>) and
// deadlines (<!date^…>, shown in each reader's own time zone and format) work; people's text in them is escaped
// (&, <, >), so a theme or prompt can neither ping nor link. An entry is a message with its vote buttons, and its
// clip uploaded into that message's thread.
import type { types, webApi } from "@slack/bolt";
import type { ChallengeMessage } from "../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../commands/challenge-service.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import { truncate } from "../../engine/text.ts";
import type { ChallengePort } from "../core/challenges/port.ts";
import { buttonElement } from "./blocks.ts";
import { SECTION_TEXT_MAX } from "./limits.ts";
import type { SlackPlace } from "./port.ts";

export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

type KnownBlock = types.KnownBlock;

function blocks(m: ChallengeMessage, locale: string): KnownBlock[] {
  const out: KnownBlock[] = [{ type: "section", block_id: "sora-challenge", text: { type: "mrkdwn", text: truncate(m.text, SECTION_TEXT_MAX) } }];
  if (m.buttons.length) out.push({ type: "actions", block_id: "sora-challenge-actions", elements: m.buttons.map((b) => buttonElement(b, locale)) });
  return out;
}

export class SlackChallengePort implements ChallengePort<SlackPlace> {
  readonly platform = "slack" as const;
  readonly uploads = true;

  constructor(private readonly client: webApi.WebClient, private readonly log: (line: string) => void) {}

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

  async post(place: ChallengePlace, m: ChallengeMessage, locale = "en"): Promise<string> {
    const r = await this.client.chat.postMessage({ channel: place.channelId, text: truncate(m.text, SECTION_TEXT_MAX), blocks: blocks(m, locale), unfurl_links: false });
    return r.ts!;
  }

  async postEntry(place: ChallengePlace, m: ChallengeMessage, clip: ClipRecord, video: Buffer | undefined): Promise<string> {
    const ts = await this.post(place, m, clip.origin.locale);
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
