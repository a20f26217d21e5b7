// `npm run discord:register [-- --guild ID]` against the fake: the real script, the real REST client, and command
// JSON that keeps Discord's rules (names, lengths, required options first, localizations under Discord's codes).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applicationCommands } from "../../bot/discord/commands-json.ts";
import { parseArgs } from "../../bot/discord/register.ts";
import { FakeDiscord } from "./fake/server.ts";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url).pathname;
let fake: FakeDiscord;

beforeAll(async () => {
  fake = await FakeDiscord.start();
});

afterAll(async () => {
  await fake?.close();
});

function register(...args: string[]) {
  return run("npm", ["run", "--silent", "discord:register", "--", ...args], {
    cwd: ROOT, env: { ...process.env, DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.apiBase },
  });
}

describe("npm run discord:register", () => {
  it("registers in one server with --guild, and globally without", async () => {
    const guild = "123456789012345678";
    const one = await register("--guild", guild);
    expect(one.stdout).toContain(`registered 16 commands (server ${guild})`);
    const list = fake.commands.get(guild)!;
    expect(list.map((c) => c.name)).toEqual(["sora", "extend", "remix", "reroll", "loop", "stitch", "connect", "cancel", "delete", "queue", "info", "history", "defaults", "challenge", "Extend clip", "Remix clip"]);
    expect(list[0]).toMatchObject({ type: 1, name_localizations: { ja: expect.any(String), "es-419": expect.any(String), "pt-BR": expect.any(String) } });

    const all = await register();
    expect(all.stdout).toContain("registered 16 commands (global)");
    expect(fake.commands.get("global")).toHaveLength(16);
  });

  it("fails clearly without a token or with a bad --guild", async () => {
    await expect(run("npm", ["run", "--silent", "discord:register"], { cwd: ROOT, env: { ...process.env, DISCORD_TOKEN: "" } }))
      .rejects.toMatchObject({ stderr: expect.stringContaining("DISCORD_TOKEN is not set") });
    expect(() => parseArgs(["--guild", "general"])).toThrow(/server id/);
    expect(parseArgs(["--guild=123456789012345678"])).toEqual({ guildId: "123456789012345678" });
  });
});

describe("command JSON", () => {
  const cmds = applicationCommands();
  const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

  it("slash commands: valid lower-case names, descriptions within 100, required options first, sane ranges", () => {
    for (const c of cmds.filter((x) => x.type === 1) as ReturnType<typeof applicationCommands>[number][]) {
      const s = c as unknown as { name: string; name_localizations: Record<string, string>; description: string; description_localizations: Record<string, string>; options: { required: boolean; description: string; min_value?: number; max_value?: number }[] };
      for (const n of [s.name, ...Object.values(s.name_localizations)]) expect(n).toMatch(NAME);
      for (const d of [s.description, ...Object.values(s.description_localizations)]) expect(d.length).toBeLessThanOrEqual(100);
      const req = s.options.map((o) => o.required);
      expect(req).toEqual([...req].sort((a, b) => Number(b) - Number(a)));
      for (const o of s.options) if (o.min_value !== undefined) expect(o.min_value).toBeLessThanOrEqual(o.max_value!);
    }
    const sora = cmds.find((c) => c.name === "sora") as unknown as { options: { name: string; type: number }[] };
    expect(sora.options.find((o) => o.name === "image")?.type).toBe(11);
    expect(sora.options.find((o) => o.name === "seed")?.type).toBe(4);
    // /defaults is for managers: shown to members with Manage Server (1 << 5) only; the others to everyone.
    const perms = Object.fromEntries(cmds.filter((c) => c.type === 1).map((c) => [c.name, (c as { default_member_permissions?: string }).default_member_permissions]));
    expect(perms).toMatchObject({ defaults: "32", sora: undefined, info: undefined });
  });

  it("/challenge: one subcommand (type 1) per action, each with its own options nested, channel: a text channel option", () => {
    type Opt = { type: number; name: string; required?: boolean; description: string; name_localizations?: Record<string, string>; description_localizations?: Record<string, string>; channel_types?: number[]; options?: Opt[] };
    const challenge = cmds.find((c) => c.name === "challenge") as unknown as { options: Opt[] };
    expect(challenge.options.map((o) => [o.name, o.type])).toEqual([["start", 1], ["submit", 1], ["leaderboard", 1], ["end", 1], ["schedule", 1], ["cancel", 1]]);
    const sub = (name: string) => challenge.options.find((o) => o.name === name)!;
    expect(sub("start").options!.map((o) => [o.name, o.type, o.required])).toEqual([
      ["theme", 3, true], ["duration", 3, true], ["entries-per-user", 4, false], ["channel", 7, false],
    ]);
    // GUILD_TEXT (0) and GUILD_ANNOUNCEMENT (5): no threads, voice or forum channels.
    expect(sub("start").options!.find((o) => o.name === "channel")!.channel_types).toEqual([0, 5]);
    expect(sub("submit").options!.map((o) => [o.name, o.required])).toEqual([["prompt", true]]);
    expect(sub("schedule").options!.map((o) => o.name)).toEqual(["themes", "every", "entries-per-user", "channel"]);
    for (const name of ["leaderboard", "end", "cancel"]) expect(sub(name).options!.map((o) => o.name)).toEqual(["channel"]);
    const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
    for (const s of challenge.options) {
      for (const n of [s.name, ...Object.values(s.name_localizations!)]) expect(n).toMatch(NAME);
      if (s.name === "start") expect(s.name_localizations).toMatchObject({ de: "starten", "es-ES": "iniciar", "es-419": "iniciar", ja: "開始" });
      for (const d of [s.description, ...Object.values(s.description_localizations!)]) expect(d.length).toBeLessThanOrEqual(100);
      // Nothing may mix subcommands and plain options at one level.
      expect(s.options!.every((o) => o.type !== 1 && o.type !== 2)).toBe(true);
    }
  });

  it("message context menus: Extend clip and Remix clip, localized", () => {
    const menus = cmds.filter((c) => c.type === 3) as unknown as { name: string; name_localizations: Record<string, string> }[];
    expect(menus.map((m) => m.name)).toEqual(["Extend clip", "Remix clip"]);
    for (const m of menus) for (const n of Object.values(m.name_localizations)) expect(n.length).toBeLessThanOrEqual(32);
  });
});

describe("start-up", () => {
  it("a wrong DISCORD_TOKEN stops the adapter with a clear message", async () => {
    const { startDiscordAdapter } = await import("../../bot/discord/index.ts");
    await expect(startDiscordAdapter({
      token: "not-the-token", apiBase: fake.apiBase, producer: {} as never, events: { on: () => undefined, off: () => undefined } as never,
      store: {} as never, blocklist: { source: "none", rules: [] }, model: "m", deliveries: {} as never, links: {} as never,
    })).rejects.toThrow(/DISCORD_TOKEN \(401/);
  });
});
