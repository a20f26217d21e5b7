// Redis restarting under a producer: a request issued while Redis is down (or frozen) is refused within the deadline
// with a message the asker can read, instead of hanging. Uses its own redis-server on a spare port (never the shared one).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { QueueUnavailable } from "../../engine/queue/errors.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { COMMANDS } from "../../commands/index.ts";
import { MapClips, RecordingContext } from "../commands/harness.ts";
import { job, until } from "./helpers.ts";

async function sparePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, "close");
  return port;
}

function startRedis(port: number): ChildProcess {
  return spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"], {
    stdio: "ignore",
  });
}

async function ready(port: number): Promise<void> {
  const c = connectRedis(`redis://127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => 50 });
  c.on("error", () => undefined); // refused until the server listens: expected here
  await until(async () => {
    try {
      if (c.status !== "ready") await c.connect();
      return (await c.ping()) === "PONG";
    } catch {
      return false;
    }
  }, 30_000);
  c.disconnect();
}

let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill("SIGKILL");
});

describe("producer across a Redis restart", () => {
  it("a request made while Redis is down is refused within the deadline, in the asker's language; then all works again", async () => {
    const port = await sparePort();
    server = startRedis(port);
    await ready(port);
    const redis = connectRedis(`redis://127.0.0.1:${port}`);
    redis.on("error", () => undefined);
    // The product's deadline is 5 s (a blip shorter than that goes unnoticed); 1 s keeps this test short.
    const p = new Producer({ prefix: "restart", redis, onError: () => undefined, deadlineMs: 1000 });
    await p.enqueue(job("alice"));

    const exited = once(server, "exit");
    server.kill("SIGKILL");
    await exited;
    await until(() => redis.status !== "ready");
    // Issued during the outage: refused within the deadline, never left hanging, never queued later.
    const timed = async (fn: () => Promise<unknown>) => {
      const t0 = Date.now();
      await fn();
      return Date.now() - t0;
    };
    expect(await timed(() => expect(p.enqueue(job("bob"))).rejects.toBeInstanceOf(QueueUnavailable))).toBeLessThan(2_000);
    expect(await timed(() => expect(p.status("restart-x")).rejects.toBeInstanceOf(QueueUnavailable))).toBeLessThan(2_000);
    const ctx = new RecordingContext({ producer: p, clips: new MapClips(), locale: "de", eventId: "outage-1" });
    expect(await timed(() => COMMANDS.sora.handle(ctx, { prompt: "a red ball" }))).toBeLessThan(2_000);
    expect(ctx.replies.map((r) => r.key)).toEqual(["queue.unavailable"]);
    expect(ctx.replies[0]!.text).toMatch(/Warteschlange/);

    server = startRedis(port);
    await ready(port);
    await until(() => redis.status === "ready");
    const res = await p.enqueue(job("carol"));
    expect(await p.status(res.jobId)).toMatchObject({ state: "waiting", job: { origin: { userId: "carol" } } });
    expect((await p.queueInfo()).waiting, "bob's refused request was not queued after all").toBe(1);
    await p.close();
    server.kill("SIGKILL");
  });

  it("a connected Redis that does not answer in time fails the request after the deadline", async () => {
    const port = await sparePort();
    server = startRedis(port);
    await ready(port);
    const redis = connectRedis(`redis://127.0.0.1:${port}`);
    redis.on("error", () => undefined);
    const p = new Producer({ prefix: "stall", redis, deadlineMs: 300, onError: () => undefined });
    await p.enqueue(job("alice"));
    server.kill("SIGSTOP"); // frozen: the socket stays open, nothing answers
    try {
      const t0 = Date.now();
      await expect(p.enqueue(job("bob"))).rejects.toBeInstanceOf(QueueUnavailable);
      expect(Date.now() - t0).toBeLessThan(2_000);
    } finally {
      server.kill("SIGCONT");
    }
    redis.disconnect();
    server.kill("SIGKILL");
  });
});
