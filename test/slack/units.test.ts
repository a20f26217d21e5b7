// The Slack adapter's small parts, without Slack: the manifest agrees with the code, the file-host check keeps the
// bot token on Slack's hosts, workflow inputs are checked, Block Kit stays within Slack's limits in every language,
// and the adapter's locale keys exist everywhere.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RESOURCES, SUPPORTED_LOCALES, t } from "../../commands/i18n.ts";
import { COMMANDS } from "../../commands/index.ts";
import { routeText } from "../../commands/route.ts";
import { clipButtons, cancelButton } from "../../commands/buttons.ts";
import { UserError } from "../../commands/errors.ts";
import { clipBlocks, parseModalPlace, remixView } from "../../bot/slack/blocks.ts";
import { checkImageUrl as checkFileUrl, sniffImage } from "../../bot/core/remote-image.ts";
import { toAttachment } from "../../bot/slack/files.ts";
import { DEFAULT_COMMAND, FUNCTION_CALLBACK_ID, SLACK_FILE_HOSTS } from "../../bot/slack/limits.ts";
import { unescapeSlack } from "../../bot/slack/text.ts";
import { CHALLENGE_COMMAND } from "../../bot/slack/challenge-command.ts";
import { START_CHALLENGE_FUNCTION, SUBMIT_CHALLENGE_FUNCTION } from "../../bot/slack/challenge-workflow.ts";
import { checkInputs } from "../../bot/slack/workflow.ts";
import { slackOptionsFromEnv } from "../../bot/slack/env.ts";

const manifest = JSON.parse(readFileSync(new URL("../../bot/slack/manifest.json", import.meta.url), "utf8"));

describe("manifest.json", () => {
  it("declares the command, the function, the events and interactivity the adapter listens for", () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([DEFAULT_COMMAND, CHALLENGE_COMMAND]);
    // /challenge reads `channel: #contest` as Slack's escaped mention, <#C…|contest> (bot/slack/challenge-command.ts).
    expect(manifest.features.slash_commands.find((c: { command: string }) => c.command === CHALLENGE_COMMAND).should_escape).toBe(true);
    expect(Object.keys(manifest.functions)).toEqual([FUNCTION_CALLBACK_ID, START_CHALLENGE_FUNCTION, SUBMIT_CHALLENGE_FUNCTION]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(["message.channels", "message.groups", "function_executed"]));
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.org_deploy_enabled, "custom functions need it").toBe(true);
    expect(manifest.settings.function_runtime).toBe("remote");
  });

  it("/sora's usage hint shows every form the command takes, each as the router reads it", () => {
    const hint: string = manifest.features.slash_commands.find((c: { command: string }) => c.command === DEFAULT_COMMAND).usage_hint;
    expect(hint.length, "Slack's limit").toBeLessThanOrEqual(1000);
    // The one-box words the router takes (commands/route.ts), found by asking it: each command's name, with the
    // arguments any of them could take.
    const probes = (name: string) => [name, `${name} job-1`, `${name} clip_a clip_b`, `${name} clip_a clip_b clip_c`, `${name} reset`, `${name} steps: 12`];
    const routed = new Set(Object.keys(COMMANDS).flatMap((name) => probes(name).map((text) => routeText(text).command)));
    expect([...routed].sort()).toEqual(["cancel", "connect", "defaults", "history", "info", "queue", "sora", "stitch"]);
    // The hint's forms, placeholders filled in and optional parts taken, reach every one of them.
    const forms = hint.split("|").map((f) => f.trim().replaceAll("<job>", "job-1").replaceAll("<clip>", "clip_a").replace(/[[\]…]/g, "").replace(/\s+/g, " ").trim());
    expect(new Set(forms.map((f) => routeText(f).command))).toEqual(routed);
  });

  it("the function's inputs are the ones the step reads, its outputs the ones it writes", () => {
    const fn = manifest.functions[FUNCTION_CALLBACK_ID];
    expect(Object.keys(fn.input_parameters.properties).sort()).toEqual(["aspect_ratio", "channel", "prompt", "seconds", "user"]);
    expect(fn.input_parameters.required).toEqual(["prompt", "channel"]);
    expect(fn.input_parameters.properties.channel.type).toBe("slack#/types/channel_id");
    expect(Object.keys(fn.output_parameters.properties).sort()).toEqual(["clip_permalink", "job_id"]);
  });

  it("asks for the scopes of every Web API method the adapter calls", () => {
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    const needed = ["commands", "chat:write", "files:write", "files:read", "users:read", "channels:history", "channels:join", "groups:history"];
    expect(scopes).toEqual(expect.arrayContaining(needed));
  });
});

