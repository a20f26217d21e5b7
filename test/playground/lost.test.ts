// The queue forgets (Redis flushed, or restarted without persistence): no event ever says so, so the follower's watch
// notices, the progress message says the request was lost and offers Retry, and Retry sends the same request again —
// for its owner, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { deleteUnder } from "../../engine/queue/scan.ts";
import { QUEUE_NAME } from "../../engine/queue/keys.ts";
import { api, newSession, SseReader, startTestPlayground, type TestPlayground } from "./helpers.ts";

let tp: TestPlayground;
beforeAll(async () => {
  tp = await startTestPlayground({ watchEveryMs: 200 });
});
afterAll(async () => {
  await tp?.close();
});

describe("a job the queue lost", () => {
  it("is reported to its user with a Retry button, which sends the request again once", async () => {
    const session = await newSession(tp.base);
    const sse = new SseReader(`${tp.base}/api/events?session=${session}`);
    try {
      const asked = await api(tp.base, "/api/message", { session, locale: "es", text: "/sora a green cube spins --seed 9" });
      const jobId = asked.jobs[0]!;
      expect((await tp.producer.status(jobId)).state).toBe("waiting");

      // The queue's own keys vanish, as after FLUSHALL (this test's prefix only: other tests share this Redis).
      await deleteUnder(tp.redis, `${tp.prefix}:${QUEUE_NAME}`);
      const lost = await sse.until("the lost notice", () => [...sse.thread.values()].find((m) => m.jobId === jobId && m.text === t("es", "progress.lost")), 5_000);
      expect(lost.buttons?.map((b) => b.id)).toEqual([`sora:retry:${jobId}`]);
      expect(lost.buttons?.[0]?.label).toBe(t("es", "buttons.retry"));

      const stranger = await newSession(tp.base);
      const theirs = await api(tp.base, "/api/button", { session: stranger, locale: "en", id: `sora:retry:${jobId}`, messageId: lost.id });
      expect(theirs.replies.map((r) => r.key)).toEqual(["queue.notAllowed"]);

      const retried = await api(tp.base, "/api/button", { session, locale: "es", id: `sora:retry:${jobId}`, messageId: lost.id });
      expect(retried.replies).toEqual([]);
      expect(retried.jobs).toHaveLength(1);
      const again = await tp.producer.status(retried.jobs[0]!);
      expect(again).toMatchObject({ state: "waiting", job: { kind: "generate", prompt: "a green cube spins", seed: 9, origin: { platform: "playground", userId: session } } });

      const twice = await api(tp.base, "/api/button", { session, locale: "es", id: `sora:retry:${jobId}`, messageId: lost.id });
      expect(twice.replies.map((r) => r.key)).toEqual(["errors.cannotRetry"]);
    } finally {
      await sse.close();
    }
  });
});
