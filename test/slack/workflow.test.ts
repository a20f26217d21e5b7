// The Workflow Builder step ("Generate video clip", a custom function) and Slack's rate limits, with the real engine:
// the step completes with the clip's permalink and job id through the execution's own token; bad input fails it
// with a clear message and queues nothing; a job that would outlive the step completes it early with the job id and
// the clip still arrives; a 429 with Retry-After on the upload still delivers the clip, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { World, TEST_PACK, showLogsOnFailure } from "./harness.ts";
import type { FakeMessage } from "./fake/server.ts";

const CHEAP = "--steps 2";
let w: World;

beforeAll(async () => {
  if (!TEST_PACK.dir) return;
  w = await World.start({ worker: true, adapter: { functionDeadlineMs: 120_000 } });
});

afterAll(async () => {
  await w?.close();
});
showLogsOnFailure(() => w);

function result(executionId: string) {
  return w.fake.waitFor(() => w.fake.state.functionResults.find((r) => r.function_execution_id === executionId), 120_000, "the step's completion");
}

/** The clip (buttons message) posted in the thread under the nth top-level bot message. */
async function clipUnder(parent: FakeMessage): Promise<FakeMessage> {
  return w.fake.waitFor(() => w.fake.threadOf(w.general, parent.ts).find((m) => m.ts !== parent.ts && w.fake.buttons(m).length === 7), 120_000, "a clip in the thread");
}

function topLevel(): FakeMessage[] {
  return w.fake.state.thread(w.general.id).filter((m) => m.bot_id);
}

