// The gateway half of the fake: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, and dispatches filtered by the
// intents each session identified with, the way Discord filters them (MESSAGE_CREATE needs GUILD_MESSAGES; without
// MESSAGE_CONTENT the text of other people's messages arrives empty unless the bot is mentioned).
import type { Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";

export const INTENTS = { GUILDS: 1 << 0, GUILD_MESSAGES: 1 << 9, MESSAGE_CONTENT: 1 << 15 } as const;

const OP = { DISPATCH: 0, HEARTBEAT: 1, IDENTIFY: 2, RESUME: 6, INVALID_SESSION: 9, HELLO: 10, HEARTBEAT_ACK: 11 } as const;

export interface Identify {
  token: string;
  intents: number;
  shard?: [number, number];
}

export interface GatewayHooks {
  token(): string;
  messageContentGranted(): boolean;
  ready(sessionId: string, url: string): Record<string, unknown>;
  guildCreates(): Record<string, unknown>[];
}

interface Session {
  ws: WebSocket;
  seq: number;
  intents: number;
  identified: boolean;
}

export class FakeGateway {
  readonly identifies: Identify[] = [];
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private nextSession = 1;

  constructor(server: Server, private readonly hooks: GatewayHooks, private readonly url: () => string) {
    this.wss = new WebSocketServer({ server });
    this.wss.on("connection", (ws) => this.open(ws));
  }

  /** Sessions that identified and are still connected. */
  get connected(): number {
    return [...this.sessions].filter((s) => s.identified).length;
  }

  /**
   * Send an event to every identified session that asked for `intent` (none: always sent). `shape` lets a dispatch
   * differ per session, e.g. MESSAGE_CREATE without content for a session lacking MESSAGE_CONTENT.
   */
  dispatch(t: string, d: unknown, intent?: number, shape?: (d: unknown, intents: number) => unknown): void {
    for (const s of this.sessions) {
      if (!s.identified || (intent !== undefined && (s.intents & intent) === 0)) continue;
      this.send(s, { op: OP.DISPATCH, t, s: ++s.seq, d: shape ? shape(d, s.intents) : d });
    }
  }

  /** Drop every connection (the bot should reconnect, as after a Discord outage). */
  disconnectAll(code = 4000): void {
    for (const s of this.sessions) s.ws.close(code, "fake: disconnect");
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private open(ws: WebSocket): void {
    const session: Session = { ws, seq: 0, intents: 0, identified: false };
    this.sessions.add(session);
    ws.on("close", () => this.sessions.delete(session));
    ws.on("message", (raw) => this.receive(session, String(raw)));
    this.send(session, { op: OP.HELLO, d: { heartbeat_interval: 41_250 } });
  }

  private receive(s: Session, raw: string): void {
    let msg: { op: number; d: unknown };
    try {
      msg = JSON.parse(raw);
    } catch {
      s.ws.close(4002, "Decode error");
      return;
    }
    switch (msg.op) {
      case OP.HEARTBEAT:
        this.send(s, { op: OP.HEARTBEAT_ACK });
        return;
      case OP.IDENTIFY:
        return this.identify(s, msg.d as Identify);
      case OP.RESUME:
        // Sessions are not kept: the client identifies again, as after an expired session on Discord.
        this.send(s, { op: OP.INVALID_SESSION, d: false });
        return;
      default:
        // Presence updates, member requests: accepted and ignored.
        return;
    }
  }

  private identify(s: Session, d: Identify): void {
    this.identifies.push({ token: d.token, intents: d.intents, shard: d.shard });
    if (d.token !== this.hooks.token() && d.token !== `Bot ${this.hooks.token()}`) {
      s.ws.close(4004, "Authentication failed.");
      return;
    }
    if ((d.intents & INTENTS.MESSAGE_CONTENT) !== 0 && !this.hooks.messageContentGranted()) {
      s.ws.close(4014, "Disallowed intent(s).");
      return;
    }
    s.intents = d.intents;
    s.identified = true;
    const sessionId = `session-${this.nextSession++}`;
    this.send(s, { op: OP.DISPATCH, t: "READY", s: ++s.seq, d: this.hooks.ready(sessionId, this.url()) });
    if (d.intents & INTENTS.GUILDS) {
      for (const g of this.hooks.guildCreates()) this.send(s, { op: OP.DISPATCH, t: "GUILD_CREATE", s: ++s.seq, d: g });
    }
  }

  private send(s: Session, payload: unknown): void {
    if (s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify(payload));
  }
}
