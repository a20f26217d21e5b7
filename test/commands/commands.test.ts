import { describe, expect, it } from "vitest";
import { PARAM_LIMITS } from "../../engine/queue/limits.ts";
import type { JobProducer } from "../../commands/context.ts";
import { localizeDefinition } from "../../commands/definition.ts";
import { presentClip } from "../../commands/deliver.ts";
import { COMMANDS, handleButton } from "../../commands/index.ts";
import { remixModal } from "../../commands/remix.ts";
import { handleReply } from "../../commands/reply.ts";
import { ListQueue, MapClips, RecordingContext } from "./harness.ts";

function setup(o: { locale?: string; userId?: string; manager?: boolean; perUser?: number } = {}) {
  const queue = new ListQueue(o.perUser);
  const clips = new MapClips();
  clips.add("clip-1", "owner");
  const ctx = (more: Partial<{ locale: string; userId: string; manager: boolean; eventId: string; serverId: string }> = {}) =>
    new RecordingContext({ producer: queue, clips, locale: o.locale, userId: o.userId, manager: o.manager, ...more });
  return { queue, clips, ctx };
}

describe("/sora", () => {
  it("queues a generate job with inline flags and shows the queue position", async () => {
    const { queue, ctx } = setup();
    const c = ctx();
    await COMMANDS.sora.handle(c, { prompt: 'a red ball --ar 16:9 --seed 7 --steps 20 --gs 4 --neg "blurry" --seconds 4 --motion fast' });
    expect(c.replies).toEqual([]);
    expect(queue.entries).toHaveLength(1);
    expect(queue.entries[0].job).toEqual({
      kind: "generate", eventId: c.eventId, prompt: "a red ball quickly", negativePrompt: "blurry", seed: 7, steps: 20, guidance: 4,
      aspect: "16:9", seconds: 4,
      origin: { platform: "discord", userId: "owner", serverId: "guild-1", place: { channelId: "chan-1", messageId: "msg-1" }, locale: "en" },
    });
    expect(c.progressUpdates).toEqual([{
      jobId: "job-1", snapshot: { state: "queued", position: 0, etaSeconds: 30 }, text: "Waiting in line: position 1, starts in about 30 s",
    }]);
  });

  it("asks for the prompt as written with --raw or the raw option, and leaves the rewrite on otherwise", async () => {
    const { queue, ctx } = setup();
    await COMMANDS.sora.handle(ctx(), { prompt: "a red ball --raw" });
    await COMMANDS.sora.handle(ctx(), { prompt: "a red ball", raw: true });
    await COMMANDS.sora.handle(ctx(), { prompt: "a red ball", raw: false });
    expect(queue.entries.map((e) => e.job.raw)).toEqual([true, true, undefined]);
    expect(queue.entries[0].job.prompt).toBe("a red ball");
  });

  it("lets slash-command options win over the same inline flag", async () => {
    const { queue, ctx } = setup();
    await COMMANDS.sora.handle(ctx(), { prompt: "a cube --seed 1 --ar 1:1", seed: 99, aspect: "9:16", motion: "slow" });
    expect(queue.entries[0].job).toMatchObject({ prompt: "a cube slowly", seed: 99, aspect: "9:16" });
  });

  it("answers bad input in the reader's language and queues nothing", async () => {
    const { queue, ctx } = setup({ locale: "es-419" });
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ prompt: "   " }, "errors.emptyPrompt", /el texto está vacío/],
      [{ prompt: "--seed 3" }, "errors.emptyPrompt", /vacío/],
      [{ prompt: "a ball --style anime" }, "errors.unknownFlag", /Opción desconocida --style/],
      [{ prompt: "a ball --steps 500" }, "errors.badInteger", /--steps debe ser un número entero de 1 a 100/],
      [{ prompt: "a N U D E figure" }, "errors.blocked", /no puedo hacer ese clip/],
      [{ prompt: "a ball", negative: "nude" }, "errors.blocked", /normas de contenido/],
      [{ prompt: "x".repeat(1001) }, "errors.promptTooLong", /1001 caracteres, como máximo 1000/],
    ];
    for (const [args, key, text] of cases) {
      const c = ctx();
      await COMMANDS.sora.handle(c, args);
      expect(c.replies, key).toHaveLength(1);
      expect(c.replies[0], key).toMatchObject({ key, ephemeral: true });
      expect(c.replies[0].text, key).toMatch(text);
      expect(c.progressUpdates).toEqual([]);
    }
    expect(queue.entries).toEqual([]);
  });

  it("logs a refusal without the prompt", async () => {
    const { ctx } = setup();
    const c = ctx();
    await COMMANDS.sora.handle(c, { prompt: "my private words and some gore" });
    expect(c.logLines).toEqual(["moderation: refused platform=discord user=owner server=guild-1 rule=test-blocklist.txt:2"]);
  });

  it("animates an attached image, words optional; refuses a non-image", async () => {
    const { queue, ctx } = setup();
    const c = ctx();
    await COMMANDS.sora.handle(c, { prompt: "", image: { url: "https://cdn.discordapp.com/x/cat.png", name: "cat.png", contentType: "image/png" } });
    expect(queue.entries[0].job).toMatchObject({ kind: "animate", imageRef: "frames/cat.png", prompt: "" });
    const bad = ctx();
    await COMMANDS.sora.handle(bad, { prompt: "go", image: { url: "https://cdn.discordapp.com/x/a.zip", name: "a.zip", contentType: "application/zip" } });
    expect(bad.replies[0].key).toBe("errors.notImage");
    expect(queue.entries).toHaveLength(1);
  });

  it("enqueues a redelivered event once", async () => {
    const { queue, ctx } = setup();
    const first = ctx({ eventId: "same" });
    const again = ctx({ eventId: "same" });
    await COMMANDS.sora.handle(first, { prompt: "a star" });
    await COMMANDS.sora.handle(again, { prompt: "a star" });
    expect(queue.entries).toHaveLength(1);
    expect(again.progressUpdates).toEqual([]);
    expect(again.replies.map((r) => r.key)).toEqual(["progress.duplicate"]);
  });

  it("tells a user over the limit when to come back, in their language", async () => {
    const { queue, ctx } = setup({ perUser: 1, locale: "de" });
    await COMMANDS.sora.handle(ctx(), { prompt: "one" });
    const c = ctx();
    await COMMANDS.sora.handle(c, { prompt: "two" });
    expect(c.replies[0]).toMatchObject({ key: "queue.rateLimited.user", ephemeral: true });
    expect(c.replies[0].text).toBe("Du hast in letzter Zeit viele Clips gestartet. Versuch es in 42 s noch einmal.");
    expect(queue.entries).toHaveLength(1);
  });

  it("apologises for our own failures and logs the detail", async () => {
    const broken: JobProducer = { ...new ListQueue(), enqueue: async () => { throw new Error("redis down"); } } as unknown as JobProducer;
    const c = new RecordingContext({ producer: broken, clips: new MapClips(), locale: "fr" });
    await COMMANDS.sora.handle(c, { prompt: "a star" });
    expect(c.replies[0]).toMatchObject({ key: "errors.internal", text: "Un problème est survenu de notre côté. Réessaie, s'il te plaît." });
    expect(c.logLines[0]).toMatch(/redis down/);
  });
});

