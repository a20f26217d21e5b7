// /connect and /stitch of chosen clips against the neutral context: which jobs they queue, and which clips they
// refuse to name (another channel's, another server's, path- or URL-like names, too many or too long), each with its
// localized answer and nothing queued.
import { describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { COMMANDS } from "../../commands/index.ts";
import { routeText } from "../../commands/route.ts";
import { PARAM_LIMITS, STITCH_LIMITS } from "../../engine/queue/limits.ts";
import { ListQueue, MapClips, RecordingContext } from "./harness.ts";

function setup(locale = "en") {
  const queue = new ListQueue();
  const clips = new MapClips();
  const here = { platform: "discord", userId: "owner", serverId: "guild-1", locale: "en", place: { channelId: "chan-1" } } as const;
  const frames = { width: 64, height: 64, fps: 8, count: 16 };
  clips.add("clip_a", "owner", { origin: here, frames });
  clips.add("clip_b", "owner", { origin: here, frames });
  clips.add("clip_long", "owner", { origin: here, frames: { ...frames, count: 8 * 59 } });
  clips.add("clip_elsewhere", "owner", { origin: { ...here, place: { channelId: "chan-2" } }, frames });
  clips.add("clip_otherserver", "owner", { origin: { ...here, serverId: "guild-2" }, frames });
  const ctx = () => new RecordingContext({ producer: queue, clips, locale });
  return { queue, ctx };
}

describe("/connect", () => {
  it("queues an interpolate job from the first clip to the second, with the words and flags given", async () => {
    const { queue, ctx } = setup();
    const c = ctx();
    await COMMANDS.connect.handle(c, { from: "clip_a", to: "clip_b", prompt: "it rolls over --steps 5" });
    expect(c.replies).toEqual([]);
    expect(queue.entries[0]!.job).toMatchObject({ kind: "interpolate", parentClipId: "clip_a", otherClipId: "clip_b", prompt: "it rolls over", steps: 5 });
    await COMMANDS.connect.handle(ctx(), { from: "clip_b clip_a" });
    expect(queue.entries[1]!.job).toMatchObject({ kind: "interpolate", parentClipId: "clip_b", otherClipId: "clip_a" });
  });

  it.each([
    [{ from: "clip_a" }, "errors.connectNeedsTwo", {}],
    [{ from: "clip_a", to: "clip_a" }, "errors.connectSameClip", {}],
    [{ from: "../../etc/passwd", to: "clip_a" }, "errors.badClipId", { value: "../../etc/passwd" }],
    [{ from: "https://example.com/clip_a", to: "clip_a" }, "errors.badClipId", { value: "https://example.com/clip_a" }],
    [{ from: "clip_missing", to: "clip_a" }, "errors.clipNotHere", { value: "clip_missing" }],
    [{ from: "clip_elsewhere", to: "clip_a" }, "errors.clipNotHere", { value: "clip_elsewhere" }],
    [{ from: "clip_otherserver", to: "clip_a" }, "errors.clipNotHere", { value: "clip_otherserver" }],
    [{ from: "clip_a", to: "clip_b", prompt: "--ar 16:9" }, "errors.unknownFlag", null],
  ])("refuses %j in the reader's language, queueing nothing", async (args, key, params) => {
    const { queue, ctx } = setup("de");
    const c = ctx();
    await COMMANDS.connect.handle(c, args);
    expect(queue.entries).toEqual([]);
    expect(c.replies).toHaveLength(1);
    if (params) expect(c.replies[0]).toMatchObject({ key, text: t("de", key, params), ephemeral: true });
    else expect(c.replies[0]!.key).toMatch(/^errors\./);
  });
});

describe("/stitch of chosen clips", () => {
  it("queues a stitch of the clips in the order named; one clip still stitches its lineage", async () => {
    const { queue, ctx } = setup();
    await COMMANDS.stitch.handle(ctx(), { clips: "clip_b, clip_a clip_b" });
    expect(queue.entries[0]!.job).toMatchObject({ kind: "stitch", parentClipId: "clip_b", parts: ["clip_b", "clip_a", "clip_b"] });
    await COMMANDS.stitch.handle(ctx(), { clip: "clip_a" });
    expect(queue.entries[1]!.job.parts).toBeUndefined();
  });

  it("refuses too long a stitch, too many clips and a clip from elsewhere, queueing nothing", async () => {
    const { queue, ctx } = setup("ja");
    const answers: string[] = [];
    for (const clips of ["clip_a clip_long", Array(STITCH_LIMITS.parts + 1).fill("clip_a").join(" "), "clip_a clip_elsewhere"]) {
      const c = ctx();
      await COMMANDS.stitch.handle(c, { clips });
      answers.push(c.replies[0]!.text);
    }
    expect(answers).toEqual([
      t("ja", "errors.stitchTooLong", { seconds: 61, max: PARAM_LIMITS.seconds.max }),
      t("ja", "errors.stitchTooManyClips", { count: STITCH_LIMITS.parts + 1, max: STITCH_LIMITS.parts }),
      t("ja", "errors.clipNotHere", { value: "clip_elsewhere" }),
    ]);
    expect(queue.entries).toEqual([]);
  });
});

describe("one-box routing", () => {
  it("takes `connect`/`stitch` only when a clip id or link follows; other words stay a prompt", () => {
    expect(routeText("connect clip_a clip_b")).toEqual({ command: "connect", args: { from: "clip_a clip_b" } });
    expect(routeText("stitch clip_a https://x.slack.com/archives/C1/p1700000000123456")).toMatchObject({ command: "stitch" });
    expect(routeText("connect ../x clip_a")).toMatchObject({ command: "connect" });
    expect(routeText("stitch two red balls together")).toMatchObject({ command: "sora" });
    expect(routeText("connect the dots")).toMatchObject({ command: "sora" });
  });
});
