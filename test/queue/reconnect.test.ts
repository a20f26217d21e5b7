// Redis restarting under a producer: an enqueue issued while Redis is down waits and completes once it is back,
// instead of failing the user's command. Uses its own redis-server on a spare port (never the shared one).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { Producer } from "../../engine/queue/producer.ts";
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
  it("an enqueue made while Redis is down completes after it returns", async () => {
    const port = await sparePort();
    server = startRedis(port);
    await ready(port);
    const p = new Producer({ prefix: "restart", redis: connectRedis(`redis://127.0.0.1:${port}`) });
    await p.enqueue(job("alice"));

    const exited = once(server, "exit");
    server.kill("SIGKILL");
    await exited;
    // Issued during the outage: must neither throw nor be lost.
    const pending = p.enqueue(job("bob"));
    server = startRedis(port);
    await ready(port);
    const res = await pending;
    expect(res.duplicate).toBe(false);
    expect(await p.status(res.jobId)).toMatchObject({ state: "waiting", job: { origin: { userId: "bob" } } });
    await p.close();
    server.kill("SIGKILL");
  });
});
