// The process's one HTTP server. Start-up code creates and starts it first, before any platform login, so the
// playground, /health and /metrics answer while Discord or Slack are still connecting (or cannot be reached). Each
// part mounts its own routes: the playground its page, API and blobs; health and metrics theirs; Slack in HTTP mode
// its /slack/events. node:http alone: a dozen routes need no framework.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sendJson, sendText } from "./respond.ts";

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

interface Route {
  methods: readonly string[];
  /** An exact path, or a prefix ending in "/" ("/" itself is exact: the page). */
  path: string;
  handler: Handler;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export class HttpServer {
  private readonly routes: Route[] = [];
  private readonly server: Server;
  private address: AddressInfo | undefined;

  constructor(private readonly log: (line: string) => void = (l) => console.log(l)) {
    this.server = createServer((req, res) => {
      this.dispatch(req, res).catch((err) => {
        this.log(`http: ${req.method} ${req.url}: ${(err as Error)?.stack ?? err}`);
        if (!res.headersSent) sendJson(res, 500, { error: { key: "errors.internal" } });
        else res.end();
      });
    });
  }

  /** Routes are tried in the order mounted; a path ending in "/" (other than "/") matches everything under it. */
  mount(methods: readonly string[], path: string, handler: Handler): void {
    this.routes.push({ methods, path, handler });
  }

  async listen(port: number, host = "127.0.0.1"): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    this.address = this.server.address() as AddressInfo;
    return this.url;
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  get url(): string {
    const a = this.address;
    if (!a) return "";
    const shownHost = a.family === "IPv6" ? `[${a.address}]` : a.address === "0.0.0.0" ? "127.0.0.1" : a.address;
    return `http://${shownHost}:${a.port}/`;
  }

  /** Whether other machines can reach it (anything but loopback). */
  get public(): boolean {
    return this.address !== undefined && !LOOPBACK.has(this.address.address);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Idle keep-alive connections and open event streams would hold close() open.
    this.server.closeAllConnections();
    await closed;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://server");
    const method = req.method ?? "GET";
    let pathMatched = false;
    for (const r of this.routes) {
      const prefix = r.path.length > 1 && r.path.endsWith("/");
      const hit = prefix ? url.pathname.startsWith(r.path) : url.pathname === r.path;
      if (!hit) continue;
      pathMatched = true;
      if (r.methods.includes(method)) return r.handler(req, res, url);
    }
    if (pathMatched) {
      res.writeHead(405, { allow: "GET, HEAD, POST" }).end();
      return;
    }
    sendText(res, 404, "not found");
  }
}
