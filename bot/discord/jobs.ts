// The adapter's jobs in flight: each one's progress message is kept up to date from the queue's events (through the
// platform-neutral JobFollower), and its clip is posted when it is done. Where each result goes is recorded in the
// shared DeliveryBook (Redis) before following starts, so a job whose process stopped — restarted, crashed, or one of
// several bot processes gone — is taken over by whichever process claims it first: it edits the same progress message
// on and posts the clip into the thread it would have gone to, once.
import type { Client } from "discord.js";
import type { ClipStore } from "../../engine/store/types.ts";
import { cancelButton } from "../core/buttons.ts";
import type { Delivery, DeliveryBook } from "../core/deliveries.ts";
import { JobFollower, type JobOutcome, type ProgressView } from "../core/follow-job.ts";
import type { MessageRef } from "./channels.ts";
import { buttonRows } from "./components.ts";
import { CONTENT_MAX, truncate } from "./limits.ts";
import { postClip, type PostDeps } from "./post-clip.ts";
import { ProgressMessage, type ProgressEdit } from "./progress-message.ts";

export interface JobsDeps extends PostDeps {
  client: Client;
  follower: JobFollower;
  store: Pick<ClipStore, "readBlob" | "linkMessage" | "getClip">;
  /** The upload limit last seen per server (interactions report it; messages do not). */
  uploadLimits: Map<string, number>;
  deliveries: DeliveryBook;
  /** How often to look for deliveries nobody holds (their process stopped); default 10 s. */
  adoptEveryMs?: number;
}

/** What a Discord delivery remembers: the progress message to edit on, and the upload limit of its server. */
export interface DiscordPlace {
  progress: MessageRef;
  uploadLimit: number;
}

export class DiscordJobs {
  private readonly following = new Set<string>();
  private readonly stopOrphans: () => void;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: JobsDeps) {
    // A completion nobody here follows: claim it at once if its owner is gone (else the owner posts it).
    this.stopOrphans = deps.follower.onUnfollowed((e) => void this.claim(e.jobId));
  }

  /** Start taking over deliveries whose process stopped: now, then every adoptEveryMs. Call once the client is ready. */
  startAdopting(): void {
    const sweep = () => void this.adoptAll().catch((err) => this.deps.log(`discord: looking for unclaimed jobs failed: ${(err as Error)?.message ?? err}`));
    sweep();
    this.timer = setInterval(sweep, this.deps.adoptEveryMs ?? 10_000);
    this.timer.unref();
  }

  /**
   * Follow a job whose progress message was just posted; resolves when the job has ended and been shown. Its delivery
   * is recorded (and claimed) first, so another process can finish it if this one stops.
   */
  async track(jobId: string, message: ProgressMessage, locale: string, uploadLimit: number, serverId?: string): Promise<JobOutcome> {
    const place: DiscordPlace = { progress: message.ref, uploadLimit };
    try {
      await this.deps.deliveries.record<DiscordPlace>({ jobId, platform: "discord", ...(serverId ? { serverId } : {}), locale, place, createdAt: Date.now() });
    } catch (err) {
      // Redis hiccup: follow anyway; only a restart before the end would lose this job's post.
      this.deps.log(`discord: could not record the delivery of job ${jobId}: ${(err as Error)?.message ?? err}`);
    }
    return this.follow(jobId, message, locale, uploadLimit);
  }

  /** Stop following (the jobs' claims go back, so another process — or this one, restarted — takes them over at once). */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.stopOrphans();
    for (const id of this.following) void this.deps.deliveries.release(id).catch(() => undefined);
    this.following.clear();
  }

  private follow(jobId: string, message: ProgressMessage, locale: string, uploadLimit: number): Promise<JobOutcome> {
    let posted: string | undefined;
    let shownPreview: string | undefined;
    let handedOver = false;
    this.following.add(jobId);
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
        // This process stalled past its claim and another took the job over: that one posts.
        if (!(await this.deps.deliveries.stillOurs(jobId))) {
          handedOver = true;
          this.deps.log(`discord: job ${jobId} was taken over by another process; not posting it here`);
          return;
        }
        const sent = await postClip(this.deps, clip, post, { near: message.ref, uploadLimit });
        posted = sent.url;
      },
    }).then(async (outcome) => {
      this.following.delete(jobId);
      if (!handedOver && !this.closed) await this.deps.deliveries.done(jobId, "discord").catch(() => undefined);
      return outcome;
    });
  }

  /** Jobs of servers this process serves (with sharding: its shards' guilds; DMs belong to shard 0). */
  private serves(d: Delivery<DiscordPlace>): boolean {
    const { client } = this.deps;
    return d.serverId ? client.guilds.cache.has(d.serverId) : (client.shard?.ids.includes(0) ?? true);
  }

  private async adoptAll(): Promise<void> {
    if (this.closed) return;
    for (const d of await this.deps.deliveries.adopt<DiscordPlace>("discord", (x) => this.serves(x))) this.adopt(d);
  }

  private async claim(jobId: string): Promise<void> {
    if (this.closed || this.following.has(jobId)) return;
    const d = await this.deps.deliveries.claim<DiscordPlace>(jobId).catch(() => undefined);
    if (!d) return;
    if (!this.serves(d)) {
      await this.deps.deliveries.release(jobId).catch(() => undefined);
      return;
    }
    this.adopt(d);
  }

  /** Carry on a job another process (or this one before a restart) began: same progress message, same thread. */
  private adopt(d: Delivery<DiscordPlace>): void {
    if (this.closed || this.following.has(d.jobId)) return;
    this.deps.log(`discord: took over job ${d.jobId} (its process stopped)`);
    const message = new ProgressMessage(this.deps.client, d.place.progress, undefined, this.deps.log);
    void this.follow(d.jobId, message, d.locale, d.place.uploadLimit);
  }
}
