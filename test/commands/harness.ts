// Test implementations of the command layer's ports: an in-memory context that records what handlers say, a map-backed
// clip store, and a tiny real job queue that validates with the real job schema and raises the queue's real errors.
import type { CancelOutcome, EnqueueResult, JobStatus, QueueInfo } from "../../engine/queue/producer.ts";
import { NotAllowed, RateLimited } from "../../engine/queue/errors.ts";
import { mayManage, type Actor } from "../../engine/queue/identity.ts";
import { validateJob, type ClipJob } from "../../engine/queue/schema.ts";
import type { Attachment, ClipInfo, ClipLookup, ClipPost, CommandContext, CommandUser, JobProducer, Platform, ProgressUpdate, Reply } from "../../commands/context.ts";
import { UserError } from "../../commands/errors.ts";
import { parseBlocklist, type Blocklist } from "../../commands/moderation.ts";
import { isImage } from "../../commands/reply.ts";
import type { ServerDefaults } from "../../commands/server-defaults.ts";

export class MapClips implements ClipLookup {
  clips = new Map<string, ClipInfo>();
  messages = new Map<string, string>();
  threads = new Map<string, string>();
  async getClip(id: string) { return this.clips.get(id); }
  async clipForMessage(platform: string, id: string) { return this.clips.get(this.messages.get(`${platform}:${id}`) ?? ""); }
  async latestInThread(platform: string, id: string) { return this.clips.get(this.threads.get(`${platform}:${id}`) ?? ""); }
  async deleteClip(id: string) { this.clips.delete(id); }
  add(id: string, userId = "owner", extra: Partial<ClipInfo> = {}): ClipInfo {
    const c: ClipInfo = { id, rootId: id, kind: "generate", prompt: "a red ball", expandedPrompt: "a red ball bouncing", seed: 7,
      params: {}, createdAt: "2026-01-01T00:00:00Z", origin: { platform: "discord", userId, serverId: "guild-1", locale: "en" }, ...extra };
    this.clips.set(id, c);
    return c;
  }
}

interface Entry { jobId: string; job: ClipJob; state: "waiting" | "running" | "completed" }

export class ListQueue implements JobProducer {
  entries: Entry[] = [];
  private events = new Map<string, string>();
  constructor(private readonly perUser = Infinity) {}

  async enqueue(input: ClipJob): Promise<EnqueueResult> {
    const job = validateJob(input);
    const known = this.events.get(`${job.origin.platform}:${job.eventId}`);
    if (known) return { jobId: known, duplicate: true };
    if (this.entries.filter((e) => e.job.origin.userId === job.origin.userId).length >= this.perUser) {
      throw new RateLimited("user", 42, this.perUser, 600);
    }
    const jobId = `job-${this.entries.length + 1}`;
    this.events.set(`${job.origin.platform}:${job.eventId}`, jobId);
    this.entries.push({ jobId, job, state: "waiting" });
    return { jobId, duplicate: false, ...this.place(jobId) };
  }

  private place(jobId: string) {
    const waiting = this.entries.filter((e) => e.state === "waiting");
    const ahead = waiting.findIndex((e) => e.jobId === jobId);
    return ahead < 0 ? {} : { position: ahead, etaSeconds: (ahead + 1) * 30 };
  }

  async cancel(jobId: string, by: Actor): Promise<CancelOutcome> {
    const e = this.entries.find((x) => x.jobId === jobId);
    if (!e) return "not-found";
    if (!mayManage(e.job.origin, by)) throw new NotAllowed(`job ${jobId} belongs to someone else`);
    if (e.state === "completed") return "finished";
    this.entries = this.entries.filter((x) => x !== e);
    return e.state === "running" ? "cancelling" : "removed";
  }

  async status(jobId: string): Promise<JobStatus> {
    const e = this.entries.find((x) => x.jobId === jobId);
    if (!e) return { jobId, state: "unknown" };
    if (e.state === "running") return { jobId, state: "running", job: e.job, progress: { stage: "denoise", step: 5, steps: 10 } };
    return { jobId, state: e.state, job: e.job, ...this.place(jobId) };
  }

  async queueInfo(user?: { platform: Platform; userId: string }): Promise<QueueInfo> {
    const open = this.entries.filter((e) => e.state !== "completed");
    const info: QueueInfo = {
      waiting: open.filter((e) => e.state === "waiting").length,
      running: open.filter((e) => e.state === "running").length,
      avgRunSeconds: 30,
    };
    if (user) info.mine = await Promise.all(open.filter((e) => e.job.origin.userId === user.userId).map((e) => this.status(e.jobId)));
    return info;
  }
}

export const TEST_BLOCKLIST: Blocklist = parseBlocklist("nude\ngore\n", "test-blocklist.txt");

let events = 0;

/** A context that records every answer. Each instance is one platform event (its own eventId unless given). */
export class RecordingContext implements CommandContext {
  readonly platform: Platform = "discord";
  readonly eventId: string;
  readonly locale: string;
  readonly user: CommandUser;
  readonly server?: { id: string };
  readonly where = { channelId: "chan-1", messageId: "msg-1" };
  readonly producer: JobProducer;
  readonly clips: MapClips;
  readonly blocklist = TEST_BLOCKLIST;
  readonly model = "sora-tiny-test";
  readonly defaults?: ServerDefaults;
  replies: Reply[] = [];
  progressUpdates: ProgressUpdate[] = [];
  posts: ClipPost[] = [];
  imported: Attachment[] = [];
  logLines: string[] = [];
  readonly log = (line: string) => void this.logLines.push(line);

  constructor(o: {
    producer: JobProducer; clips: MapClips; locale?: string; userId?: string; manager?: boolean; eventId?: string;
    /** The server's /defaults store; none by default. */
    defaults?: ServerDefaults;
    /** The server the event comes from (default guild-1); null for a DM. */
    serverId?: string | null;
  }) {
    this.producer = o.producer;
    this.clips = o.clips;
    this.locale = o.locale ?? "en-US";
    this.user = { id: o.userId ?? "owner", manager: o.manager ?? false };
    this.eventId = o.eventId ?? `evt-${++events}`;
    if (o.serverId !== null) this.server = { id: o.serverId ?? "guild-1" };
    if (o.defaults) this.defaults = o.defaults;
  }

  async reply(r: Reply) { this.replies.push(r); }
  async progress(u: ProgressUpdate) { this.progressUpdates.push(u); }
  async postClip(p: ClipPost) { this.posts.push(p); }
  async importImage(a: Attachment) {
    if (!isImage(a)) throw new UserError("errors.notImage");
    this.imported.push(a);
    return `frames/${a.name ?? "image"}`;
  }
}