describe.skipIf(!TEST_PACK.dir)("slack workflow step and rate limits", () => {
  it("Generate video clip: posts the clip in the channel and completes with its permalink and the job id", async () => {
    const top = topLevel().length;
    const { executionId, ack } = await w.fake.runFunction("generate_video_clip", {
      prompt: `a yellow ball bounces ${CHEAP}`, channel: w.general.id, seconds: 0.5, aspect_ratio: "16:9", user: w.bruno.id,
    });
    expect(ack.ms).toBeLessThan(3000);
    const r = await result(executionId);
    expect(r.error).toBeUndefined();
    const parent = topLevel()[top];
    const buttons = await clipUnder(parent);
    const clip = await w.clipOf(buttons);
    expect(r.outputs).toEqual({ job_id: `slack-fn-${executionId}`, clip_permalink: expect.stringContaining(`/archives/${w.general.id}/p${buttons.ts.replace(".", "")}`) });
    expect(clip).toMatchObject({ kind: "generate", prompt: "a yellow ball bounces", origin: { platform: "slack", userId: w.bruno.id, place: { channelId: w.general.id }, locale: "es" } });
    expect(clip.params).toMatchObject({ aspect: "16:9", seconds: 0.5 });
    expect(clip.frames.width, "16:9").toBeGreaterThan(clip.frames.height);
  });

  it("bad input fails the step with a clear message and queues nothing", async () => {
    const jobs = await w.jobCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ channel: w.general.id }, t("en", "errors.emptyPrompt")],
      [{ prompt: "a cat", channel: "#general" }, t("en", "slack.workflow.badChannel", { value: "#general" })],
      [{ prompt: "a cat", channel: w.general.id, seconds: "soon" }, t("en", "errors.badNumber", { flag: "seconds", min: 0.5, max: 60, value: "soon" })],
      [{ prompt: "a cat", channel: w.general.id, aspect_ratio: "4:3" }, t("en", "errors.badChoice", { flag: "aspect_ratio", choices: "1:1, 16:9, 9:16", value: "4:3" })],
      [{ prompt: "a cat --steps 0", channel: w.general.id }, t("en", "errors.badInteger", { flag: "--steps", min: 1, max: 100, value: "0" })],
      [{ prompt: "nude beach", channel: w.general.id, user: w.bruno.id }, t("es", "errors.blocked")],
    ];
    for (const [inputs, error] of cases) {
      const { executionId } = await w.fake.runFunction("generate_video_clip", inputs);
      expect((await result(executionId)).error, JSON.stringify(inputs)).toBe(error);
    }
    expect(await w.jobCount()).toBe(jobs);
    expect(w.fake.state.ephemerals.filter((e) => e.text === t("en", "errors.emptyPrompt")), "a step's errors go to the step, not to chat").toHaveLength(0);
  });

  it("the bot restarted while a step's job ran: the stopping process completes the step early with the job id; the clip still reaches its thread, once", async () => {
    const top = topLevel().length;
    const from = w.fake.state.calls.length;
    const { executionId } = await w.fake.runFunction("generate_video_clip", { prompt: "a green cross turns --steps 2", channel: w.general.id, seconds: 2 });
    const parent = await w.fake.waitFor(() => topLevel()[top], 10_000, "the progress message");
    const jobId = `slack-fn-${executionId}`;
    await w.recorded(w.deliveries, jobId);
    await w.adapter!.close();
    expect(["waiting", "running"], "the job had not ended yet").toContain((await w.producer.status(jobId)).state);
    expect(await result(executionId), "completed at shutdown, before any clip").toEqual({ function_execution_id: executionId, outputs: { job_id: jobId } });
    await w.fake.waitFor(() => w.fake.socket.connected === 0, 10_000, "the old connection closed");
    await w.startAdapter({ deliveries: w.book({ owner: "after-restart" }) });
    const buttons = await clipUnder(parent);
    expect((await w.clipOf(buttons)).prompt).toBe("a green cross turns");
    await w.fake.waitFor(() => parent.text.startsWith("Done"), 30_000, "the progress message done");
    await new Promise((r) => setTimeout(r, 1500));
    const uploads = w.fake.state.calls.slice(from).filter((c) => c.method === "files.completeUploadExternal");
    expect(uploads.map((c) => c.args.thread_ts), "one upload, into the step's thread").toEqual([parent.ts]);
    expect(w.fake.state.functionResults.filter((r) => r.function_execution_id === executionId), "completed once").toHaveLength(1);
    // Longer than any one wait above, so a stuck wait fails with its own name rather than as a test timeout.
  }, 300_000);

  it("a clip that would outlive the step: completed early with the job id, the clip still arrives", async () => {
    // A step deadline no job can meet, so the early path is taken whatever the machine's speed.
    await w.adapter!.close();
    await w.fake.waitFor(() => w.fake.socket.connected === 0, 10_000, "the old connection closed");
    await w.startAdapter({ functionDeadlineMs: 1 });
    const top = topLevel().length;
    const { executionId } = await w.fake.runFunction("generate_video_clip", {
      prompt: "a blue square slides right --steps 2", channel: w.general.id, seconds: 1,
    });
    const r = await result(executionId);
    expect(r.outputs).toEqual({ job_id: `slack-fn-${executionId}` });
    const parent = topLevel()[top];
    const buttons = await clipUnder(parent);
    expect((await w.clipOf(buttons)).origin.userId, "the workflow itself asked").toBe(`workflow-${w.fake.teamId}`);
  });

  it("a 429 with Retry-After on the upload and on its completion: the clip still arrives, once", async () => {
    w.fake.rateLimit("upload", 1, 1);
    w.fake.rateLimit("files.completeUploadExternal", 1, 1);
    const completes = w.fake.state.callsOf("files.completeUploadExternal").length;
    const top = topLevel().length;
    await w.fake.slash(w.alice, w.general, `a red ball under rain ${CHEAP} --seconds 0.5`);
    const parent = await w.fake.waitFor(() => topLevel()[top], 10_000, "the progress message");
    const buttons = await clipUnder(parent);
    const files = w.fake.threadOf(w.general, parent.ts).filter((m) => m.files?.length);
    expect(files, "one file message").toHaveLength(1);
    expect(w.fake.uploads.get(files[0].files![0].id), "the bytes arrived once").toBe(1);
    expect(w.fake.state.callsOf("files.completeUploadExternal").length - completes, "one refused, one accepted").toBe(2);
    expect(w.fake.threadOf(w.general, parent.ts).filter((m) => w.fake.buttons(m).length === 7), "one caption").toEqual([buttons]);
    expect(await w.clipOf(buttons)).toMatchObject({ prompt: "a red ball under rain" });
  });
});
