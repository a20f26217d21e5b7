// The playground's "platform": one thread per browser session, held in memory. A session's messages are what the
// page shows; every change goes to the session's open pages as a Server-Sent Event (upsert by message id), and a
// page that (re)connects first gets the whole thread, so a reload or a dropped connection loses nothing.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { ModalField } from "../../commands/remix.ts";

export interface PageButton {
  id: string;
  label: string;
  danger: boolean;
}

export interface PageClip {
  id: string;
  kind: string;
  /** URLs the page loads: the MP4 and, when the worker made one, its poster. */
  video: string;
  poster?: string;
  caption: string;
  width: number;
  height: number;
}

/** One message of the thread, as the page draws it. Texts are rendered already, in the reader's language. */
export interface PageMessage {
  id: string;
  author: "user" | "bot";
  kind: "text" | "progress" | "clip" | "modal";
  text?: string;
  /** The locales/ key of a bot reply, so the page can style errors without parsing text. */
  key?: string;
  error?: boolean;
  ephemeral?: boolean;
  /** The message this one answers (a reply to a clip, a progress message under its request). */
  replyTo?: string;
  /** A user message's attached image, as the page showed it. */
  image?: string;
  /** A progress message's latest preview: the model's current guess of the clip's middle frame. */
  preview?: string;
  buttons?: PageButton[];
  clip?: PageClip;
  deleted?: boolean;
  modal?: { id: string; title: string; fields: ModalField[]; submit: string; close: string };
  jobId?: string;
}

const MAX_MESSAGES = 300;
const MAX_SESSIONS = 1000;

export function newMessageId(): string {
  // Message ids are linked to clips in the store, which outlives this process: never reuse one after a restart.
  return `m-${randomUUID()}`;
}

export class Session {
  readonly messages = new Map<string, PageMessage>();
  readonly clients = new Set<ServerResponse>();
  lastSeen = Date.now();

  constructor(readonly id: string) {}

  post(msg: Omit<PageMessage, "id"> & { id?: string }): PageMessage {
    const full: PageMessage = { ...msg, id: msg.id ?? newMessageId() };
    this.messages.set(full.id, full);
    while (this.messages.size > MAX_MESSAGES) this.messages.delete(this.messages.keys().next().value!);
    this.send("message", full);
    return full;
  }

  /** Merge a change into a message and show it; undefined when the message is gone (evicted). */
  update(id: string, patch: Partial<PageMessage>): PageMessage | undefined {
    const old = this.messages.get(id);
    if (!old) return undefined;
    const next = { ...old, ...patch, id };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete (next as Record<string, unknown>)[k];
    this.messages.set(id, next);
    this.send("message", next);
    return next;
  }

  /** Take a message out of the thread (a closed form). */
  remove(id: string): void {
    if (this.messages.delete(id)) this.send("remove", { id });
  }

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      // Proxies (nginx) buffer responses by default, which would hold every event back.
      "x-accel-buffering": "no",
    });
    res.write("retry: 2000\n\n");
    this.clients.add(res);
    this.lastSeen = Date.now();
    write(res, "reset", [...this.messages.values()]);
    res.on("close", () => this.clients.delete(res));
  }

  private send(event: string, data: unknown): void {
    for (const res of this.clients) write(res, event, data);
  }
}

function write(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class Sessions {
  private readonly byId = new Map<string, Session>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor() {
    // A comment line every 20 s keeps idle connections from being cut by proxies and tells the page it is alive.
    this.keepAlive = setInterval(() => {
      for (const s of this.byId.values()) for (const res of s.clients) res.write(": ping\n\n");
    }, 20_000);
    this.keepAlive.unref();
  }

  get(id: string): Session {
    let s = this.byId.get(id);
    if (!s) {
      s = new Session(id);
      this.byId.set(id, s);
      this.evict();
    }
    s.lastSeen = Date.now();
    return s;
  }

  /** Only sessions this process holds: a job from another process's session is that process's to post. */
  find(id: string): Session | undefined {
    return this.byId.get(id);
  }

  /** Every session this process holds (prompt challenges post into each). */
  all(): Session[] {
    return [...this.byId.values()];
  }

  get clientCount(): number {
    let n = 0;
    for (const s of this.byId.values()) n += s.clients.size;
    return n;
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const s of this.byId.values()) for (const res of s.clients) res.end();
  }

  /** Memory stays bounded: the longest-idle sessions with no open page go first. */
  private evict(): void {
    if (this.byId.size <= MAX_SESSIONS) return;
    const idle = [...this.byId.values()].filter((s) => s.clients.size === 0).sort((a, b) => a.lastSeen - b.lastSeen);
    for (const s of idle.slice(0, this.byId.size - MAX_SESSIONS)) this.byId.delete(s.id);
  }
}
