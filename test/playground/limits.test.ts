// Playground limits that hold: sessions the server issues, a rate limit across all sessions, uploads streamed to disk
// under per-session and total quotas, bound to their session and deleted when unused, and an access token.
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { encodePng } from "../../engine/synth/png.ts";
import { hugePngHeader } from "../security/pictures.ts";
import { api, newSession, startTestPlayground, type TestPlayground } from "./helpers.ts";

const open: TestPlayground[] = [];
afterAll(async () => {
  for (const tp of open) await tp.close();
});
async function playground(opts: Parameters<typeof startTestPlayground>[0] = {}): Promise<TestPlayground> {
  const tp = await startTestPlayground(opts);
  open.push(tp);
  return tp;
}

const png = (side: number, fill = 120) => encodePng(new Uint8Array(side * side * 3).fill(fill), side, side);

async function upload(tp: TestPlayground, session: string, data: Buffer, opts: { chunked?: boolean } = {}) {
  // A chunked body declares no length: the cap must hold while the bytes stream in.
  const res = await new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(`${tp.base}/api/upload?session=${session}&locale=en&name=x.png`, { method: "POST" }, (r) => {
      let text = "";
      r.on("data", (c) => (text += c));
      r.on("end", () => resolve({ status: r.statusCode!, body: JSON.parse(text || "{}") }));
    });
    req.on("error", reject);
    if (opts.chunked) {
      for (let i = 0; i < data.length; i += 16 * 1024) req.write(data.subarray(i, i + 16 * 1024));
    } else {
      req.setHeader("content-length", data.length);
      req.write(data);
    }
    req.end();
  });
  return res;
}

function uploadDirFiles(tp: TestPlayground): string[] {
  // The uploads folder is private to the playground; its name is in the upload's file path only.
  return readdirSync((tp.pg.uploads as unknown as { dir: string }).dir);
}

describe("playground uploads", () => {
  it("are bounded while they stream, per session and in total, and the bytes land on disk, not in memory", async () => {
    const tp = await playground({ maxImageBytes: 64 * 1024, uploadLimits: { sessionBytes: 110 * 1024, totalBytes: 150 * 1024 } });
    const a = await newSession(tp.base);
    const b = await newSession(tp.base);
    const big = Buffer.concat([png(8), Buffer.alloc(80 * 1024, 7)]);
    const streamed = await upload(tp, a, big, { chunked: true });
    expect(streamed).toMatchObject({ status: 413, body: { error: { key: "errors.imageTooLarge" } } });
    expect(uploadDirFiles(tp), "a refused upload leaves nothing behind").toEqual([]);

    const fifty = Buffer.concat([png(8), Buffer.alloc(50 * 1024)]); // a PNG with trailing bytes: still a PNG
    expect((await upload(tp, a, fifty)).status).toBe(200);
    expect((await upload(tp, a, fifty)).status).toBe(200);
    expect(await upload(tp, a, fifty)).toMatchObject({ status: 413, body: { error: { key: "playground.uploadQuota" } } });
    expect(await upload(tp, b, fifty)).toMatchObject({ status: 413, body: { error: { key: "playground.uploadsFull" } } });
    expect(uploadDirFiles(tp)).toHaveLength(2);
    expect(tp.pg.uploads.heldBytes).toBe(2 * fifty.length);

    const huge = await upload(tp, b, hugePngHeader());
    expect(huge).toMatchObject({ status: 415, body: { error: { key: "errors.imageTooManyPixels" } } });
  });

  it("belong to the session that sent them, and are deleted when not used in time", async () => {
    const tp = await playground({ uploadLimits: { ttlMs: 300 } });
    const owner = await newSession(tp.base);
    const other = await newSession(tp.base);
    const ok = await upload(tp, owner, png(16));
    const url = (ok.body.attachment as { url: string }).url;
    expect((await fetch(`${tp.base}${url}?session=${owner}`)).status).toBe(200);
    expect((await fetch(`${tp.base}${url}?session=${other}`)).status).toBe(404);
    expect((await fetch(`${tp.base}${url}`)).status).toBe(404);
    // Another session cannot animate it either.
    const stolen = await api(tp.base, "/api/message", { session: other, locale: "en", text: "/sora it moves", attachments: [{ url }] });
    expect(stolen.replies[0].key).toBe("playground.uploadExpired");
    expect(stolen.jobs).toEqual([]);

    await new Promise((r) => setTimeout(r, 400));
    const late = await api(tp.base, "/api/message", { session: owner, locale: "en", text: "/sora it moves", attachments: [{ url }] });
    expect(late.replies[0].key).toBe("playground.uploadExpired");
    // The next upload sweeps the expired one off the disk.
    await upload(tp, owner, png(8));
    expect(uploadDirFiles(tp)).toHaveLength(1);
  });
});

describe("playground rate limit", () => {
  it("holds across sessions: new sessions do not reset it", async () => {
    const tp = await playground({ rateLimits: { user: { max: 2, windowSeconds: 600 }, server: { max: 3, windowSeconds: 600 } } });
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      const session = await newSession(tp.base);
      const r = await api(tp.base, "/api/message", { session, locale: "en", text: `/sora a ball number ${i}` });
      results.push(r.replies[0]?.key ?? "queued");
    }
    expect(results).toEqual(["queued", "queued", "queued", "queue.rateLimited.server"]);
  });
});

describe("PLAYGROUND_TOKEN", () => {
  it("gates the page, the API and the files; the link sets a cookie; /health stays open", async () => {
    const tp = await playground({ token: "s3cret token" });
    expect((await fetch(`${tp.base}/`)).status).toBe(401);
    expect((await fetch(`${tp.base}/api/session`, { method: "POST" })).status).toBe(401);
    expect((await fetch(`${tp.base}/blobs/clips/x/video.mp4`)).status).toBe(401);
    expect((await fetch(`${tp.base}/?token=wrong`, { redirect: "manual" })).status).toBe(401);
    expect((await fetch(`${tp.base}/health`)).status).toBe(200);

    const link = await fetch(`${tp.base}/?token=${encodeURIComponent("s3cret token")}`, { redirect: "manual" });
    expect(link.status).toBe(303);
    const cookie = link.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).not.toContain("s3cret");
    const jar = cookie.split(";")[0]!;
    expect((await fetch(`${tp.base}/`, { headers: { cookie: jar } })).status).toBe(200);
    const session = await fetch(`${tp.base}/api/session`, { method: "POST", headers: { authorization: "Bearer s3cret token" } });
    expect(session.status).toBe(200);
  });
});
