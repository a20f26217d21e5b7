// The playground against the real queue (Redis) and an fs clip store, with a stand-in worker where a job must finish:
// the page and its strings, /health, /metrics, bad input answered in the reader's language without a job, a job's
// progress over SSE ending in a posted clip that replies resolve to, buttons, the remix form and image uploads.
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { connectRedis } from "../../engine/queue/connection.ts";
import { QUEUE_NAME } from "../../engine/queue/keys.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import { encodePng } from "../../engine/synth/png.ts";
import { api, newSession, SseReader, startTestPlayground, type TestPlayground } from "./helpers.ts";

let tp: TestPlayground;
const FAKE_MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom"), Buffer.alloc(64)]);

beforeAll(async () => {
  tp = await startTestPlayground({ maxImageBytes: 64 * 1024 });
});
afterAll(async () => {
  await tp?.close();
});

async function queueCounts() {
  return tp.producer.queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed", "completed");
}

/** A worker that renders nothing: reports one progress step and stores a placeholder clip for the job. */
function standInWorker() {
  const connection = connectRedis();
  const worker = new Worker<ClipJob>(QUEUE_NAME, async (job) => {
    await job.updateProgress({ stage: "denoise", step: 2, steps: 4 });
    await new Promise((r) => setTimeout(r, 100));
    const clip = await tp.store.putClip({
      id: `clip_${job.id}`, kind: job.data.kind, prompt: job.data.prompt, expandedPrompt: job.data.prompt, seed: 1,
      params: { steps: 4 }, origin: job.data.origin, frames: { width: 112, height: 64, fps: 8, count: 17 },
      ...(job.data.parentClipId ? { parentId: job.data.parentClipId } : {}),
    }, { video: { data: FAKE_MP4, ext: "mp4" } });
    return { clipId: clip.id };
  }, { connection, prefix: tp.prefix });
  return { worker, close: async () => { await worker.close(); await connection.quit(); } };
}

