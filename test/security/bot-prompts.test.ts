// The one-space hole through a bot command: /sora on the fake Discord, the real discord.js client, queue, engine worker
// and ffmpeg. Every hostile prompt and negative prompt ends as a full-size clip whose file carries the exact text, and
// nothing is written or opened elsewhere (the process's working directory, a named path, a named URL).
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe, readMetadata } from "../../engine/video/index.ts";
import { World, TEST_PACK } from "../discord/harness.ts";
import { hostilePrompts } from "./hostile-prompts.ts";

let w: World;
let trap: Server;
let connections = 0;
let port = 0;
const cwdBefore = readdirSync(process.cwd()).sort();

beforeAll(async () => {
  trap = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => trap.listen(0, "127.0.0.1", () => r()));
  port = (trap.address() as { port: number }).port;
  if (TEST_PACK.dir) w = await World.start({ worker: true, adapter: { deferAfterMs: 0, progressIntervalMs: 100 } });
});

afterAll(async () => {
  await w?.close();
  await new Promise<void>((r) => trap.close(() => r()));
});

describe.skipIf(!TEST_PACK.dir)("hostile prompts through /sora on Discord", () => {
  it("each makes a full-size clip carrying the exact text, and nothing else", async () => {
    const trapDir = join(w.storeDir, "..", `trap-${w.prefix}`);
    for (const { name, prompt, negativePrompt } of hostilePrompts(trapDir, `http://127.0.0.1:${port}`)) {
      const before = w.fake.channelMessages(w.general.id).length;
      const i = w.fake.slash(w.alice, w.general.id, "sora", { prompt, negative: negativePrompt, steps: 2, seconds: 0.5, seed: 3 });
      const thread = await w.fake.waitFor(() => w.fake.threadsOf(w.general.id).find((t) => t.id === i.originalId), 60_000, `${name}: a thread`);
      const message = await w.fake.waitFor(() => w.fake.channelMessages(thread.id)
        .find((m) => m.attachments.some((a) => a.filename.endsWith(".mp4"))), 60_000, `${name}: a clip`);
      const file = join(w.storeDir, "..", `${w.prefix}-${before}.mp4`);
      writeFileSync(file, Buffer.from(await (await fetch(message.attachments[0]!.url)).arrayBuffer()));
      expect(await probe(file), name).toMatchObject({ codec: "h264", width: 256, height: 256, frames: 5 });
      // Chat text arrives on one line (the flag parser joins whitespace, as Discord's own input does): that is the
      // clip's prompt, and the file says exactly that.
      const meta = await readMetadata(file);
      const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
      expect(meta.prompt, name).toBe(oneLine(prompt));
      expect(meta.tags.ai_negative_prompt, name).toBe(oneLine(negativePrompt));
      let record = await w.links.clipForMessage("discord", message.id);
      for (let n = 0; n < 100 && !record; n++) record = await new Promise((r) => setTimeout(r, 20)).then(() => w.links.clipForMessage("discord", message.id));
      expect(record?.prompt, name).toBe(oneLine(prompt));
    }
    expect(readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
    expect(existsSync(join(w.storeDir, "..", `trap-${w.prefix}`))).toBe(false);
    expect(connections).toBe(0);
  });
});
