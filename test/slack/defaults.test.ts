// /defaults on Slack end to end: `/sora defaults …` on the fake Slack through the real Bolt app, the real queue on
// Redis and the Redis defaults store (each under a prefix of its own). A workspace admin (users.info is_admin) sets
// them, anyone else is refused in their language, and a later /sora carries them. No worker: jobs only need queueing.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { jobIdForEvent } from "../../engine/queue/keys.ts";
import { t } from "../../commands/i18n.ts";
import { RedisServerDefaults } from "../../bot/core/defaults-store.ts";
import { World, showLogsOnFailure } from "./harness.ts";
import type { FakeUser } from "./fake/server.ts";
import { cleanup, until } from "../queue/helpers.ts";

const prefix = `test-slack-defaults-${randomUUID().slice(0, 8)}`;
const redis = connectRedis();
const defaults = new RedisServerDefaults(redis, { prefix });
let w: World;

beforeAll(async () => {
  w = await World.start({ adapter: { defaults } });
});

afterAll(async () => {
  await w?.close();
  await cleanup(redis, prefix);
  await redis.quit();
});

showLogsOnFailure(() => w);

/** The job a /sora queued, once it is in the queue. */
async function queued(triggerId: string): Promise<Record<string, unknown>> {
  const jobId = jobIdForEvent("slack", `cmd-${triggerId}`);
  let job: unknown;
  await until(async () => !!(job = (await w.producer.status(jobId)).job), 30_000);
  return job as Record<string, unknown>;
}

/** `/sora <text>` and the one ephemeral answer it gets. */
async function answer(user: FakeUser, text: string): Promise<string> {
  const before = w.fake.ephemeralsFor(user).length;
  await w.fake.slash(user, w.general, text);
  return (await w.fake.waitFor(() => w.fake.ephemeralsFor(user)[before], 30_000, `an answer to ${text}`)).text;
}

describe("slack /defaults", () => {
  it("an admin sets them, a member is refused, and the member's next /sora carries them", async () => {
    expect(await answer(w.ada, "defaults steps: 7 aspect: 16:9")).toBe(t("en", "defaults.saved", { list: "aspect 16:9, 7 steps" }));
    expect(await defaults.get("slack", w.fake.teamId)).toEqual({ aspect: "16:9", steps: 7 });

    expect(await answer(w.bruno, "defaults steps: 9")).toBe(t("es", "errors.defaultsNotAllowed"));
    expect(await defaults.get("slack", w.fake.teamId), "unchanged").toEqual({ aspect: "16:9", steps: 7 });

    const sora = w.fake.slash(w.mallory, w.general, "a blue cube spinning --ar 1:1");
    await sora;
    // The default steps fill in; the member's own --ar wins over the default aspect.
    expect(await queued(sora.triggerId)).toMatchObject({ kind: "generate", prompt: "a blue cube spinning", steps: 7, aspect: "1:1", origin: { serverId: w.fake.teamId, userId: w.mallory.id } });

    expect(await answer(w.ada, "defaults")).toBe(t("en", "defaults.current", { list: "aspect 16:9, 7 steps" }));
  });

  it("a bad value changes nothing and is answered; reset clears; other words after `defaults` are a prompt", async () => {
    expect(await answer(w.ada, "defaults steps: lots")).toBe(t("en", "errors.badInteger", { flag: "steps", min: 1, max: 100, value: "lots" }));
    expect(await answer(w.ada, "defaults aspect: ../../etc/passwd")).toMatch(/aspect/);
    expect(await defaults.get("slack", w.fake.teamId)).toEqual({ aspect: "16:9", steps: 7 });

    expect(await answer(w.ada, "defaults reset")).toBe(t("en", "defaults.cleared"));
    expect(await defaults.get("slack", w.fake.teamId)).toEqual({});

    const sora = w.fake.slash(w.alice, w.general, "defaults are boring");
    await sora;
    expect(await queued(sora.triggerId)).toMatchObject({ kind: "generate", prompt: "defaults are boring" });
  });
});
