// What a platform gives prompt challenges, beside its delivery ChatPort: post, edit and write things its own way in
// the challenge's channel. `P` is the platform's delivery place, for the highlight reel (a normal stitch job whose
// progress message and clip the platform's Delivery posts).
import type { ChallengeMessage, ChallengeWriting } from "../../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../../commands/challenge-service.ts";
import type { Platform } from "../../../commands/context.ts";
import type { ClipRecord } from "../../../engine/store/types.ts";

/**
 * The platform will not take posts in this channel, and retrying will not change that: no such channel (in this
 * server), no access, no permission to send, archived. A challenge is not started where its posts cannot go.
 */
export class CannotPost extends Error {
  constructor(readonly channelId: string, why: string) {
    super(`cannot post in channel ${channelId}: ${why}`);
    this.name = "CannotPost";
  }
}

export interface ChallengePort<P> extends ChallengeWriting {
  readonly platform: Platform;
  /**
   * Post in the channel; returns the message's id. `key` names this post for good (the same on every attempt): a
   * platform that can deduplicate by it (Discord's nonce) does. Throws CannotPost when the channel refuses posts.
   */
  post(place: ChallengePlace, m: ChallengeMessage, key: string): Promise<string>;
  /** Post an entry: the clip itself (its video, where the platform takes uploads) with the text and buttons. */
  postEntry(place: ChallengePlace, m: ChallengeMessage, clip: ClipRecord, video: Buffer | undefined, key: string): Promise<string>;
  edit(place: ChallengePlace, messageId: string, m: ChallengeMessage): Promise<void>;
  /** Where the reel's progress message goes: the channel, as the platform's Delivery names a place. */
  reelPlace(place: ChallengePlace): P;
  /** The platform takes uploads (the entry carries the video); else the port shows the clip by address. */
  readonly uploads: boolean;
  /**
   * Whether the bot can post in this channel of this server, asked before a challenge starts there. Without it, the
   * announcement's post tells (CannotPost), and the challenge is undone.
   */
  canPost?(place: ChallengePlace): Promise<boolean>;
  /**
   * The bot's own message posted since `since` (ms) that is this one (the same text, or a button only this post
   * carries): an earlier attempt's post whose id was never recorded. Without it, such a post is posted again.
   */
  find?(place: ChallengePlace, m: ChallengeMessage, since: number): Promise<string | undefined>;
}
