// The operator's routes on the process's HTTP server: GET /health (see health.ts). Never behind the playground's token:
// load balancers and container health checks call it.
import type { Redis } from "ioredis";
import type { ClipQueue } from "../../engine/queue/queue.ts";
import { checkHealth, type AdapterHealth } from "./health.ts";
import { sendJson } from "./respond.ts";
import type { HttpServer } from "./server.ts";

export function mountHealth(http: HttpServer, o: {
  redis: Redis; redisUrl: string; queue: ClipQueue; model: string; adapters?: () => Record<string, AdapterHealth>;
}): void {
  const startedAt = Date.now();
  http.mount(["GET", "HEAD"], "/health", async (_req, res) => {
    const h = await checkHealth({ ...o, startedAt });
    sendJson(res, h.status === "down" ? 503 : 200, h);
  });
}