describe("playground page and operator endpoints", () => {
  it("serves the page with no words of its own, and its words in the picked language", async () => {
    const page = await fetch(`${tp.base}/`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('data-i18n="title"');
    expect(html).not.toMatch(/>\s*[A-Za-z]{3,}[^<]*</); // no English text nodes
    expect((await fetch(`${tp.base}/page.js`)).status).toBe(200);

    const ja = await (await fetch(`${tp.base}/api/strings?locale=ja-JP`)).json();
    expect(ja.locale).toBe("ja");
    expect(ja.strings.title).toBe(t("ja", "playground.title"));
    expect(ja.locales.map((l: { code: string }) => l.code).sort()).toEqual(["de", "en", "es", "fr", "ja", "pt-BR"]);
    expect(ja.locales.find((l: { code: string }) => l.code === "de").name).toBe("Deutsch");
  });

  it("/health reports Redis, workers and the model", async () => {
    const res = await fetch(`${tp.base}/health`);
    expect(res.status).toBe(200);
    const h = await res.json();
    expect(h).toMatchObject({ status: "degraded", redis: { ok: true }, workers: { seen: 0 }, model: "test-model", queue: { waiting: 0, active: 0 } });
    expect(h.redis.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("/metrics is Prometheus text with queue depth, timing histograms and outcome counters", async () => {
    const res = await fetch(`${tp.base}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    for (const state of ["waiting", "active", "delayed", "failed"]) expect(text).toContain(`sora_queue_jobs{state="${state}"} 0`);
    expect(text).toContain("# TYPE sora_job_wait_seconds histogram");
    expect(text).toContain("# TYPE sora_job_run_seconds histogram");
    expect(text).toContain("# TYPE sora_jobs_completed_total counter");
    expect(text).toContain("# TYPE sora_jobs_failed_total counter");
    expect(text).toContain("sora_workers 0");
  });
});

describe("bad input", () => {
  it("answers an empty prompt, an unknown flag and an unknown command in the reader's language, queuing nothing", async () => {
    const session = await newSession(tp.base);
    const empty = await api(tp.base, "/api/message", { session, locale: "fr", text: "/sora" });
    expect(empty.replies).toEqual([{ key: "errors.emptyPrompt", text: t("fr", "errors.emptyPrompt") }]);
    expect(empty.messages.at(-1)).toMatchObject({ author: "bot", error: true, ephemeral: true, text: t("fr", "errors.emptyPrompt") });

    const flag = await api(tp.base, "/api/message", { session, locale: "de", text: "/sora a red ball --bogus 3" });
    expect(flag.replies[0].key).toBe("errors.unknownFlag");
    expect(flag.replies[0].text).toMatch(/^Unbekannte Option --bogus\./);

    const cmd = await api(tp.base, "/api/message", { session, locale: "ja", text: "/nope" });
    expect(cmd.replies[0]).toEqual({ key: "playground.unknownCommand", text: t("ja", "playground.unknownCommand", { name: "nope" }) });

    const aspect = await api(tp.base, "/api/message", { session, locale: "en", text: "/sora prompt: a red ball aspect: 0:0" });
    expect(aspect.replies[0]).toEqual({ key: "errors.badChoice", text: "aspect must be one of 1:1, 16:9, 9:16 (got “0:0”)." });
    const raw = await api(tp.base, "/api/message", { session, locale: "en", text: "/sora prompt: a red ball raw: maybe" });
    expect(raw.replies[0]).toEqual({ key: "errors.badBoolean", text: "raw must be true or false (got “maybe”)." });
    const invisible = await api(tp.base, "/api/message", { session, locale: "en", text: "/sora \u200b\u200d\u2060" });
    expect(invisible.replies[0].key).toBe("errors.emptyPrompt");
    // The whole text is counted, not a cut copy of it.
    const long = await api(tp.base, "/api/message", { session, locale: "en", text: `/sora ${"x".repeat(5000)}` });
    expect(long.replies[0]).toEqual({ key: "errors.promptTooLong", text: t("en", "errors.promptTooLong", { length: 5000, max: 1000 }) });

    for (const r of [empty, flag, cmd, aspect, raw, invisible, long]) expect(r.jobs).toEqual([]);
    const c = await queueCounts();
    expect(c.waiting + c.prioritized + c.active + c.completed).toBe(0);
  });

  it("refuses requests without a session the server issued", async () => {
    expect((await api(tp.base, "/api/message", { session: "../x", text: "/sora a ball" })).status).toBe(400);
    // A session id chosen by the browser — a Discord user's public id, or one shaped like ours — is nobody's.
    for (const chosen of ["123456789012345678", "t-0f4c1b52-7a9e-4c1e-9a55-d8e1f0a7b6c3", "A".repeat(44)]) {
      expect((await api(tp.base, "/api/message", { session: chosen, text: "/sora a ball" })).status, chosen).toBe(400);
    }
    const issued = await newSession(tp.base);
    expect(issued).toMatch(/^[A-Za-z0-9_-]{44}$/);
    expect(await newSession(tp.base)).not.toBe(issued);
    // The page keeps its session across reloads: a held, issued id comes back as it is.
    const again = await fetch(`${tp.base}/api/session`, { method: "POST", body: JSON.stringify({ session: issued }) });
    expect((await again.json()).session).toBe(issued);
    expect((await fetch(`${tp.base}/api/events?session=no`)).status).toBe(400);
    expect((await fetch(`${tp.base}/blobs/frames/x.png`)).status).toBe(404);
  });
});

describe("a job from prompt to posted clip", () => {
  let session = "";
  let sse: SseReader;
  let clipMessageId = "";
  let clipId = "";

  beforeAll(async () => {
    session = await newSession(tp.base);
    sse = new SseReader(`${tp.base}/api/events?session=${session}`);
  });
  afterAll(async () => {
    await sse.close();
  });

  it("shows the queue position, live progress, then the clip with its buttons, linked in the store", async () => {
    const asked = await api(tp.base, "/api/message", { session, locale: "en", text: "/sora a red ball bouncing --steps 4 --ar 16:9" });
    expect(asked.replies).toEqual([]);
    expect(asked.jobs).toHaveLength(1);
    const jobId = asked.jobs[0];
    const progress = asked.messages.find((m) => m.kind === "progress")!;
    expect(progress.text).toMatch(/^Waiting in line: position 1/);
    expect(progress.buttons?.map((b) => b.id)).toEqual([`sora:cancel:${jobId}`]);
    expect((await tp.producer.status(jobId)).job).toMatchObject({ kind: "generate", prompt: "a red ball bouncing", steps: 4, aspect: "16:9",
      origin: { platform: "playground", userId: session, conversation: session, place: { threadId: session } } });

    const w = standInWorker();
    try {
      const clipMsg = await sse.until("the clip", () => [...sse.thread.values()].find((m) => m.kind === "clip"));
      clipMessageId = clipMsg.id;
      clipId = clipMsg.clip!.id;
      expect(clipMsg.replyTo).toBe(asked.messages[0].id);
      expect(clipMsg.clip!.caption).toContain("a red ball bouncing");
      expect(clipMsg.buttons!.map((b) => b.label)).toEqual(["Extend", "Extend backwards", "Remix", "Reroll", "Loop", "Stitch", "Delete"]);
      // The clip is posted just before the progress message's final edit (JobView.completed, then "done"): wait for it.
      await sse.until("the progress message done", () => /^Done/.test(sse.thread.get(progress.id)?.text ?? "") || undefined);
    } finally {
      await w.close();
    }
    const edits = sse.events.filter((e) => e.event === "message" && (e.data as { id: string }).id === progress.id).map((e) => (e.data as { text: string }).text);
    expect(edits.some((x) => x.startsWith("Painting frames:"))).toBe(true);
    expect(edits.at(-1)).toMatch(/^Done/);
    expect((sse.thread.get(progress.id)!.buttons ?? [])).toEqual([]);

    const video = await fetch(`${tp.base}${sse.thread.get(clipMessageId)!.clip!.video}`);
    expect(video.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await video.arrayBuffer())).toEqual(FAKE_MP4);
    const range = await fetch(`${tp.base}${sse.thread.get(clipMessageId)!.clip!.video}`, { headers: { range: "bytes=4-11" } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe("ftypisom");
    expect((await tp.links.clipForMessage("playground", clipMessageId))?.id).toBe(clipId);

    await tp.pg.metrics.settled();
    const metrics = await (await fetch(`${tp.base}/metrics`)).text();
    expect(metrics).toContain('sora_jobs_completed_total{kind="generate"} 1');
    expect(metrics).toMatch(/sora_job_wait_seconds_count\{kind="generate"\} 1/);
    expect(metrics).toMatch(/sora_job_run_seconds_count\{kind="generate",outcome="completed"\} 1/);
  });

  it("a reply to the clip extends it; `remix:` in any language remixes it", async () => {
    const ext = await api(tp.base, "/api/reply", { session, locale: "en", replyTo: clipMessageId, text: "it rolls away --steps 4" });
    expect(ext.replies).toEqual([]);
    expect((await tp.producer.status(ext.jobs[0])).job).toMatchObject({ kind: "extend", parentClipId: clipId, prompt: "it rolls away", direction: "forward" });

    const rmx = await api(tp.base, "/api/reply", { session, locale: "ja", replyTo: clipMessageId, text: "リミックス: 夜の青いボール" });
    expect((await tp.producer.status(rmx.jobs[0])).job).toMatchObject({ kind: "remix", parentClipId: clipId, origin: { locale: "ja" } });
  });

  it("buttons: reroll queues, remix opens a form whose submit remixes, cancel stops a waiting job", async () => {
    const reroll = await api(tp.base, "/api/button", { session, locale: "en", id: `sora:reroll:${clipId}`, messageId: clipMessageId });
    expect((await tp.producer.status(reroll.jobs[0])).job).toMatchObject({ kind: "reroll", parentClipId: clipId });

    const open = await api(tp.base, "/api/button", { session, locale: "es", id: `sora:remix:${clipId}`, messageId: clipMessageId });
    const form = open.messages.find((m) => m.kind === "modal")!;
    expect(form.modal).toMatchObject({ id: `sora:remix:${clipId}`, title: t("es", "modal.remix.title") });
    const sent = await api(tp.base, "/api/remix", { session, locale: "es", modalId: form.modal!.id, messageId: form.id, prompt: "de noche", strength: "0,5" });
    expect((await tp.producer.status(sent.jobs[0])).job).toMatchObject({ kind: "remix", prompt: "de noche", strength: 0.5 });
    await sse.until("the form to close", () => !sse.thread.has(form.id));

    const cancel = await api(tp.base, "/api/button", { session, locale: "en", id: `sora:cancel:${reroll.jobs[0]}` });
    expect(cancel.replies[0].key).toBe("results.cancelled");
    const progressId = reroll.messages.find((m) => m.kind === "progress")!.id;
    await sse.until("the progress message to say cancelled", () => sse.thread.get(progressId)?.text === t("en", "progress.cancelled"));
  });

  it("an uploaded image animates: checked to be an image, capped in size, stored as a frame", async () => {
    const up = async (data: Buffer, name: string) => {
      const res = await fetch(`${tp.base}/api/upload?session=${session}&locale=pt-BR&name=${name}`, { method: "POST", body: new Uint8Array(data) });
      return { status: res.status, ...(await res.json()) };
    };
    const notImage = await up(Buffer.from("<svg></svg>"), "x.png");
    expect(notImage).toMatchObject({ status: 415, error: { key: "errors.notImage", text: t("pt-BR", "errors.notImage") } });
    const big = await up(Buffer.alloc(65 * 1024, 1), "big.png");
    expect(big).toMatchObject({ status: 413, error: { key: "errors.imageTooLarge" } });

    const png = encodePng(new Uint8Array(64 * 64 * 3).fill(200), 64, 64);
    const ok = await up(png, "red.png");
    expect(ok.status).toBe(200);
    expect(ok.attachment).toMatchObject({ name: "red.png", contentType: "image/png", size: png.length });

    const anim = await api(tp.base, "/api/reply", { session, locale: "en", replyTo: clipMessageId, text: "it wakes up", attachments: [ok.attachment] });
    expect(anim.replies).toEqual([]);
    const job = (await tp.producer.status(anim.jobs[0])).job!;
    expect(job).toMatchObject({ kind: "animate", prompt: "it wakes up" });
    expect(await tp.store.hasBlob(job.imageRef!)).toBe(true);
    expect(await tp.store.readBlob(job.imageRef!)).toEqual(png);

    const forged = await api(tp.base, "/api/message", { session, locale: "en", text: "/sora a ball", attachments: [{ url: "http://169.254.169.254/x.png" }] });
    expect(forged.replies[0].key).toBe("errors.notImage");
  });
});