describe("commands on a clip", () => {
  it("extend continues the clip, forwards or backwards, and refuses unknown clips", async () => {
    const { queue, ctx } = setup();
    await COMMANDS.extend.handle(ctx(), { clip: "clip-1", prompt: "it rolls left --seed 3" });
    await COMMANDS.extend.handle(ctx(), { clip: "clip-1", backward: true });
    expect(queue.entries.map((e) => e.job)).toMatchObject([
      { kind: "extend", parentClipId: "clip-1", prompt: "it rolls left", seed: 3, direction: "forward" },
      { kind: "extend", parentClipId: "clip-1", prompt: "", direction: "backward" },
    ]);
    const c = ctx();
    await COMMANDS.extend.handle(c, { clip: "nope" });
    expect(c.replies[0].key).toBe("errors.unknownClip");
    expect(queue.entries).toHaveLength(2);
  });

  it("remix needs words, takes strength from a slash option or the modal's text", async () => {
    const { queue, ctx } = setup();
    await COMMANDS.remix.handle(ctx(), { clip: "clip-1", prompt: "at night", strength: "0,4" });
    await COMMANDS.remix.handle(ctx(), { clip: "clip-1", prompt: "in snow --strength 0.8" });
    expect(queue.entries.map((e) => e.job)).toMatchObject([
      { kind: "remix", parentClipId: "clip-1", prompt: "at night", strength: 0.4 },
      { kind: "remix", prompt: "in snow", strength: 0.8 },
    ]);
    const empty = ctx();
    await COMMANDS.remix.handle(empty, { clip: "clip-1", prompt: "" });
    expect(empty.replies[0].key).toBe("errors.emptyPrompt");
    const bad = ctx();
    await COMMANDS.remix.handle(bad, { clip: "clip-1", prompt: "x", strength: "2" });
    expect(bad.replies[0]).toMatchObject({ key: "errors.badNumber", params: { max: PARAM_LIMITS.strength.max } });
    expect(queue.entries).toHaveLength(2);
  });

  it("reroll, loop and stitch queue their kind on the parent (and pass the real job schema)", async () => {
    const { queue, ctx } = setup();
    for (const name of ["reroll", "loop", "stitch"]) await COMMANDS[name].handle(ctx(), { clip: "clip-1" });
    expect(queue.entries.map((e) => [e.job.kind, e.job.parentClipId])).toEqual([["reroll", "clip-1"], ["loop", "clip-1"], ["stitch", "clip-1"]]);
  });

  it("delete: the maker or a manager of its server may, a stranger may not", async () => {
    const { clips, ctx } = setup();
    const stranger = ctx({ userId: "stranger" });
    await COMMANDS.delete.handle(stranger, { clip: "clip-1" });
    expect(stranger.replies[0]).toMatchObject({ key: "queue.notAllowed", ephemeral: true });
    expect(clips.clips.has("clip-1")).toBe(true);
    const owner = ctx();
    await COMMANDS.delete.handle(owner, { clip: "clip-1" });
    expect(owner.replies[0].key).toBe("results.deleted");
    expect(clips.clips.has("clip-1")).toBe(false);
    clips.add("clip-2", "someone");
    const elsewhere = ctx({ userId: "mod", manager: true, serverId: "guild-2" });
    await COMMANDS.delete.handle(elsewhere, { clip: "clip-2" });
    expect(elsewhere.replies[0]).toMatchObject({ key: "queue.notAllowed", ephemeral: true });
    expect(clips.clips.has("clip-2")).toBe(true);
    const mod = ctx({ userId: "mod", manager: true });
    await COMMANDS.delete.handle(mod, { clip: "clip-2" });
    expect(mod.replies[0].key).toBe("results.deleted");
  });
});