describe("file hosts", () => {
  it("sends the bot token only to Slack's file hosts over https (http only on loopback)", () => {
    expect(checkFileUrl("https://files.slack.com/files-pri/T1-F1/x.png", SLACK_FILE_HOSTS).host).toBe("files.slack.com");
    for (const bad of ["http://files.slack.com/x.png", "https://files.slack.com.evil.example/x.png", "https://evil.example/x.png",
      "https://user:pw@files.slack.com/x.png", "file:///etc/passwd", "not a url"]) {
      expect(() => checkFileUrl(bad, SLACK_FILE_HOSTS), bad).toThrow(UserError);
    }
    expect(checkFileUrl("http://127.0.0.1:9/f.png", ["127.0.0.1:9"]).port).toBe("9");
    expect(() => checkFileUrl("http://10.0.0.1:9/f.png", ["10.0.0.1:9"])).toThrow(UserError);
  });

  it("reads a message event's file as an attachment and sniffs images by their bytes", () => {
    expect(toAttachment({ name: "a.png", mimetype: "image/png", size: 3, url_private: "u1", url_private_download: "u2" })).toEqual({ url: "u2", name: "a.png", contentType: "image/png", size: 3 });
    expect(toAttachment({ name: "external" })).toBeUndefined();
    expect(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe("png");
    expect(sniffImage(Buffer.from("<html>"))).toBeUndefined();
  });
});

describe("workflow inputs", () => {
  it("accepts typed or textual values and refuses bad ones with a locales/ key", () => {
    expect(checkInputs({ prompt: " a cat ", channel: "C012AB", seconds: "2,5", aspect_ratio: "9:16", user: "U01X" }))
      .toEqual({ prompt: "a cat", channel: "C012AB", seconds: 2.5, aspect: "9:16", user: "U01X" });
    expect(checkInputs({ prompt: "a cat", channel: "C012AB", seconds: null, aspect_ratio: "" })).toEqual({ prompt: "a cat", channel: "C012AB" });
    expect(checkInputs(undefined)).toMatchObject({ key: "errors.emptyPrompt" });
    expect(checkInputs({ prompt: "x", channel: "general" })).toMatchObject({ key: "slack.workflow.badChannel" });
    expect(checkInputs({ prompt: "x", channel: "C012AB", seconds: 61 })).toMatchObject({ key: "errors.badNumber" });
    expect(checkInputs({ prompt: "x", channel: "C012AB", aspect_ratio: "4:3" })).toMatchObject({ key: "errors.badChoice" });
    expect(checkInputs({ prompt: "x", channel: "C012AB", user: "<@U01>" }), "a bad user is ignored, not trusted").toEqual({ prompt: "x", channel: "C012AB" });
  });
});

describe("Block Kit", () => {
  it("buttons, modal titles and labels fit Slack's limits in every language", () => {
    for (const lng of SUPPORTED_LOCALES) {
      const blocks = clipBlocks("caption", [...clipButtons("clip_1", lng), cancelButton("slack-1", lng)], lng, "F1") as { elements?: { text: { text: string }; action_id: string }[] }[];
      for (const b of blocks[1].elements!) {
        expect(b.text.text.length, `${lng} ${b.action_id}`).toBeLessThanOrEqual(75);
        expect(b.text.text, `${lng} ${b.action_id}: not cut`).not.toMatch(/…$/);
      }
      const view = remixView("clip_1", lng, { channel: "C1", threadTs: "1.2" });
      expect(view.title.text.length).toBeLessThanOrEqual(24);
      expect(view.title.text, `${lng}: the modal title fits without cutting`).toBe(t(lng, "modal.remix.title"));
      expect(parseModalPlace(view.private_metadata)).toEqual({ channel: "C1", threadTs: "1.2" });
    }
    expect(parseModalPlace("{oops")).toBeUndefined();
  });

  it("the delete button carries the uploaded file and asks for confirmation", () => {
    const blocks = clipBlocks("c", clipButtons("clip_1", "en"), "en", "F123") as { elements?: { action_id: string; value: string; confirm?: unknown; style?: string }[] }[];
    const del = blocks[1].elements!.find((e) => e.action_id === "sora:delete:clip_1")!;
    expect(del).toMatchObject({ value: "F123", style: "danger" });
    expect(del.confirm).toBeDefined();
  });
});

describe("text", () => {
  it("undoes Slack's escaping of &, < and >", () => {
    expect(unescapeSlack("cats &amp; dogs &lt;3 &gt;_&lt; &amp;lt;")).toBe("cats & dogs <3 >_< &lt;");
  });

  it("every slack.* key exists in every locale with English's placeholders", () => {
    const flat = (tree: unknown, prefix = ""): [string, string][] => Object.entries(tree as Record<string, unknown>)
      .flatMap(([k, v]) => (typeof v === "string" ? [[`${prefix}${k}`, v] as [string, string]] : flat(v, `${prefix}${k}.`)));
    const en = new Map(flat((RESOURCES.en as Record<string, unknown>).slack, "slack."));
    expect(en.size).toBeGreaterThan(5);
    const holes = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort().join();
    for (const lng of SUPPORTED_LOCALES) {
      const other = new Map(flat((RESOURCES[lng] as Record<string, unknown>).slack ?? {}, "slack."));
      expect([...other.keys()].sort(), lng).toEqual([...en.keys()].sort());
      for (const [k, v] of en) expect(holes(other.get(k)!), `${lng} ${k}`).toBe(holes(v));
    }
  });
});

describe("settings from the environment", () => {
  const base = { producer: {} as never, events: {} as never, store: {} as never, blocklist: { source: "t", rules: [] }, model: "m", deliveries: {} as never, links: {} as never };

  it("is off without a bot token, and Socket Mode wins over HTTP", () => {
    expect(slackOptionsFromEnv({}, base)).toBeUndefined();
    const both = slackOptionsFromEnv({ SLACK_BOT_TOKEN: " xoxb-1 ", SLACK_APP_TOKEN: "xapp-1", SLACK_SIGNING_SECRET: "s" }, base);
    expect(both).toMatchObject({ botToken: "xoxb-1", appToken: "xapp-1", logLevel: "warn" });
    expect(both!.signingSecret).toBeUndefined();
    expect(slackOptionsFromEnv({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: "http://127.0.0.1:9/api/", SLACK_FILE_HOSTS: "a.example, b.example", SLACK_LOG_LEVEL: "DEBUG" }, base))
      .toMatchObject({ signingSecret: "s", apiUrl: "http://127.0.0.1:9/api/", fileHosts: ["a.example", "b.example"], logLevel: "debug" });
  });
});

describe("importing an image from Slack's file host", () => {
  it("sends the bot token, caps the size while reading, and checks the bytes", async () => {
    const { FakeSlack } = await import("./fake/server.ts");
    const { importSlackImage } = await import("../../bot/slack/files.ts");
    const { encodePng } = await import("../../engine/synth/png.ts");
    const fake = await FakeSlack.start();
    try {
      const u = fake.addUser("u");
      const stored: Buffer[] = [];
      const store = { putBlob: async (d: Buffer, ext: string) => (stored.push(d), `frames/x.${ext}`) };
      const opts = { hosts: [fake.fileHost], token: fake.botToken, maxBytes: 4096, store, log: () => undefined };
      const png = encodePng(new Uint8Array(8 * 8 * 3).fill(7), 8, 8);
      const ok = toAttachment(fake.userFile(u, "a.png", png, "image/png"))!;
      expect(await importSlackImage(ok, opts)).toBe("frames/x.png");
      expect(stored[0]).toEqual(png);

      // A declared size can lie: the cap holds while the bytes stream.
      const big = fake.userFile(u, "big.png", Buffer.concat([png, Buffer.alloc(10_000)]), "image/png");
      await expect(importSlackImage({ ...toAttachment(big)!, size: 10 }, opts)).rejects.toMatchObject({ key: "errors.imageTooLarge" });
      // Not an image, whatever its name says.
      const fakePng = toAttachment(fake.userFile(u, "fake.png", Buffer.from("<html>hi</html>"), "image/png"))!;
      await expect(importSlackImage(fakePng, opts)).rejects.toMatchObject({ key: "errors.notImage" });
      // Without the right token Slack redirects to its sign-in page: a failed fetch, not a followed redirect.
      await expect(importSlackImage(ok, { ...opts, token: "xoxb-other" })).rejects.toMatchObject({ key: "errors.attachmentFetch" });
    } finally {
      await fake.close();
    }
  });
});
