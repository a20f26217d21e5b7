// What every platform adapter is started with, and the kernel it gets from that: one Delivery through the platform's
// port, and the services each event's context shares. bot/start builds the options once and hands them to each.
import type { JobProducer } from "../../commands/context.ts";
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { ClipStore } from "../../engine/store/types.ts";
import type { BotServices } from "./context.ts";
import type { DeliveryBook } from "./deliveries.ts";
import { Delivery, type ChatPort } from "./delivery.ts";
import type { ClipLinks } from "./links.ts";
import type { LostJobs } from "./lost-jobs.ts";
import type { Blocklist } from "../../commands/moderation.ts";
import type { ServerDefaults } from "../../commands/server-defaults.ts";
import type { SharedImages } from "./shared-images.ts";
import type { Redis } from "ioredis";
import type { ClipPost } from "../../commands/context.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import { ChallengeKernel } from "./challenges/service.ts";
import type { ChallengePort } from "./challenges/port.ts";

export interface AdapterOptions {
  /** The real engine/queue Producer. */
  producer: JobProducer;
  events: Pick<ClipEvents, "on" | "off">;
  store: ClipStore;
  /** Which message and thread show which clip (the bot's own keys); also how commands look clips up. */
  links: ClipLinks;
  blocklist: Blocklist;
  /** The model the workers serve, for /info. */
  model: string;
  log?: (line: string) => void;
  /** Where each job's result goes (Redis, shared by every bot process): results survive restarts and post once. */
  deliveries: DeliveryBook;
  /** Per-server /defaults, one store for every adapter; without it /defaults is unavailable. */
  defaults?: ServerDefaults;
  /** Images people shared for their next /sora, where slash commands carry no files (Slack); without it, none are. */
  sharedImages?: SharedImages;
  /** Requests the queue lost, kept for the Retry button. */
  lostJobs?: LostJobs;
  /** PUBLIC_URL: where people reach our HTTP server (clips too large to upload are linked under its /blobs). */
  publicUrl?: string;
  /** Largest image accepted for animation; default SORA_MAX_IMAGE_BYTES. */
  maxImageBytes?: number;
  /** Minimum time between two edits of one progress message. */
  progressIntervalMs?: number;
  /** How often to take over jobs whose process stopped; default 10 s. */
  adoptEveryMs?: number;
  /** How often followed jobs are checked for having vanished from the queue; default 20 s. */
  watchEveryMs?: number;
  /** Community prompt challenges: their Redis and key prefix (the queue's). Without it /challenge is unavailable. */
  challenges?: { redis: Redis; prefix: string };
}

export interface Kernel<P, M> {
  delivery: Delivery<P, M>;
  services: BotServices;
  log: (line: string) => void;
  /** Prompt challenges on this platform (when the adapter gave a port and the options their Redis): run() once the
   *  platform can post, close() before the platform goes. */
  challenges?: ChallengeKernel<P>;
}

/** The adapter's Delivery (not started: call delivery.start() once the platform knows what it serves) and services. */
export function kernel<P, M>(
  o: AdapterOptions, port: ChatPort<P, M>, defaults: { progressIntervalMs?: number } = {}, challengePort?: ChallengePort<P>,
): Kernel<P, M> {
  const log = o.log ?? ((line: string) => console.log(line));
  // The challenge kernel needs the Delivery (for its reel) and the Delivery asks it about clips: made after it.
  const later: { challenges?: ChallengeKernel<P> } = {};
  const intervalMs = o.progressIntervalMs ?? defaults.progressIntervalMs;
  const delivery = new Delivery({
    port, events: o.events, store: o.store, links: o.links, deliveries: o.deliveries, log, status: (id) => o.producer.status(id),
    ...(intervalMs !== undefined ? { intervalMs } : {}), ...(o.publicUrl ? { publicBaseUrl: `${o.publicUrl.replace(/\/+$/, "")}/blobs` } : {}),
    ...(o.lostJobs ? { lostJobs: o.lostJobs } : {}), ...(o.adoptEveryMs ? { adoptEveryMs: o.adoptEveryMs } : {}),
    ...(o.watchEveryMs ? { watchEveryMs: o.watchEveryMs } : {}),
    ...(challengePort && o.challenges ? { decorate: (clip: ClipRecord, post: ClipPost) => later.challenges?.decorate(clip, post) ?? Promise.resolve(post) } : {}),
  });
  const services: BotServices = {
    producer: o.producer, clips: o.links, blocklist: o.blocklist, model: o.model, log, history: o.deliveries.posted,
    ...(o.defaults ? { defaults: o.defaults } : {}), ...(o.lostJobs ? { lostJobs: o.lostJobs } : {}),
  };
  const challenges = challengePort && o.challenges ? new ChallengeKernel<P>({
    redis: o.challenges.redis, prefix: o.challenges.prefix, port: challengePort, delivery, producer: o.producer, store: o.store, log,
    ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
  }) : undefined;
  later.challenges = challenges;
  if (challenges) services.challenges = challenges;
  return { delivery, services, log, ...(challenges ? { challenges } : {}) };
}