describe("cancel, queue and info", () => {
  it("cancel: owner and manager may, stranger may not, unknown job is named", async () => {
    const { queue, ctx } = setup();
    await COMMANDS.sora.handle(ctx(), { prompt: "one" });
    await COMMANDS.sora.handle(ctx(), { prompt: "two" });
    const stranger = ctx({ userId: "stranger" });
    await COMMANDS.cancel.handle(stranger, { job: "job-1" });
    expect(stranger.replies[0].key).toBe("queue.notAllowed");
    const owner = ctx();
    await COMMANDS.cancel.handle(owner, { job: "job-1" });
    expect(owner.replies[0].text).toBe("Job job-1 is cancelled.");
    const mod = ctx({ userId: "mod", manager: true });
    await COMMANDS.cancel.handle(mod, { job: "job-2" });
    expect(mod.replies[0].key).toBe("results.cancelled");
    expect(queue.entries).toEqual([]);
    const again = ctx();
    await COMMANDS.cancel.handle(again, { job: "job-1" });
    expect(again.replies[0]).toMatchObject({ key: "errors.unknownJob", text: "I can't find job job-1." });
  });

  it("queue lists the asker's jobs, or one job", async () => {
    const { queue, ctx } = setup({ locale: "pt-BR" });
    await COMMANDS.sora.handle(ctx({ userId: "other" }), { prompt: "a" });
    await COMMANDS.sora.handle(ctx(), { prompt: "b" });
    queue.entries[0].state = "running";
    const c = ctx();
    await COMMANDS.queue.handle(c, {});
    expect(c.replies[0].text.split("\n")).toEqual(["Fila", "1 aguardando, 1 em andamento", "Trabalho job-2: posição 1, começa em cerca de 30 s"]);
    const one = ctx();
    await COMMANDS.queue.handle(one, { job: "job-1" });
    expect(one.replies[0].text).toBe("Trabalho job-1: 45% feito");
    const none = ctx();
    await COMMANDS.queue.handle(none, { job: "job-9" });
    expect(none.replies[0].key).toBe("errors.unknownJob");
    const empty = ctx({ userId: "nobody" });
    await COMMANDS.queue.handle(empty, {});
    expect(empty.replies[0].text).toContain("Você não tem trabalhos na fila.");
  });

  it("info shows model, queue, usage, limits and how replies work", async () => {
    const { ctx } = setup();
    await COMMANDS.sora.handle(ctx(), { prompt: "a" });
    const c = ctx();
    await COMMANDS.info.handle(c, {});
    const text = c.replies[0].text;
    expect(text).toContain("Model: sora-tiny-test");
    expect(text).toContain("Queue: 1 waiting, 0 running");
    expect(text).toContain("Your jobs now: 1");
    expect(text).toContain("prompts up to 1000 characters, up to 60 s a video, 100 steps at most");
    expect(text).toContain("“remix:”");
  });
});

