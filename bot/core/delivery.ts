// The delivery protocol, written once for every platform: a job's progress message is posted where the request came
// from and edited as the queue reports (throttled by the JobFollower's EditThrottle), its clip is posted near it —
// the video fitted to the platform's upload size, else a link — with its buttons, every message that shows the clip
// is linked to it (so a reply continues it), and a job whose bot process stopped is taken over by another one from
// the DeliveryBook (Redis): the same progress message edited on, the clip posted once, where it was meant to go.
//
// A platform implements only the ChatPort below: post and edit a progress message, post a clip (or its link), remove
// a clip's message, and say what it can do. `P` is its place (where the progress message is and where the clip
// goes), stored as JSON in the DeliveryBook so another process can carry on from it; `M` names a clip's message for
// removal. Everything else lives here.
import { PLATFORMS, type ClipPost, type Platform } from "../../commands/context.ts";
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { ClipRecord, ClipStore } from "../../engine/store/types.ts";
import { fitVideo } from "../../engine/video/index.ts";
import { progressButtons, type ClipButton } from "../../commands/buttons.ts";
import type { DeliveryBook, DeliveryRecord, OpenedMark } from "./deliveries.ts";
import { JobFollower, type FollowerOptions, type JobOutcome, type ProgressView } from "./follow-job.ts";
import { t } from "../../commands/i18n.ts";
import { renderProgress, type ProgressState, type ProgressSnapshot } from "../../commands/progress.ts";
import { JobTakeover } from "./takeover.ts";

/** What a platform can do; the kernel adapts what it sends to it. */
export interface Capabilities {
  /** Clips are uploaded (fitted to uploadLimit); false: the platform shows them by address, nothing is read here. */
  uploads: boolean;
  /** Buttons under progress messages and clips. Without them, none are sent. */
  buttons: boolean;
  /**
   * Clips go into threads (started from the progress message, or the request's own): conversations in which a plain
   * message continues the newest clip. The playground's session is one.
   */
  threads: boolean;
  /** The platform can show the worker's preview images on the progress message. */
  previews: boolean;
}

/** One followed job as the port sees it. */
export interface JobPlace<P> {
  jobId: string;
  /** The requester's language: every text here is already in it. */
  locale: string;
  place: P;
}

/** What a progress message shows now. */
export interface ProgressShow {
  state: ProgressState;
  /** Rendered for the reader; when done, with the posted clip's address where the platform gave one. */
  text: string;
  /** Cancel while the job can stop, Retry once the queue lost it; none otherwise. */
  buttons: ClipButton[];
  /** A preview image to show from now on (a store blob key): only when it changed, only where previews show. */
  preview?: string;
  /** The preview shown so far should go (the job has ended). */
  clearPreview?: boolean;
}

/** A finished clip, ready for the platform. */
export interface ClipShow {
  clip: ClipRecord;
  post: ClipPost;
  /** The video to upload, fitted to the place's upload limit; absent when it could not be made to fit (post `link`). */
  video?: Buffer;
  /** The line to post instead of the video, in the requester's language, with the clip's address when there is one. */
  link: string;
}

export interface PostedClip {
  /** Every message that now shows the clip; each is linked to it, so a reply to any of them continues the clip. */
  messages: string[];
  /** The thread the clip went into, on platforms with threads: linked, so a plain message there continues it. */
  thread?: string;
  /** An address of the clip's message, added to the progress message once it is done. */
  url?: string;
  /** The channel the messages are in, where message ids are per channel (Slack): for links to them later. */
  channel?: string;
}

/** The small port each platform implements. */
export interface ChatPort<P, M = never> {
  readonly platform: Platform;
  readonly can: Capabilities;
  /** The progress message at this place, once it has been posted. */
  messageOf(place: P): string | undefined;
  /** Largest upload at this place, in bytes; undefined when the platform sets none worth planning for. */
  uploadLimit(place: P): number | undefined;
  /** Whether this process serves the delivery's server (with several processes, each takes over its own). */
  serves(d: DeliveryRecord<P>): boolean;
  /** Post the progress message at a place that has none yet; returns the place with it. */
  postProgress(job: JobPlace<P>, show: ProgressShow): Promise<P>;
  /** Edit it; returns the place when the message had to be posted anew (someone deleted it). */
  editProgress(job: JobPlace<P>, show: ProgressShow): Promise<P | void>;
  /** Post the clip near the progress message (in its thread where there are threads). */
  postClip(job: JobPlace<P>, show: ClipShow): Promise<PostedClip>;
  /** After a delete: take the clip's message down (or mark it deleted): no buttons left on a clip that is gone. */
  removeClip(message: M, clipId: string, locale: string): Promise<void>;
  /** The job has ended here: drop whatever the port kept for it. */
  release?(jobId: string): void;
}

