// The handlers against the real producer (engine/queue) and the real Redis at 127.0.0.1:6379, under a prefix of
// their own that is removed afterwards. No worker runs: these jobs only wait, which is all the command layer sees.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { COMMANDS } from "../../commands/index.ts";
import { MapClips, RecordingContext } from "./harness.ts";
import { cleanup } from "../queue/helpers.ts";

const prefix = `sora-cmdtest-${randomUUID().slice(0, 8)}`;
const redis = connectRedis();
const producer = new Producer({
  redis, prefix,
  rateLimits: { user: { max: 2, windowSeconds: 600 }, server: { max: 100, windowSeconds: 600 } },
});
const clips = new MapClips();
clips.add("clip-1", "alice");

const ctx = (userId: string, more: { eventId?: string; locale?: string; manager?: boolean } = {}) =>
  new RecordingContext({ producer, clips, userId, ...more });

afterAll(async () => {
  await producer.close();
  await cleanup(redis, prefix);
  await redis.quit();
});

describe("commands with the real queue", () => {
  it("queues, deduplicates a redelivered event, and refuses a user over the limit in their language", async () => {
    const first = ctx("alice", { eventId: "e1" });
    await COMMANDS.sora.handle(first, { prompt: "a red ball bouncing --seed 7 --ar 16:9" });
    expect(first.replies).toEqual([]);
    expect(first.progressUpdates).toHaveLength(1);
    const { jobId, snapshot, text } = first.progressUpdates[0];
    expect(snapshot).toMatchObject({ state: "queued", position: 0 });
    expect(text).toMatch(/^Waiting in line: position 1/);

    const again = ctx("alice", { eventId: "e1" });
    await COMMANDS.sora.handle(again, { prompt: "a red ball bouncing --seed 7 --ar 16:9" });
    expect(again.replies.map((r) => r.key)).toEqual(["progress.duplicate"]);

    await COMMANDS.extend.handle(ctx("alice", { eventId: "e2" }), { clip: "clip-1", prompt: "it rolls left" });
    const over = ctx("alice", { eventId: "e3", locale: "ja" });
    await COMMANDS.sora.handle(over, { prompt: "one more" });
    expect(over.replies[0]).toMatchObject({ key: "queue.rateLimited.user", ephemeral: true });
    expect(over.replies[0].text).toMatch(/最近たくさんのクリップを作りました。\d+ 分 \d+ 秒 後に/);

    const status = await producer.status(jobId);
    expect(status.job).toMatchObject({ kind: "generate", prompt: "a red ball bouncing", seed: 7, aspect: "16:9" });
  });

  it("lists the asker's jobs, refuses a stranger's cancel, and cancels for the owner", async () => {
    const list = ctx("alice");
    await COMMANDS.queue.handle(list, {});
    const lines = list.replies[0].text.split("\n");
    expect(lines[0]).toBe("Queue");
    expect(lines.filter((l) => l.startsWith("Job "))).toHaveLength(2);

    const jobId = "discord-e1";
    const stranger = ctx("mallory");
    await COMMANDS.cancel.handle(stranger, { job: jobId });
    expect(stranger.replies[0].key).toBe("queue.notAllowed");

    const owner = ctx("alice");
    await COMMANDS.cancel.handle(owner, { job: jobId });
    expect(owner.replies[0]).toMatchObject({ key: "results.cancelled", text: `Job ${jobId} is cancelled.` });
    expect((await producer.status(jobId)).state).not.toBe("waiting");

    const missing = ctx("alice");
    await COMMANDS.cancel.handle(missing, { job: "discord-never" });
    expect(missing.replies[0].key).toBe("errors.unknownJob");
  });
});
