// The job system's public surface: adapters (through commands/) use the producer and events; workers use the
// schema, the cancel helpers, errors and stats.
export * from "./limits.ts";
export * from "./schema.ts";
export * from "./errors.ts";
export * from "./progress.ts";
export { Producer } from "./producer.ts";
export type { ProducerOptions, EnqueueResult, JobStatus, JobStateName, CancelOutcome, QueueInfo } from "./producer.ts";
export { ClipEvents } from "./events.ts";
export type { ClipEventMap, ClipEventName, ClipEventsOptions } from "./events.ts";
export { isCancelRequested, throwIfCancelled, watchCancels } from "./cancel.ts";
export { recordRunTime, averageRunMs, etaSeconds, RUN_TIME_WINDOW, DEFAULT_RUN_MS } from "./stats.ts";
export { openQueue, DEFAULT_JOB_OPTIONS, type ClipQueue } from "./queue.ts";
export { QUEUE_NAME, queuePrefix, jobIdForEvent, userKey, clipIdForJob } from "./keys.ts";
export { connectRedis, redisUrl } from "./connection.ts";