/** Where message ↔ clip links are kept (bot/core/links.ts), so a reply resolves to its clip. */
export interface MessageLinks {
  linkMessage(platform: Platform, messageId: string, clipId: string): Promise<void>;
  linkThread(platform: Platform, threadId: string, clip: Pick<ClipRecord, "id" | "createdAt">): Promise<void>;
}

export interface DeliveryOptions<P, M> {
  port: ChatPort<P, M>;
  events: Pick<ClipEvents, "on" | "off">;
  store: Pick<ClipStore, "getClip" | "readBlob">;
  links: MessageLinks;
  deliveries: DeliveryBook;
  log: (line: string) => void;
  /** Catch-up for events that fired before a job was followed (Producer.status). */
  status?: FollowerOptions["status"];
  lostJobs?: FollowerOptions["lostJobs"];
  /** Minimum time between two edits of one progress message. */
  intervalMs?: number;
  watchEveryMs?: number;
  /** How often to look for deliveries nobody holds (their process stopped); default 10 s. */
  adoptEveryMs?: number;
  /** Where our HTTP server serves store blobs (PUBLIC_URL + "/blobs"), for links to clips too large to upload. */
  publicBaseUrl?: string;
  /** A finished clip's post as the kernel adds to it (bot/core/challenges: a "Submit to challenge" button). */
  decorate?: (clip: ClipRecord, post: ClipPost) => Promise<ClipPost>;
}

export interface Tracked<P> {
  outcome: JobOutcome;
  /** Where the job's progress message ended up. */
  place: P;
  /** The clip, when this process posted it. */
  posted?: PostedClip;
}

export interface Opened<P> {
  place: P;
  /** Resolves when the job has ended and its final state is shown. */
  done: Promise<Tracked<P>>;
}

export interface OpenRequest<P> {
  jobId: string;
  locale: string;
  serverId?: string;
  /** The first update, as the command produced it. */
  first: { jobId: string; snapshot: ProgressSnapshot; text: string };
  /** Where the progress message goes; recorded before it is posted, so a stop while posting loses nothing. */
  at?: P;
  /** Post the first progress message another way than the port's (Discord: as the interaction's answer). */
  post?: (show: ProgressShow) => Promise<P>;
}

/** How long close() waits for clips already being posted before the process may go. */
const POST_DRAIN_MS = 15_000;

/**
 * Our HTTP server's address for a clip's video: the base (PUBLIC_URL + "/blobs", where the server serves store
 * blobs) and the video's blob key, e.g. https://host/blobs/clips/<id>/video.mp4.
 */
export function clipUrl(base: string, clip: Pick<ClipRecord, "files">): string {
  return `${base.replace(/\/+$/, "")}/${clip.files.video.split("/").map(encodeURIComponent).join("/")}`;
}

export class Delivery<P, M = never> {
  private readonly follower: JobFollower;
  private readonly port: ChatPort<P, M>;
  private readonly takeover: JobTakeover<P>;
  /** Jobs followed here, until their final state is shown. */
  private readonly running = new Map<string, Promise<Tracked<P>>>();
  /** Of those, the jobs whose clip is being posted now: close() lets these finish rather than hand them over. */
  private readonly posting = new Set<string>();

