// The adapter's jobs in flight: each one's progress message is kept up to date from the queue's events (through the
// platform-neutral JobFollower), and its clip is posted when it is done. Where each result goes is recorded in the
// shared DeliveryBook (Redis) before following starts, so a job whose process stopped — restarted, crashed, or one of
// several bot processes gone — is taken over by whichever process claims it first: it edits the same progress message
// on and posts the clip into the thread it would have gone to, once.
import type { Client } from "discord.js";
import type { ClipStore } from "../../engine/store/types.ts";
import { progressButtons } from "../core/buttons.ts";
import type { Delivery, DeliveryBook } from "../core/deliveries.ts";
import { JobFollower, type JobOutcome, type ProgressView } from "../core/follow-job.ts";
import { renderProgress } from "../core/progress.ts";
import { JobTakeover } from "../core/takeover.ts";
import { buttonRows } from "./components.ts";
import { CONTENT_MAX, truncate } from "./limits.ts";
import { postClip, type PostDeps } from "./post-clip.ts";
import { ProgressMessage, type ProgressEdit, type ProgressPlace } from "./progress-message.ts";

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

/**
 * What a Discord delivery remembers: the progress message to edit on (only its channel while the message is being
 * posted: see reserve), and the upload limit of its server.
 */
export interface DiscordPlace {
  progress: ProgressPlace;
  uploadLimit: number;
}

type DiscordDelivery = Delivery<DiscordPlace>;

export class DiscordJobs {
  private readonly takeover: JobTakeover<DiscordPlace>;

  constructor(private readonly deps: JobsDeps) {
    this.takeover = new JobTakeover<DiscordPlace>({
      platform: "discord", deliveries: deps.deliveries, follower: deps.follower, log: deps.log,
      serves: (d) => this.serves(d),
      // Same progress message, edited through the channel (the old interaction token belonged to the old process).
      resume: (d) => void this.follow(d, new ProgressMessage(deps.client, d.place.progress, undefined, deps.log)),
      ...(deps.adoptEveryMs ? { everyMs: deps.adoptEveryMs } : {}),
    });
  }

  /** Start taking over jobs whose process stopped. Call once the client is ready (it must know its guilds). */
  startAdopting(): void {
    this.takeover.start();
  }

  /**
   * Record a just-queued job's delivery before its progress message is posted: only the channel is known yet. If this
   * process stops while posting, the process that takes the job over posts the progress message itself (at worst a
   * second one, when the first got out just before the stop) instead of the job's result going nowhere.
   */
  async reserve(jobId: string, channelId: string, locale: string, uploadLimit: number, serverId?: string): Promise<void> {
    await this.record({ jobId, platform: "discord", ...(serverId ? { serverId } : {}), locale, place: { progress: { channelId }, uploadLimit }, createdAt: Date.now() });
  }

  /** Posting the progress message of a reserved job failed: let whichever process sweeps first post it in the channel. */
  async unreserve(jobId: string): Promise<void> {
    await this.deps.deliveries.release(jobId).catch(() => undefined);
  }

  /**
   * Follow a job whose progress message was just posted; resolves when the job has ended and been shown. Its delivery
   * is recorded (and claimed) first, with the message, so another process can finish it if this one stops.
   */
  async track(jobId: string, message: ProgressMessage, locale: string, uploadLimit: number, serverId?: string): Promise<JobOutcome> {
    const d: DiscordDelivery = { jobId, platform: "discord", ...(serverId ? { serverId } : {}), locale, place: { progress: message.ref, uploadLimit }, createdAt: Date.now() };
    await this.record(d);
    return this.follow(d, message);
  }

  private async record(d: DiscordDelivery): Promise<void> {
    try {
      await this.deps.deliveries.record<DiscordPlace>(d);
    } catch (err) {
      // Redis hiccup: follow anyway; only a restart before the end would lose this job's post.
      this.deps.log(`discord: could not record the delivery of job ${d.jobId}: ${(err as Error)?.message ?? err}`);
    }
  }

  close(): void {
    this.takeover.close();
  }

  private follow(d: DiscordDelivery, message: ProgressMessage): Promise<JobOutcome> {
    const { jobId, locale } = d;
    const { uploadLimit } = d.place;
    // A message posted here (the first one of a job taken over before it had one, or a replacement for a deleted one)
    // is where the next process must edit on.
    message.onPosted = (ref) => void this.record({ ...d, place: { progress: ref, uploadLimit } });
    let posted: string | undefined;
    let shownPreview: string | undefined;
    let handedOver = false;
    this.takeover.following(jobId);
    const unposted = !message.posted;
    return this.deps.follower.follow(jobId, locale, {
      progress: async (u: ProgressView) => {
        // The process that took the job over shows its end (with the link to the clip); a "Done" from here, without
        // the link, could land after that one and hide it.
        if (handedOver) return;
        const final = u.snapshot.state !== "queued" && u.snapshot.state !== "running";
        const text = posted && u.snapshot.state === "done" ? `${u.text}\n${posted}` : u.text;
        const edit: ProgressEdit = {
          content: truncate(text, CONTENT_MAX),
          components: buttonRows(progressButtons(u.snapshot.state, jobId, locale)),
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
        // Taken over before its progress message was posted, and already done: the message comes first all the same,
        // so the clip lands in a thread from it as every other clip does (the final edit then adds the clip's link).
        if (!message.posted) await message.edit({ content: truncate(renderProgress({ state: "done" }, locale), CONTENT_MAX), components: [] });
        const near = message.posted;
        const sent = await postClip(this.deps, clip, post, near ? { near, uploadLimit } : { channelId: message.ref.channelId, uploadLimit });
        posted = sent.url;
      },
    }, { showQueued: unposted }).then(async (outcome) => {
      await this.takeover.ended(jobId, handedOver);
      return outcome;
    });
  }

  /** Jobs of servers this process serves (with sharding: its shards' guilds; DMs belong to shard 0). */
  private serves(d: Delivery<DiscordPlace>): boolean {
    const { client } = this.deps;
    return d.serverId ? client.guilds.cache.has(d.serverId) : (client.shard?.ids.includes(0) ?? true);
  }
}
