// The Workflow Builder steps "Start a prompt challenge" and "Submit to a challenge" on the fake Slack (function_executed
// over Socket Mode, functions.completeSuccess / completeError): they run /challenge as the person the step names, so
// only an organizer starts one and an entry is its author's job. No engine worker: the entry's job only needs queuing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { t } from "../../commands/i18n.ts";
import { START_CHALLENGE_FUNCTION, SUBMIT_CHALLENGE_FUNCTION } from "../../bot/slack/challenge-workflow.ts";
import { World } from "./harness.ts";
import { cleanup, testPrefix } from "../queue/helpers.ts";

const redis = connectRedis();
const prefix = testPrefix("slack-challenge-flow");
let w: World;

beforeAll(async () => {
  w = await World.start({ adapter: { challenges: { redis, prefix } } });
});

afterAll(async () => {
  await w?.close();
  await cleanup(redis, prefix);
  await redis.quit();
});

async function run(callbackId: string, inputs: Record<string, unknown>) {
  const { executionId } = await w.fake.runFunction(callbackId, inputs);
  return w.fake.waitFor(() => w.fake.state.functionResults.find((r) => r.function_execution_id === executionId), 30_000, "the step's completion");
}

describe("slack challenge workflow steps", () => {
  it("start as an organizer only, then submit as the named person", async () => {
    const refused = await run(START_CHALLENGE_FUNCTION, { theme: "red things", duration: "2h", channel: w.general.id, user: w.alice.id });
    expect(refused).toMatchObject({ error: t("en", "challenge.errors.notOrganizer") });

    const started = await run(START_CHALLENGE_FUNCTION, { theme: "red things", duration: "2h", channel: w.general.id, user: w.ada.id, entries_per_user: 1 });
    expect(started.outputs).toMatchObject({ challenge_id: expect.stringMatching(/^[a-z0-9]+$/), gallery_url: "" });
    await w.fake.waitFor(() => w.fake.state.messages.find((m) => m.channel === w.general.id && m.text.startsWith(t("en", "challenge.announce.title", { theme: "red things" }))), 10_000, "the announcement");

    const empty = await run(SUBMIT_CHALLENGE_FUNCTION, { prompt: " ", channel: w.general.id, user: w.bruno.id });
    expect(empty).toMatchObject({ error: t("es", "errors.emptyPrompt") });
    const entered = await run(SUBMIT_CHALLENGE_FUNCTION, { prompt: "a red ball --steps 2", channel: w.general.id, user: w.bruno.id });
    const jobId = (entered.outputs as { job_id: string }).job_id;
    expect((await w.producer.status(jobId)).job).toMatchObject({ kind: "generate", prompt: "a red ball", steps: 2, origin: { platform: "slack", userId: w.bruno.id } });
    const again = await run(SUBMIT_CHALLENGE_FUNCTION, { prompt: "a blue ball", channel: w.general.id, user: w.bruno.id });
    expect(again, "one entry each").toMatchObject({ error: t("es", "challenge.errors.limit") });
  });
});
