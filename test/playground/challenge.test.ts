// A prompt challenge in the playground over its HTTP API and event streams (the page's view of its thread): the local
// user runs it, two tabs (two people: a session is one) enter their clips with "Submit to challenge", votes include a
// refused self-vote and a toggle, every tab's thread shows the challenge, and the deadline ends it by itself with the
// right winner and the reel queued as a stitch of the entries in rank order. No engine worker runs here: the clips are
// stored as a worker stores them, and the reel MP4 itself is checked in the Discord and Slack tests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { api, newSession, SseReader, startTestPlayground, type TestPlayground } from "./helpers.ts";

let tp: TestPlayground;
const readers: SseReader[] = [];

beforeAll(async () => {
  process.env.SORA_CHALLENGE_MIN_SECONDS = "2";
  tp = await startTestPlayground({ challenges: true });
});

afterAll(async () => {
  delete process.env.SORA_CHALLENGE_MIN_SECONDS;
  for (const r of readers) await r.close();
  await tp?.close();
});

async function clipOf(session: string, prompt: string) {
  return tp.store.putClip({
    kind: "generate", prompt, expandedPrompt: prompt, seed: 1, params: {}, frames: { width: 64, height: 64, fps: 8, count: 8 },
    origin: { platform: "playground", userId: session, serverId: "playground", locale: "en", conversation: session, place: { channelId: "playground", threadId: session } },
  }, { video: { data: Buffer.from("mp4"), ext: "mp4" } });
}

describe("playground prompt challenge", () => {
  it("runs from start to results in every tab's thread", async () => {
    const [a, b] = [await newSession(tp.base), await newSession(tp.base)];
    const [ra, rb] = [new SseReader(`${tp.base}/api/events?session=${a}`), new SseReader(`${tp.base}/api/events?session=${b}`)];
    readers.push(ra, rb);
    await ra.until("a's stream", () => ra.events.length > 0);
    await rb.until("b's stream", () => rb.events.length > 0);
    // One thread for everyone: there is no other channel to name.
    const elsewhere = await api(tp.base, "/api/message", { session: a, locale: "ja", text: "/challenge start theme: squares duration: 8s channel: <#C0CONTEST|contest>" });
    expect(elsewhere.replies.map((r) => [r.key, r.text])).toEqual([["challenge.errors.noChannels", t("ja", "challenge.errors.noChannels")]]);
    const started = await api(tp.base, "/api/message", { session: a, locale: "en", text: "/challenge start theme: squares duration: 8s" });
    expect(started.replies.map((r) => r.key)).toEqual(["challenge.started"]);
    const title = t("en", "challenge.announce.title", { theme: "squares" });
    for (const r of [ra, rb]) await r.until("the announcement", () => [...r.thread.values()].find((m) => m.text?.startsWith(title)));

    const [ca, cb] = [await clipOf(a, "a red square"), await clipOf(b, "a blue square")];
    const notMine = await api(tp.base, "/api/button", { session: b, locale: "en", id: `sora:enterChallenge:${ca.id}` });
    expect(notMine.replies.map((r) => r.key)).toEqual(["challenge.errors.notYours"]);
    for (const [s, c] of [[a, ca], [b, cb]] as const) {
      expect((await api(tp.base, "/api/button", { session: s, locale: "en", id: `sora:enterChallenge:${c.id}` })).replies.map((r) => r.key)).toEqual(["challenge.entered"]);
    }
    const entry = (r: SseReader, clipId: string) => r.until("the entry", () => [...r.thread.values()].find((m) => m.clip?.id === clipId));
    await entry(ra, cb.id);
    expect((await entry(rb, ca.id)).buttons?.[0]?.label).toBe("👍 0");

    const vote = async (s: string, clipId: string) => (await api(tp.base, "/api/button", { session: s, locale: "en", id: `sora:vote:${clipId}` })).replies[0]?.key;
    expect(await vote(b, ca.id)).toBe("challenge.vote.added");
    expect(await vote(a, ca.id)).toBe("challenge.errors.selfVote");
    expect(await vote(a, cb.id)).toBe("challenge.vote.added");
    expect(await vote(a, cb.id)).toBe("challenge.vote.removed");
    await rb.until("the live count", () => [...rb.thread.values()].find((m) => m.clip?.id === ca.id && m.buttons?.[0]?.label === "👍 1"));

    const results = t("en", "challenge.results.title", { theme: "squares" });
    const posted = await rb.until("the results", () => [...rb.thread.values()].find((m) => m.text?.startsWith(results)), 60_000);
    expect(posted.text).toContain(t("en", "challenge.results.winner", { author: `#${a.replace(/[^A-Za-z0-9]/g, "").slice(0, 6)}` }));
    const reel = await ra.until("the reel's progress message", () => [...ra.thread.values()].find((m) => m.kind === "progress"), 30_000);
    const status = await tp.producer.status(reel.jobId!);
    expect(status.job).toMatchObject({ kind: "stitch", parts: [ca.id, cb.id] });
  });
});
