// What a platform gives prompt challenges, beside its delivery ChatPort: post, edit and write things its own way in
// the challenge's channel. `P` is the platform's delivery place, for the highlight reel (a normal stitch job whose
// progress message and clip the platform's Delivery posts).
import type { ChallengeMessage, ChallengeWriting } from "../../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../../commands/challenge-service.ts";
import type { Platform } from "../../../commands/context.ts";
import type { ClipRecord } from "../../../engine/store/types.ts";

export interface ChallengePort<P> extends ChallengeWriting {
  readonly platform: Platform;
  /** Post in the channel; returns the message's id. */
  post(place: ChallengePlace, m: ChallengeMessage): Promise<string>;
  /** Post an entry: the clip itself (its video, where the platform takes uploads) with the text and buttons. */
  postEntry(place: ChallengePlace, m: ChallengeMessage, clip: ClipRecord, video: Buffer | undefined): Promise<string>;
  edit(place: ChallengePlace, messageId: string, m: ChallengeMessage): Promise<void>;
  /** Where the reel's progress message goes: the channel, as the platform's Delivery names a place. */
  reelPlace(place: ChallengePlace): P;
  /** The platform takes uploads (the entry carries the video); else the port shows the clip by address. */
  readonly uploads: boolean;
}