  constructor(private readonly o: DeliveryOptions<P, M>) {
    this.port = o.port;
    this.follower = new JobFollower({
      events: o.events, store: o.store, log: o.log, ...(o.status ? { status: o.status } : {}),
      ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}), ...(o.lostJobs ? { lostJobs: o.lostJobs } : {}),
      ...(o.watchEveryMs ? { watchEveryMs: o.watchEveryMs } : {}),
    });
    this.takeover = new JobTakeover<P>({
      platform: o.port.platform, deliveries: o.deliveries, follower: this.follower, log: o.log,
      serves: (d) => this.port.serves(d),
      resume: (d) => void this.follow(d),
      ...(o.adoptEveryMs ? { everyMs: o.adoptEveryMs } : {}),
    });
  }

  /** Start taking over jobs whose process stopped (call once the platform knows which servers it serves). */
  start(): void {
    this.takeover.start();
  }

  /**
   * Post a just-queued job's progress message and follow the job. The delivery is recorded first, with only the
   * place: if this process stops while posting, the process that takes the job over posts the message itself (at
   * worst a second one, when the first got out just before the stop) instead of the result going nowhere.
   */
  async open(r: OpenRequest<P>): Promise<Opened<P>> {
    const base = this.base(r);
    if (r.at !== undefined) await this.record({ ...base, place: r.at, createdAt: Date.now() });
    return this.postFirst(r, base);
  }

  /**
   * open(), at most once for good: the delivery is recorded (at its place, before anything is posted) together with
   * `mark`, in one step, and not at all when the mark is set already (undefined: an earlier call opened it, and it, or
   * the process that took it over, shows the result). For a result more than one attempt may set out to deliver, each
   * of which may stop anywhere: a prompt challenge's reel, queued again by a retried deadline job. Unlike open(), a
   * failure to record throws (nothing is posted then).
   */
  async openOnce(r: OpenRequest<P> & { at: P }, mark: OpenedMark): Promise<Opened<P> | undefined> {
    const base = this.base(r);
    if (!(await this.o.deliveries.recordOnce({ ...base, place: r.at, createdAt: Date.now() }, mark))) return undefined;
    return this.postFirst(r, base);
  }

  private base(r: OpenRequest<P>): Omit<DeliveryRecord<P>, "place" | "createdAt"> {
    return { jobId: r.jobId, platform: this.port.platform, ...(r.serverId ? { serverId: r.serverId } : {}), locale: r.locale };
  }

  /** The first progress message, then the job followed (the delivery is recorded again with the posted message). */
  private async postFirst(r: OpenRequest<P>, base: Omit<DeliveryRecord<P>, "place" | "createdAt">): Promise<Opened<P>> {
    const show = this.show({ jobId: r.jobId, snapshot: r.first.snapshot, text: r.first.text }, r.locale);
    let place: P;
    try {
      place = r.post ? await r.post(show) : await this.port.postProgress({ jobId: r.jobId, locale: r.locale, place: r.at as P }, show);
    } catch (err) {
      // Not posted: whichever process sweeps first (this one too) takes the job over and posts it then.
      if (r.at !== undefined) await this.o.deliveries.release(r.jobId).catch(() => undefined);
      throw err;
    }
    const d: DeliveryRecord<P> = { ...base, place, createdAt: Date.now() };
    await this.record(d);
    return { place, done: this.follow(d, show.text) };
  }

  /**
   * A clip was deleted from one of its messages: take that message down (the platform's way). Failures are logged:
   * the clip itself is gone already.
   */
  async deleted(message: M, clipId: string, locale: string): Promise<void> {
    await this.port.removeClip(message, clipId, locale)
      .catch((err) => this.o.log(`${this.port.platform}: could not take down the message of deleted clip ${clipId}: ${(err as Error)?.message ?? err}`));
  }

  /**
   * Stop taking jobs over and hand the followed jobs' claims back, so another process (or this one, restarted) carries
   * on at once. A clip already being posted is finished here first (up to POST_DRAIN_MS), so it is not posted twice.
   */
  async close(): Promise<void> {
    this.takeover.close();
    const posting = [...this.posting].flatMap((id) => this.running.get(id) ?? []);
    if (posting.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(posting), new Promise((r) => (timer = setTimeout(r, POST_DRAIN_MS)))]);
      clearTimeout(timer);
    }
    this.follower.close();
  }

  private async record(d: DeliveryRecord<P>): Promise<void> {
    try {
      await this.o.deliveries.record<P>(d);
    } catch (err) {
      // Redis hiccup: follow anyway; only a restart before the end would lose this job's post.
      this.o.log(`${this.port.platform}: could not record the delivery of job ${d.jobId}: ${(err as Error)?.message ?? err}`);
    }
  }

  private show(u: Pick<ProgressView, "jobId" | "snapshot" | "text">, locale: string): ProgressShow {
    return { state: u.snapshot.state, text: u.text, buttons: this.port.can.buttons ? progressButtons(u.snapshot.state, u.jobId, locale) : [] };
  }

  /** `shown`: the text the progress message was posted with, when this process just posted it. */
  private follow(d: DeliveryRecord<P>, shown?: string): Promise<Tracked<P>> {
    const known = this.running.get(d.jobId);
    if (known) return known;
    const { jobId, locale } = d;
    const { port } = this;
    let place = d.place;
    let posted: PostedClip | undefined;
    let shownPreview: string | undefined;
    let handedOver = false;
    const job = (): JobPlace<P> => ({ jobId, locale, place });
    // Post the message where there is none yet (a job taken over before it had one), else edit it; a message posted
    // here is where the next process must edit on.
    const put = async (show: ProgressShow): Promise<void> => {
      const before = port.messageOf(place);
      const next = before === undefined ? await port.postProgress(job(), show) : await port.editProgress(job(), show);
      if (next === undefined) return;
      place = next;
      if (port.messageOf(next) !== before) await this.record({ ...d, place });
    };
    this.takeover.following(jobId);
    const done = this.follower.follow(jobId, locale, {
      progress: async (u) => {
        // Overtaken (see completed): the process that took the job over shows its end, with the clip's address.
        if (handedOver) return;
        const show = this.show(u, locale);
        const final = u.snapshot.state !== "queued" && u.snapshot.state !== "running";
        if (posted?.url && u.snapshot.state === "done") show.text = `${u.text}\n${posted.url}`;
        if (port.can.previews) {
          if (final && shownPreview) show.clearPreview = true;
          else if (!final && u.previewRef && u.previewRef !== shownPreview) show.preview = shownPreview = u.previewRef;
        }
        await put(show);
      },
      completed: async ({ clip, post }) => {
        // Closing (its claim went back), or stalled past its claim so that another process took the job over: the
        // other one posts.
        const closing = !this.takeover.startPosting(jobId);
        if (!closing) this.posting.add(jobId);
        if (closing || !(await this.o.deliveries.stillOurs(jobId))) {
          handedOver = true;
          this.o.log(`${port.platform}: job ${jobId} ${closing ? "ended while stopping; the process that takes it over posts it" : "was taken over by another process; not posting it here"}`);
          return;
        }
        // Taken over before its progress message was posted, and already done: the message comes first all the same,
        // so the clip lands under it as every other clip does (the final edit then says "Done").
        if (port.messageOf(place) === undefined) await put({ state: "done", text: renderProgress({ state: "done" }, locale), buttons: [] });
        // Linked before the clip is posted: a reply sent the moment the clip appears must already find it.
        const message = port.messageOf(place);
        if (message !== undefined) await this.o.links.linkMessage(port.platform, message, clip.id);
        posted = await this.postClip(job(), clip, post);
      },
    }, { showQueued: port.messageOf(place) === undefined, ...(shown !== undefined ? { shown } : {}) }).then(async (outcome) => {
      await this.takeover.ended(jobId, handedOver);
      return { outcome, place, ...(posted ? { posted } : {}) };
    }).finally(() => {
      this.running.delete(jobId);
      this.posting.delete(jobId);
      port.release?.(jobId);
    });
    this.running.set(jobId, done);
    return done;
  }

  private async postClip(job: JobPlace<P>, clip: ClipRecord, post: ClipPost): Promise<PostedClip> {
    const { port } = this;
    let video: Buffer | undefined;
    if (port.can.uploads) {
      const data = await this.o.store.readBlob(clip.files.video);
      const limit = port.uploadLimit(job.place);
      video = limit === undefined ? data : await fitVideo(data, limit).catch((err) => {
        this.o.log(`${port.platform}: re-encoding clip ${clip.id} to fit ${limit} bytes failed: ${(err as Error).message}`);
        return undefined;
      });
    }
    // Extra buttons the kernel adds for this clip (prompt challenges' "Submit to challenge"); a failure costs only those.
    const decorated = this.o.decorate ? await this.o.decorate(clip, post).catch(() => post) : post;
    const shown = port.can.buttons ? decorated : { ...post, buttons: [] };
    const posted = await port.postClip(job, { clip, post: shown, ...(video ? { video } : {}), link: this.linkLine(clip) });
    for (const m of posted.messages) await this.o.links.linkMessage(port.platform, m, clip.id);
    if (port.can.threads && posted.thread !== undefined) await this.o.links.linkThread(port.platform, posted.thread, clip);
    await this.remember(clip, posted);
    return posted;
  }

  /** The maker's history (/history) gets the clip, with where it went; a failure costs only that line. */
  private async remember(clip: ClipRecord, posted: PostedClip): Promise<void> {
    const message = posted.messages.at(-1);
    const platform = PLATFORMS.find((p) => p === clip.origin.platform);
    if (!platform) return;
    await this.o.deliveries.posted.record(platform, clip.origin.userId, {
      clipId: clip.id, at: Date.now(), ...(posted.url ? { url: posted.url } : {}), ...(message !== undefined ? { messageId: message } : {}),
      ...(posted.channel ? { channel: posted.channel } : {}),
    }).catch((err) => this.o.log(`${this.port.platform}: could not add clip ${clip.id} to its maker's history: ${(err as Error)?.message ?? err}`));
  }

  private linkLine(clip: ClipRecord): string {
    const locale = clip.origin.locale;
    const base = this.o.publicBaseUrl;
    return base ? t(locale, "clip.tooLargeLink", { url: clipUrl(base, clip) }) : t(locale, "clip.tooLarge");
  }
}