describe("replies, buttons and delivery", () => {
  it("a reply extends, a localized remix: remixes, an image animates, a stray message is left alone", async () => {
    const { queue, clips, ctx } = setup({ locale: "fr" });
    clips.messages.set("discord:posted-1", "clip-1");
    clips.threads.set("discord:thread-1", "clip-1");
    expect(await handleReply(ctx(), { text: "puis elle tourne", attachments: [], replyToMessageId: "posted-1" })).toBe(true);
    expect(await handleReply(ctx(), { text: "Remix : la nuit", attachments: [], threadId: "thread-1" })).toBe(true);
    expect(await handleReply(ctx(), { text: "", attachments: [{ url: "https://cdn.discordapp.com/p.webp", name: "p.webp" }], threadId: "thread-1" })).toBe(true);
    const stray = ctx();
    expect(await handleReply(stray, { text: "bonjour", attachments: [], threadId: "elsewhere" })).toBe(false);
    expect(stray.replies).toEqual([]);
    expect(queue.entries.map((e) => e.job)).toMatchObject([
      { kind: "extend", parentClipId: "clip-1", prompt: "puis elle tourne" },
      { kind: "remix", parentClipId: "clip-1", prompt: "la nuit" },
      { kind: "animate", imageRef: "frames/p.webp" },
    ]);
    const blocked = ctx();
    await handleReply(blocked, { text: "remix: nude", attachments: [], threadId: "thread-1" });
    expect(blocked.replies[0].text).toMatch(/^Désolé/);
    expect(queue.entries).toHaveLength(3);
  });

  it("buttons carry their state: extend backwards, reroll, cancel; remix asks for the modal", async () => {
    const { queue, ctx } = setup();
    const row = presentClip((await ctx().clips.getClip("clip-1"))!).buttons;
    const id = (a: string) => row.find((b) => b.action === a)!.id;
    expect(await handleButton(ctx(), id("extendBackward"))).toBe("handled");
    expect(await handleButton(ctx(), id("reroll"))).toBe("handled");
    expect(await handleButton(ctx(), id("remix"))).toBe("open-remix-modal");
    expect(await handleButton(ctx(), "someone-else:x")).toBe("unknown");
    expect(queue.entries.map((e) => [e.job.kind, e.job.direction])).toEqual([["extend", "backward"], ["reroll", undefined]]);
    const c = ctx();
    expect(await handleButton(c, "sora:cancel:job-2")).toBe("handled");
    expect(c.replies[0].key).toBe("results.cancelled");
    const modal = remixModal("clip-1", "ja");
    expect(modal).toMatchObject({ id: "sora:remix:clip-1", title: "このクリップをリミックス" });
    expect(modal.fields.map((f) => f.id)).toEqual(["prompt", "strength"]);
  });

  it("a delivered clip is captioned in the requester's language", () => {
    const { clips } = setup();
    const c = clips.add("clip-9", "u", { kind: "remix", origin: { platform: "slack", userId: "u", locale: "ja" }, parentId: "clip-1" });
    const post = presentClip(c);
    expect(post.caption.split("\n")[0]).toBe("リミックス");
    expect(post.buttons.map((b) => b.label)).toContain("再生成");
  });

  it("the caption names what the layout input placed, and says nothing of it when there was none", () => {
    const { clips } = setup();
    const placed = clips.add("clip-10", "u", { layout: ["red star right", "blue circle still"], origin: { platform: "slack", userId: "u", locale: "fr" } });
    expect(presentClip(placed).caption).toContain("Disposition: red star right, blue circle still");
    expect(presentClip(clips.add("clip-11", "u")).caption).not.toMatch(/Layout|Disposition/);
  });
});

