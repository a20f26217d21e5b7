// The small pieces on their own: following a job from its events (bot/core/follow-job.ts), where attachments may
// come from and what counts as an image, mentions in prompts, and the switch from the interaction token to the
// channel at 14 minutes.
import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import type { ClipEventMap, ClipEventName } from "../../engine/queue/events.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import { clipIdForJob } from "../../engine/queue/keys.ts";
import { JobFollower, type JobEventSource, type ProgressView } from "../../bot/core/follow-job.ts";
import { t } from "../../commands/i18n.ts";
import { checkImageUrl as checkAttachmentUrl, sniffImage } from "../../bot/core/remote-image.ts";
import { stripMention } from "../../bot/discord/messages.ts";
import { ProgressMessage } from "../../bot/discord/progress-message.ts";
import { TOKEN_SAFE_MS } from "../../bot/discord/limits.ts";
import { encodePng } from "../../engine/synth/png.ts";

class Source implements JobEventSource {
  private readonly e = new EventEmitter();
  on<K extends ClipEventName>(event: K, fn: (e: ClipEventMap[K]) => void) { this.e.on(event, fn); }
  off<K extends ClipEventName>(event: K, fn: (e: ClipEventMap[K]) => void) { this.e.off(event, fn); }
  emit<K extends ClipEventName>(event: K, e: ClipEventMap[K]) { this.e.emit(event, e); }
  count() { return this.e.listenerCount("completed"); }
}

const clip: ClipRecord = {
  id: "clip_1", rootId: "clip_1", kind: "generate", prompt: "a red ball", expandedPrompt: "a red ball", seed: 3, params: {},
  origin: { platform: "discord", userId: "u", locale: "de" }, createdAt: "2026-01-01T00:00:00Z",
  files: { video: "clips/clip_1/video.mp4" }, frames: { width: 64, height: 64, fps: 8, count: 5 },
};
const tick = () => new Promise((r) => setTimeout(r, 10));

describe("JobFollower", () => {
  function setup() {
    const source = new Source();
    const follower = new JobFollower({ events: source, store: { getClip: async (id) => (id === clip.id ? clip : undefined) }, intervalMs: 0, log: () => undefined });
    const shown: ProgressView[] = [];
    const posted: string[] = [];
    const view = { progress: async (u: ProgressView) => void shown.push(u), completed: async (r: { clip: ClipRecord }) => void posted.push(r.clip.id) };
    return { source, follower, shown, posted, view };
  }

  it("renders progress in the reader's language, posts the clip once, then shows done", async () => {
    const { source, follower, shown, posted, view } = setup();
    const done = follower.follow("job-1", "de", view);
    source.emit("active", { jobId: "job-1" });
    await tick();
    source.emit("progress", { jobId: "job-1", stage: "denoise", step: 1, steps: 2, etaSeconds: 3 });
    await tick();
    source.emit("progress", { jobId: "other", stage: "denoise", step: 1, steps: 2 });
    source.emit("completed", { jobId: "job-1", clipId: clip.id });
    source.emit("completed", { jobId: "job-1", clipId: clip.id });
    expect(await done).toBe("completed");
    expect(posted).toEqual([clip.id]);
    expect(shown.at(-1)!.snapshot.state).toBe("done");
    expect(shown.at(-1)!.text.startsWith(t("de", "progress.done"))).toBe(true);
    expect(shown.some((u) => u.snapshot.stage === "denoise" && u.text.includes("%"))).toBe(true);
    expect(shown.every((u) => u.jobId === "job-1")).toBe(true);
  });

  it("a failure shows the queue's reason; a late duplicate is not taken for someone else's job", async () => {
    const { source, follower, shown, view } = setup();
    const unfollowed = vi.fn();
    follower.onUnfollowed(unfollowed);
    const done = follower.follow("job-2", "en", view);
    source.emit("failed", { jobId: "job-2", reason: "boom", userMessageKey: "queue.unknownClip" });
    expect(await done).toBe("failed");
    expect(shown.at(-1)!.text).toBe(t("en", "progress.failed", { reason: t("en", "queue.unknownClip") }));
    source.emit("completed", { jobId: "job-2", clipId: clip.id });
    source.emit("completed", { jobId: "stranger", clipId: clip.id });
    expect(unfollowed.mock.calls.map((c) => c[0].jobId)).toEqual(["stranger"]);
  });

  it("catches up on a job that ended before it was followed, and uses one listener for all jobs", async () => {
    const source = new Source();
    const posted: string[] = [];
    const follower = new JobFollower({
      events: source, store: { getClip: async () => clip }, intervalMs: 0,
      status: async (jobId) => ({ jobId, state: "completed", clipId: clip.id }),
    });
    const view = { progress: async () => undefined, completed: async () => void posted.push("x") };
    await Promise.all([follower.follow("a", "en", view), follower.follow("b", "en", view)]);
    expect(posted).toHaveLength(2);
    expect(source.count()).toBe(1);
    follower.close();
    expect(source.count()).toBe(0);
  });

  it("a waiting job's place in line is shown at once only when asked (a job taken over before its first message)", async () => {
    const source = new Source();
    const follower = new JobFollower({
      events: source, store: { getClip: async () => clip }, intervalMs: 0, log: () => undefined,
      status: async (jobId) => ({ jobId, state: "waiting", position: 2, etaSeconds: 30 }),
    });
    const shown: Record<string, ProgressView[]> = { plain: [], asked: [] };
    for (const name of ["plain", "asked"]) {
      const view = { progress: async (u: ProgressView) => void shown[name]!.push(u), completed: async () => undefined };
      void follower.follow(name, "en", view, name === "asked" ? { showQueued: true } : {});
    }
    await tick();
    expect(shown.plain).toEqual([]);
    expect(shown.asked!.map((u) => u.snapshot)).toEqual([{ state: "queued", position: 2, etaSeconds: 30 }]);
    expect(shown.asked![0]!.text).toBe(t("en", "progress.queuedEta", { position: 3, eta: { seconds: 30 } }));
    follower.close();
  });

  it("a job gone from the queue: its stored clip is posted if it made one, else the person is told it is lost", async () => {
    const made = { ...clip, id: clipIdForJob("discord-kept") };
    const posted: string[] = [];
    const shown: ProgressView[] = [];
    const follower = new JobFollower({
      events: new Source(), store: { getClip: async (id) => (id === made.id ? made : undefined) }, intervalMs: 0,
      status: async (jobId) => ({ jobId, state: "unknown" }),
    });
    const view = { progress: async (u: ProgressView) => void shown.push(u), completed: async (r: { clip: ClipRecord }) => void posted.push(r.clip.id) };
    expect(await follower.follow("discord-kept", "en", view)).toBe("completed");
    expect(posted).toEqual([made.id]);
    expect(await follower.follow("discord-gone", "de", view)).toBe("failed");
    expect(shown.at(-1)!.text).toBe(t("de", "progress.failed", { reason: t("de", "queue.lost") }));
    follower.close();
  });
});

