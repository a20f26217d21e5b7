import { describe, expect, it } from "vitest";
import { findParentClip, REMIX_PREFIXES, resolveReply, stripRemixPrefix } from "../../commands/reply.ts";
import type { ClipInfo } from "../../commands/context.ts";
import { MapClips } from "../commands/harness.ts";
import { UserError } from "../../commands/errors.ts";

const png = { url: "https://cdn.discordapp.com/a/b/cat.png", contentType: "image/png", size: 1000 };
const pdf = { url: "https://cdn.discordapp.com/a/b/doc.pdf", contentType: "application/pdf", size: 1000 };

describe("remix prefix", () => {
  it("is recognised in every shipped language, with IME and French spacing variants", () => {
    expect(REMIX_PREFIXES).toEqual(expect.arrayContaining(["remix:", "remezcla:", "remixar:", "リミックス:"]));
    expect(stripRemixPrefix("remix: at night")).toBe("at night");
    expect(stripRemixPrefix("Remix : la nuit")).toBe("la nuit");
    expect(stripRemixPrefix("REMEZCLA: de noche")).toBe("de noche");
    expect(stripRemixPrefix("remixar: à noite")).toBe("à noite");
    expect(stripRemixPrefix("リミックス：夜に")).toBe("夜に");
    expect(stripRemixPrefix("  remix:")).toBe("");
    expect(stripRemixPrefix("remixing is fun")).toBeUndefined();
    expect(stripRemixPrefix("the ball: red")).toBeUndefined();
  });
});

describe("reply resolution", () => {
  it("extends with the reply's text", () => {
    expect(resolveReply({ text: " then it rolls left ", attachments: [], parentClipId: "c1" }))
      .toEqual({ kind: "extend", parentClipId: "c1", prompt: "then it rolls left" });
  });

  it("remixes after a localized prefix", () => {
    expect(resolveReply({ text: "remezcla: de noche", attachments: [], parentClipId: "c1" }))
      .toEqual({ kind: "remix", parentClipId: "c1", prompt: "de noche" });
    expect(() => resolveReply({ text: "remix:", attachments: [], parentClipId: "c1" })).toThrow(UserError);
  });

  it("animates an attached image, with the text (prefix or not) as its prompt", () => {
    expect(resolveReply({ text: "it starts to spin", attachments: [pdf, png], parentClipId: "c1" }))
      .toEqual({ kind: "animate", parentClipId: "c1", prompt: "it starts to spin", image: png });
    const byName = { url: "https://files.slack.com/x/photo.JPG" };
    expect(resolveReply({ text: "", attachments: [byName], parentClipId: "c1" })).toMatchObject({ kind: "animate", image: byName });
  });

  it("refuses non-images and oversized images, with the cap in the message", () => {
    const err = (fn: () => unknown) => { try { fn(); } catch (e) { return e as UserError; } throw new Error("no error"); };
    expect(err(() => resolveReply({ text: "x", attachments: [pdf], parentClipId: "c1" })).key).toBe("errors.notImage");
    const big = err(() => resolveReply({ text: "x", attachments: [{ ...png, size: 9 * 1024 * 1024 }], parentClipId: "c1" }, 8 * 1024 * 1024));
    expect(big.key).toBe("errors.imageTooLarge");
    expect(big.params.max).toBe("8 MiB");
  });

  it("ignores messages that continue no clip, and empty ones", () => {
    expect(resolveReply({ text: "hello", attachments: [png] })).toEqual({ kind: "ignore", why: "no-parent" });
    expect(resolveReply({ text: "   ", attachments: [], parentClipId: "c1" })).toEqual({ kind: "ignore", why: "empty" });
  });
});

function clip(id: string): ClipInfo {
  return { id, rootId: id, kind: "generate", prompt: "p", expandedPrompt: "p", seed: 1, params: {}, createdAt: "2026-01-01T00:00:00Z",
    origin: { platform: "discord", userId: "u", locale: "en" } };
}

describe("parent clip", () => {
  it("prefers the replied-to message's clip, then the thread's latest, per platform", async () => {
    const s = new MapClips();
    for (const id of ["a", "b"]) s.clips.set(id, clip(id));
    s.messages.set("discord:m1", "a");
    s.threads.set("discord:t1", "b");
    expect((await findParentClip(s, "discord", { replyToMessageId: "m1", threadId: "t1" }))?.id).toBe("a");
    expect((await findParentClip(s, "discord", { replyToMessageId: "other", threadId: "t1" }))?.id).toBe("b");
    expect(await findParentClip(s, "slack", { replyToMessageId: "m1", threadId: "t1" })).toBeUndefined();
    expect(await findParentClip(s, "discord", {})).toBeUndefined();
  });
});