describe("definitions", () => {
  it("every command is defined once with localized texts and the queue's limits", () => {
    expect(Object.keys(COMMANDS)).toEqual(["sora", "extend", "remix", "reroll", "loop", "stitch", "connect", "cancel", "delete", "queue", "info", "history", "defaults", "challenge"]);
    const sora = localizeDefinition(COMMANDS.sora.definition);
    expect(sora.descriptionLocalizations.de).toBe("Erstellt einen kurzen Videoclip aus einem Text");
    expect(sora.options.find((o) => o.name === "steps")).toMatchObject({ type: "integer", min: 1, max: PARAM_LIMITS.steps.max });
    expect(sora.options.find((o) => o.name === "aspect")!.choices!.map((c) => c.value)).toEqual(["1:1", "16:9", "9:16"]);
    expect(sora.options.find((o) => o.name === "prompt")).toMatchObject({ required: true, maxLength: 1000 });
    expect(localizeDefinition(COMMANDS.queue.definition).nameLocalizations).toMatchObject({ ja: "キュー", fr: "file" });
  });
});

describe("bad input gets a named, localized refusal and queues nothing", () => {
  it("a prompt of invisible characters is empty", async () => {
    const { queue, ctx } = setup({ locale: "de" });
    for (const prompt of ["\u200b\u200b", "\u200d \u2060\ufeff", "\u202e\u200e", "\u3164"]) {
      const c = ctx();
      await COMMANDS.sora.handle(c, { prompt });
      expect(c.replies.map((r) => r.key)).toEqual(["errors.emptyPrompt"]);
      expect(c.replies[0].text).toMatch(/leer/);
    }
    // A negative prompt of nothing visible is no negative prompt.
    await COMMANDS.sora.handle(ctx(), { prompt: "a red ball", negative: "\u200b" });
    expect(queue.entries.map((e) => e.job.negativePrompt)).toEqual([undefined]);
  });

  it("an option that is not one of its choices is refused, not ignored", async () => {
    const { queue, ctx } = setup();
    const aspect = ctx();
    await COMMANDS.sora.handle(aspect, { prompt: "a red ball", aspect: "0:0" });
    expect(aspect.replies[0]).toMatchObject({ key: "errors.badChoice", params: { flag: "aspect", value: "0:0" } });
    const motion = ctx();
    await COMMANDS.sora.handle(motion, { prompt: "a red ball", motion: "warp" });
    expect(motion.replies[0]).toMatchObject({ key: "errors.badChoice", params: { flag: "motion" } });
    const raw = ctx();
    await COMMANDS.sora.handle(raw, { prompt: "a red ball", raw: "maybe" });
    expect(raw.replies[0]).toMatchObject({ key: "errors.badBoolean", params: { flag: "raw", value: "maybe" } });
    expect(raw.replies[0].text).toBe("raw must be true or false (got “maybe”).");
    expect(queue.entries).toEqual([]);
  });

  it("a clip id that could never be one is named, without reaching the store", async () => {
    const { queue, ctx } = setup({ locale: "fr" });
    for (const clip of ["../../etc/passwd", "clip 1", "http://x/y", "clips/a/video.mp4"]) {
      const c = ctx();
      await COMMANDS.extend.handle(c, { clip, prompt: "on" });
      expect(c.replies[0]).toMatchObject({ key: "errors.badClipId", params: { value: clip } });
      expect(c.replies[0].text).toContain("identifiant de clip");
    }
    expect(queue.entries).toEqual([]);
  });

  it("the length error counts every character written", async () => {
    const { ctx } = setup();
    const c = ctx();
    await COMMANDS.sora.handle(c, { prompt: "x".repeat(4321) });
    expect(c.replies[0]).toMatchObject({ key: "errors.promptTooLong", params: { length: 4321, max: 1000 } });
  });
});