describe("attachments", () => {
  const hosts = ["cdn.discordapp.com", "media.discordapp.net"];
  it("only Discord's hosts, over https (plain http only on loopback, for tests)", () => {
    expect(checkAttachmentUrl("https://cdn.discordapp.com/attachments/1/2/a.png?ex=1", hosts).host).toBe("cdn.discordapp.com");
    for (const bad of ["http://cdn.discordapp.com/a.png", "https://cdn.discordapp.com.evil.net/a.png", "https://cdn.discordapp.com@evil.net/a.png",
      "https://evil.net/cdn.discordapp.com/a.png", "file:///etc/passwd", "not a url", "https://user:pw@cdn.discordapp.com/a.png"]) {
      expect(() => checkAttachmentUrl(bad, hosts), bad).toThrow(expect.objectContaining({ key: "errors.attachmentHost" }));
    }
    expect(checkAttachmentUrl("http://127.0.0.1:5000/a.png", ["127.0.0.1:5000"]).port).toBe("5000");
  });

  it("an image is what its first bytes say", () => {
    expect(sniffImage(encodePng(new Uint8Array(12), 2, 2))).toBe("png");
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("jpg");
    expect(sniffImage(Buffer.from("GIF89a...."))).toBe("gif");
    expect(sniffImage(Buffer.from("RIFF\0\0\0\0WEBPVP8 "))).toBe("webp");
    expect(sniffImage(Buffer.from("<svg xmlns=..."))).toBeUndefined();
  });
});

describe("messages", () => {
  it("the bot's mention is not part of the prompt", () => {
    expect(stripMention("<@42> it rolls  left <@!42>", "42")).toBe("it rolls left");
    expect(stripMention("<@7> hi", "42")).toBe("<@7> hi");
  });
});

describe("ProgressMessage", () => {
  function world(createdAgoMs: number) {
    const editReply = vi.fn(async () => undefined);
    const channelEdit = vi.fn(async () => undefined);
    const channel = { id: "c", guildId: "g", isSendable: () => true, messages: { edit: channelEdit } };
    const client = { channels: { cache: new Map([["c", channel]]), fetch: async () => channel } };
    const interaction = { createdTimestamp: Date.now() - createdAgoMs, editReply };
    const pm = new ProgressMessage(client as never, { channelId: "c", messageId: "m" }, interaction as never, () => undefined);
    return { pm, editReply, channelEdit };
  }

  it("edits through the token while it is fresh", async () => {
    const { pm, editReply, channelEdit } = world(1000);
    await pm.edit({ content: "50%" });
    expect(editReply).toHaveBeenCalledWith({ content: "50%", message: "m" });
    expect(channelEdit).not.toHaveBeenCalled();
  });

  it("switches to the channel a minute before the 15 minutes are up, without trying the token", async () => {
    const { pm, editReply, channelEdit } = world(TOKEN_SAFE_MS + 1);
    await pm.edit({ content: "Done" });
    expect(editReply).not.toHaveBeenCalled();
    expect(channelEdit).toHaveBeenCalledWith("m", { content: "Done" });
    expect(pm.viaToken).toBe(false);
  });
});
