// How the fake hands Slack's requests to the app, and waits for the app's acknowledgement: over a Socket Mode
// WebSocket (envelopes; the app answers with { envelope_id, payload }), or over HTTP to the app's /slack/events
// handler, signed with the signing secret the way Slack signs (v0=HMAC-SHA256("v0:<ts>:<body>")).
import { createHmac, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";

export type EnvelopeType = "slash_commands" | "events_api" | "interactive";

export interface Ack {
  /** The payload the app acknowledged with ({} for a bare ack). */
  payload: Record<string, unknown>;
  /** Milliseconds from delivery to ack: Slack gives up after 3 s. */
  ms: number;
  /** HTTP mode: the status the app answered with. */
  status?: number;
}

export interface Transport {
  deliver(type: EnvelopeType, payload: Record<string, unknown>, opts?: { timeoutMs?: number }): Promise<Ack>;
  close(): Promise<void>;
}

/** Slack's Socket Mode server side: hello on connect, envelopes out, acks back, and a ping every few seconds. */
export class SocketTransport implements Transport {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly waiting = new Map<string, (payload: Record<string, unknown>) => void>();
  private readonly pinger: ReturnType<typeof setInterval>;
  /** Envelopes delivered and acks received, for tests that check the protocol. */
  readonly log: { envelope_id: string; type: EnvelopeType; acked: boolean }[] = [];

  constructor(private readonly appId: string) {
    this.pinger = setInterval(() => {
      for (const s of this.sockets) s.ping();
    }, 5000);
  }

  get connected(): number {
    return this.sockets.size;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on("close", () => this.sockets.delete(ws));
      ws.on("message", (data) => {
        let msg: { envelope_id?: string; payload?: Record<string, unknown> };
        try {
          msg = JSON.parse(String(data));
        } catch {
          return;
        }
        const done = msg.envelope_id ? this.waiting.get(msg.envelope_id) : undefined;
        if (done) done(msg.payload ?? {});
      });
      ws.send(JSON.stringify({ type: "hello", num_connections: this.sockets.size, connection_info: { app_id: this.appId }, debug_info: { host: "fake" } }));
    });
  }

  async deliver(type: EnvelopeType, payload: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<Ack> {
    const socket = [...this.sockets][0];
    if (!socket) throw new Error("fake slack: no Socket Mode connection to deliver to");
    const envelope_id = randomUUID();
    const entry = { envelope_id, type, acked: false };
    this.log.push(entry);
    const start = Date.now();
    const timeoutMs = opts.timeoutMs ?? 3000;
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(envelope_id);
        reject(new Error(`fake slack: ${type} envelope not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(envelope_id, (ack) => {
        clearTimeout(timer);
        this.waiting.delete(envelope_id);
        entry.acked = true;
        resolve({ payload: ack, ms: Date.now() - start });
      });
      socket.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== "events_api", retry_attempt: 0, retry_reason: "" }));
    });
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** The three body shapes Slack posts: form fields for slash commands, `payload=<json>` for interactions, JSON for events. */
export function httpBody(type: EnvelopeType, payload: Record<string, unknown>): { body: string; contentType: string } {
  if (type === "events_api") return { body: JSON.stringify(payload), contentType: "application/json" };
  if (type === "interactive") return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: "application/x-www-form-urlencoded" };
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(payload)) if (v !== undefined) form.set(k, String(v));
  return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
}

/** Slack's HTTP delivery to a Request URL. `tamper` lets tests send what an attacker or a replay would. */
export class HttpTransport implements Transport {
  tamper: { signature?: string; ageSeconds?: number } | undefined;

  constructor(private readonly url: string, private readonly secret: string) {}

  async deliver(type: EnvelopeType, payload: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<Ack> {
    const { body, contentType } = httpBody(type, payload);
    const timestamp = Math.floor(Date.now() / 1000) - (this.tamper?.ageSeconds ?? 0);
    const signature = this.tamper?.signature ?? sign(this.secret, timestamp, body);
    const start = Date.now();
    const res = await fetch(this.url, {
      method: "POST", body, signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
      headers: { "content-type": contentType, "x-slack-request-timestamp": String(timestamp), "x-slack-signature": signature },
    });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text };
    }
    return { payload: parsed, ms: Date.now() - start, status: res.status };
  }

  async close(): Promise<void> {}
}
