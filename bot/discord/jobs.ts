// The adapter's jobs in flight: each one's progress message is kept up to date from the queue's events (through the
// platform-neutral JobFollower), and its clip is posted when it is done. A job that finishes while nobody here
// follows it (the bot restarted meanwhile) is still posted, by the process that holds its server — with sharding,
// exactly one does.
import type { Client } from "discord.js";
import type { ClipRecord, ClipStore } from "../../engine/store/types.ts";
import { cancelButton } from "../core/buttons.ts";
import { JobFollower, type JobOutcome, type ProgressView } from "../core/follow-job.ts";
import { presentClip } from "../../commands/deliver.ts";
import { buttonRows } from "./components.ts";
import { CONTENT_MAX, DEFAULT_UPLOAD_LIMIT, truncate } from "./limits.ts";
import { postClip, type PostDeps } from "./post-clip.ts";
import type { ProgressMessage, ProgressEdit } from "./progress-message.ts";

export interface JobsDeps extends PostDeps {
  client: Client;
  follower: JobFollower;
  store: Pick<ClipStore, "readBlob" | "linkMessage" | "getClip">;
  /** The upload limit last seen per server (interactions report it; messages do not). */
  uploadLimits: Map<string, number>;
}

/** Give a live follower a moment to claim a completion before treating it as an orphan. */
const ORPHAN_GRACE_MS = 1000;

export class DiscordJobs {
  private readonly orphansDone = new Set<string>();
  private readonly stopOrphans: () => void;

  constructor(private readonly deps: JobsDeps) {
    this.stopOrphans = deps.follower.onUnfollowed((e) => void this.orphan(e.jobId, e.clipId));
  }

  /** Follow a job whose progress message was just posted; resolves when the job has ended and been shown. */
  track(jobId: string, message: ProgressMessage, locale: string, uploadLimit: number): Promise<JobOutcome> {
    let posted: string | undefined;
    let shownPreview: string | undefined;
    return this.deps.follower.follow(jobId, locale, {
      progress: async (u: ProgressView) => {
        const final = u.snapshot.state !== "queued" && u.snapshot.state !== "running";
        const text = posted && u.snapshot.state === "done" ? `${u.text}\n${posted}` : u.text;
        const edit: ProgressEdit = {
          content: truncate(text, CONTENT_MAX),
          components: final ? [] : buttonRows([cancelButton(jobId, locale)]),
        };
        if (final && shownPreview) edit.attachments = [];
        else if (u.previewRef && u.previewRef !== shownPreview) {
          const ext = /\.(\w+)$/.exec(u.previewRef)?.[1] ?? "webp";
          edit.files = [{ attachment: await this.deps.store.readBlob(u.previewRef), name: `preview.${ext}` }];
          edit.attachments = [];
          shownPreview = u.previewRef;
        }
        await message.edit(edit);
      },
      completed: async ({ clip, post }) => {
        const sent = await postClip(this.deps, clip, post, { near: message.ref, uploadLimit });
        posted = sent.url;
      },
    });
  }

  close(): void {
    this.stopOrphans();
  }

  private async orphan(jobId: string, clipId: string): Promise<void> {
    await new Promise((r) => setTimeout(r, ORPHAN_GRACE_MS));
    if (this.deps.follower.isFollowing(jobId) || this.orphansDone.has(jobId)) return;
    let clip: ClipRecord | undefined | null;
    try {
      clip = await this.deps.store.getClip(clipId);
    } catch {
      return;
    }
    const o = clip?.origin;
    if (!clip || !o || o.platform !== "discord" || !o.serverId || !this.deps.client.guilds.cache.has(o.serverId)) return;
    const channelId = o.threadId ?? o.channelId;
    if (!channelId) return;
    this.orphansDone.add(jobId);
    if (this.orphansDone.size > 10_000) this.orphansDone.delete(this.orphansDone.values().next().value!);
    try {
      await postClip(this.deps, clip, presentClip(clip), { channelId, uploadLimit: this.deps.uploadLimits.get(o.serverId) ?? DEFAULT_UPLOAD_LIMIT });
      this.deps.log(`discord: posted clip ${clip.id} of job ${jobId}, which finished while nobody followed it`);
    } catch (err) {
      this.deps.log(`discord: could not post clip ${clip.id} of job ${jobId}: ${(err as Error).message}`);
    }
  }
}
