// /defaults end to end on the fake Discord: the product's adapter with the real discord.js client, the real queue on
// Redis and the Redis defaults store (each under a prefix of its own). No worker: the jobs only need to be queued.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { jobIdForEvent } from "../../engine/queue/keys.ts";
import { t } from "../../commands/i18n.ts";
import { RedisServerDefaults } from "../../bot/core/defaults-store.ts";
import { World } from "./harness.ts";
import type { FakeInteraction, FakeMessage } from "./fake/server.ts";
import { cleanup } from "../queue/helpers.ts";

const prefix = `test-discord-defaults-${randomUUID().slice(0, 8)}`;
const redis = connectRedis();
const defaults = new RedisServerDefaults(redis, { prefix });
let w: World;

beforeAll(async () => {
  w = await World.start({ adapter: { deferAfterMs: 0, defaults } });
});

afterAll(async () => {
  await w?.close();
  await cleanup(redis, prefix);
  await redis.quit();
});

function ephemeralAnswer(i: FakeInteraction): Promise<FakeMessage> {
  return w.fake.waitFor(() => w.fake.answers(i).find((m) => (m.flags & 64) !== 0 && m.content), 30_000, "an ephemeral answer");
}

describe("discord /defaults", () => {
  it("a manager's /defaults is refused to a member, and a member's /sora then carries the default steps", async () => {
    const set = w.fake.slash(w.alice, w.general.id, "defaults", { steps: 7, aspect: "16:9" });
    expect((await ephemeralAnswer(set)).content).toBe(t("en", "defaults.saved", { list: "aspect 16:9, 7 steps" }));
    expect(await defaults.get("discord", w.guild.id)).toEqual({ aspect: "16:9", steps: 7 });

    const refused = w.fake.slash(w.mallory, w.general.id, "defaults", { steps: 90 }, "es-ES");
    expect((await ephemeralAnswer(refused)).content).toBe(t("es", "errors.defaultsNotAllowed"));

    const sora = w.fake.slash(w.mallory, w.general.id, "sora", { prompt: "a blue cube spinning --ar 1:1" });
    await w.fake.waitFor(() => w.fake.original(sora)?.content.startsWith("Waiting in line"), 30_000, "the progress message");
    const status = await w.producer.status(jobIdForEvent("discord", sora.id));
    // The default steps fill in; the member's own --ar wins over the default aspect.
    expect(status.job).toMatchObject({ kind: "generate", prompt: "a blue cube spinning", steps: 7, aspect: "1:1", origin: { serverId: w.guild.id, userId: w.mallory.id } });

    const info = w.fake.slash(w.mallory, w.general.id, "info", {});
    expect((await ephemeralAnswer(info)).content).toContain("Server defaults: aspect 16:9, 7 steps");
  });
});
