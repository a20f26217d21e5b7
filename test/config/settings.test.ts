// Operator limits come from the environment, with defaults, and a bad value is one clear line naming the variable.
import { describe, expect, it } from "vitest";
import { RATE_USER_MAX } from "../../engine/config/limits.ts";
import { checkSettings, readSetting, SettingError } from "../../engine/config/settings.ts";
import { rateLimitsFromEnv } from "../../engine/queue/limits.ts";
import { startApp } from "../../bot/start/app.ts";

describe("settings", () => {
  it("reads the environment, else the default", () => {
    expect(readSetting(RATE_USER_MAX, {})).toBe(10);
    expect(readSetting(RATE_USER_MAX, { SORA_RATE_USER_MAX: " 3 " })).toBe(3);
    expect(rateLimitsFromEnv({ SORA_RATE_USER_MAX: "2", SORA_RATE_SERVER_WINDOW_S: "60" }))
      .toEqual({ user: { max: 2, windowSeconds: 600 }, server: { max: 100, windowSeconds: 60 } });
  });

  it("refuses a bad value by name, with what it limits and its default", () => {
    for (const bad of ["abc", "0", "-1", "2.5", "1e999"]) {
      expect(() => readSetting(RATE_USER_MAX, { SORA_RATE_USER_MAX: bad })).toThrow(SettingError);
    }
    expect(checkSettings({ SORA_RATE_USER_MAX: "ten", SORA_STORE_MAX_GIB: "1.5" }))
      .toEqual([expect.stringMatching(/^SORA_RATE_USER_MAX="ten" is not valid: it must be a whole number at least 1 \(clips one person.*default 10\)$/)]);
  });

  it("the product refuses to start on a bad setting, before it connects to anything", async () => {
    const err = await startApp({ worker: false, env: { SORA_FFMPEG_TIMEOUT_MS: "soon" }, log: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingError);
    expect((err as Error).message).toMatch(/^SORA_FFMPEG_TIMEOUT_MS="soon" is not valid/);
  });
});
