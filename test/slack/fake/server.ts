// An in-repo fake Slack for end-to-end tests: the Web API methods the adapter calls (web-api.ts) on
// http://127.0.0.1:PORT/api/, the external upload URL files.uploadV2 posts to, private file URLs that need the bot
// token, a Socket Mode WebSocket, and drivers that play the people: a slash command, a message in a thread (with a
// file), a button click, a modal submission, a Workflow Builder step run. Each driver waits for the app's ack, as
// Slack does, and reports how long it took.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeState, type Block, type FakeChannel, type FakeFile, type FakeMessage, type FakeUser } from "./state.ts";
import { HttpTransport, SocketTransport, type Ack, type EnvelopeType, type Transport } from "./transport.ts";
import { ApiError, METHODS, type ApiContext } from "./web-api.ts";

export * from "./state.ts";
export type { Ack } from "./transport.ts";

interface Fault {
  /** A Web API method name, or "upload" for the external upload URL. */
  target: string;
  times: number;
  retryAfter: number;
  /** Instead of a 429: keep the call waiting until releaseHeld(), then answer ok: false ("fatal_error"). */
  hold?: boolean;
  /**
   * Instead of a 429: carry the call out, then answer ok: false ("fatal_error": Slack's "some aspect of the operation
   * may have succeeded"): the app cannot tell that its post went out.
   */
  lose?: boolean;
}

export interface FakeSlackOptions {
  /** Deliver the bot's own messages back as message events, as Slack does (the app must ignore them). Default true. */
  echoBotMessages?: boolean;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Web API arguments: form-encoded (what WebClient sends), multipart, or JSON. */
async function parseArgs(raw: Buffer, contentType = ""): Promise<{ args: Record<string, unknown>; file?: Buffer }> {
  if (contentType.startsWith("application/json")) return { args: raw.length ? JSON.parse(raw.toString("utf8")) : {} };
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
    const args: Record<string, unknown> = {};
    let file: Buffer | undefined;
    for (const [k, v] of form.entries()) {
      if (typeof v === "string") args[k] = v;
      else file = Buffer.from(await v.arrayBuffer());
    }
    return { args, file };
  }
  return { args: Object.fromEntries(new URLSearchParams(raw.toString("utf8"))) };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...headers });
  res.end(data);
}

export class FakeSlack {
  readonly state = new FakeState();
  readonly botToken = "xoxb-fake-bot-token";
  readonly appToken = "xapp-1-fake-app-token";
  readonly signingSecret = "fake-signing-secret";
  readonly teamId = "T0FAKE001";
  readonly appId = "A0FAKE001";
  readonly botUserId = "U0SORABOT";
  readonly botId = "B0SORABOT";
  readonly socket = new SocketTransport(this.appId);
  /** Where deliveries go: the socket by default, an HttpTransport once useHttp() is called. */
  transport: Transport = this.socket;
  private readonly faults: Fault[] = [];
  private readonly functionTokens = new Map<string, string>();
  /** Bodies posted to upload URLs, by file id (a retried upload would show twice). */
  readonly uploads = new Map<string, number>();
  private server!: Server;
  base = "";

  private constructor(private readonly opts: FakeSlackOptions) {}

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    fake.server = createServer((req, res) => void fake.route(req, res).catch((err) => send(res, 500, String(err))));
    fake.server.on("upgrade", (req, socket, head) => {
      if (req.url?.startsWith("/socket-mode")) fake.socket.upgrade(req, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((r) => fake.server.listen(0, "127.0.0.1", r));
    fake.base = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** SLACK_API_URL for the adapter. */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** The file host the adapter must be told to trust (Slack's own would be files.slack.com). */
  get fileHost(): string {
    return new URL(this.base).host;
  }

  /** Deliver over signed HTTP to the app's /slack/events handler from now on. */
  useHttp(url: string): HttpTransport {
    const t = new HttpTransport(url, this.signingSecret);
    this.transport = t;
    return t;
  }

  addUser(name: string, o: { locale?: string; admin?: boolean } = {}): FakeUser {
    const u: FakeUser = { id: this.state.id("U"), name, locale: o.locale ?? "en-US", isAdmin: o.admin ?? false };
    this.state.users.set(u.id, u);
    return u;
  }

  addChannel(name: string, o: { private?: boolean; botMember?: boolean; archived?: boolean } = {}): FakeChannel {
    const c: FakeChannel = { id: this.state.id(o.private ? "G" : "C"), name, ...o };
    this.state.channels.set(c.id, c);
    return c;
  }

  /** A user group (what usergroups.users.list answers for it). */
  addUserGroup(members: FakeUser[]): string {
    const id = this.state.id("S");
    this.state.userGroups.set(id, members.map((u) => u.id));
    return id;
  }

  /** The next `times` calls of a method (or of the upload URL: "upload") answer 429 with Retry-After. */
  rateLimit(target: string, times = 1, retryAfter = 1): void {
    this.faults.push({ target, times, retryAfter });
  }

  /**
   * The next call of a Web API method waits until releaseHeld() and then fails, having done nothing: a call in flight
   * when its process dies (the test stops the process meanwhile).
   */
  hold(method: string): void {
    this.faults.push({ target: method, times: 1, retryAfter: 0, hold: true });
  }

  /** Calls a hold() parked so far. */
  heldCount = 0;
  private held: (() => void)[] = [];

  /** The next call of a Web API method is carried out, but its answer says it failed (fatal_error). */
  loseAnswer(method: string): void {
    this.faults.push({ target: method, times: 1, retryAfter: 0, lose: true });
  }

  releaseHeld(): void {
    for (const go of this.held.splice(0)) go();
  }

  // ---- people's actions ----

  private trigger(): string {
    const id = `${Date.now()}.${this.state.id("")}.${randomUUID().slice(0, 8)}`;
    this.state.triggers.add(id);
    return id;
  }

  /** `/sora <text>` typed in a channel. */
  slash(user: FakeUser, channel: FakeChannel, text: string, command = "/sora"): Promise<Ack> & { triggerId: string } {
    const trigger_id = this.trigger();
    const p = this.deliver("slash_commands", {
      token: "verification-token", team_id: this.teamId, team_domain: "clipclub", channel_id: channel.id, channel_name: channel.name,
      user_id: user.id, user_name: user.name, command, text, api_app_id: this.appId, is_enterprise_install: "false",
      response_url: `${this.base}/respond/${randomUUID()}`, trigger_id,
    });
    return Object.assign(p, { triggerId: trigger_id });
  }

  /** A file a person uploads (served from the fake's private file host, which needs the bot token). */
  userFile(user: FakeUser, name: string, data: Buffer, mimetype: string): FakeFile {
    const id = this.state.id("F");
    const f: FakeFile = {
      id, name, mimetype, size: data.length, data, completed: true, deleted: false, uploadedBy: user.id,
      url_private: `${this.base}/files-pri/${id}/${encodeURIComponent(name)}`, url_private_download: `${this.base}/files-pri/${id}/download/${encodeURIComponent(name)}`,
    };
    this.state.files.set(id, f);
    return f;
  }

  /** A person's message in a channel or thread; Slack stores it and sends a message event. */
  async say(user: FakeUser, channel: FakeChannel, text: string, o: { thread_ts?: string; files?: FakeFile[] } = {}): Promise<{ message: FakeMessage; ack: Ack }> {
    const message: FakeMessage = {
      channel: channel.id, ts: this.state.nextTs(), thread_ts: o.thread_ts, user: user.id, text, files: o.files,
      history: [text], blockHistory: [undefined], deleted: false,
    };
    this.state.messages.push(message);
    const ack = await this.deliverMessageEvent(message);
    return { message, ack };
  }

  /** Click a button of a message (found by its action id, or the first whose action id matches a pattern). */
  click(user: FakeUser, message: FakeMessage, action: string | RegExp): Promise<Ack> & { triggerId: string } {
    const button = this.buttons(message).find((b) => (typeof action === "string" ? b.action_id === action : action.test(b.action_id)));
    if (!button) throw new Error(`fake slack: no button ${action} on message ${message.ts}: ${JSON.stringify(this.buttons(message).map((b) => b.action_id))}`);
    const trigger_id = this.trigger();
    const channel = this.state.channels.get(message.channel)!;
    const p = this.deliver("interactive", {
      type: "block_actions", user: { id: user.id, username: user.name, name: user.name, team_id: this.teamId }, api_app_id: this.appId,
      token: "verification-token", trigger_id, team: { id: this.teamId, domain: "clipclub" }, channel: { id: channel.id, name: channel.name },
      container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: false, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
      message: { type: "message", ts: message.ts, text: message.text, user: message.user, bot_id: message.bot_id, blocks: message.blocks, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
      state: { values: {} }, response_url: `${this.base}/respond/${randomUUID()}`,
      actions: [{ type: "button", action_id: button.action_id, block_id: button.block_id, text: button.text, value: button.value, action_ts: `${Date.now() / 1000}` }],
    });
    return Object.assign(p, { triggerId: trigger_id });
  }

  /** Submit an opened modal with values by block id (each block's one input). */
  submitView(user: FakeUser, opened: { id: string; view: Record<string, unknown> }, values: Record<string, string>): Promise<Ack> {
    const blocks = (opened.view.blocks ?? []) as { block_id?: string; element?: { action_id?: string; type?: string } }[];
    const state: Record<string, Record<string, { type: string; value: string | null }>> = {};
    for (const b of blocks) {
      if (!b.block_id || !b.element?.action_id) continue;
      state[b.block_id] = { [b.element.action_id]: { type: b.element.type ?? "plain_text_input", value: values[b.block_id] ?? null } };
    }
    return this.deliver("interactive", {
      type: "view_submission", team: { id: this.teamId, domain: "clipclub" }, user: { id: user.id, username: user.name, name: user.name, team_id: this.teamId },
      api_app_id: this.appId, token: "verification-token", trigger_id: this.trigger(),
      view: { ...opened.view, id: opened.id, team_id: this.teamId, app_id: this.appId, hash: randomUUID(), state: { values: state } },
      response_urls: [],
    });
  }

  /** A Workflow Builder step of this app runs: function_executed with a short-lived execution token. */
  async runFunction(callbackId: string, inputs: Record<string, unknown>): Promise<{ executionId: string; ack: Ack }> {
    const executionId = this.state.id("Fx");
    const token = `xwfp-${executionId}`;
    this.functionTokens.set(token, executionId);
    const ack = await this.deliver("events_api", this.eventCallback({
      type: "function_executed", function: { id: "Fn0FAKE", callback_id: callbackId, title: "Generate video clip", app_id: this.appId },
      inputs, function_execution_id: executionId, workflow_execution_id: this.state.id("Wx"), event_ts: `${Date.now() / 1000}`, bot_access_token: token,
    }));
    return { executionId, ack };
  }

  deliver(type: EnvelopeType, payload: Record<string, unknown>): Promise<Ack> {
    return this.transport.deliver(type, payload);
  }

  // ---- reading what the app did ----

  buttons(m: FakeMessage): { action_id: string; block_id?: string; value?: string; text?: unknown; style?: string }[] {
    return (m.blocks ?? []).filter((b) => b.type === "actions").flatMap((b) => (b.elements as { action_id: string; block_id?: string; value?: string; text?: unknown; style?: string }[])
      .map((e) => ({ ...e, block_id: b.block_id as string | undefined })));
  }

  /** Everything in one thread (root included), oldest first. */
  threadOf(channel: FakeChannel, threadTs: string): FakeMessage[] {
    return this.state.messages.filter((m) => m.channel === channel.id && !m.deleted && (m.ts === threadTs || m.thread_ts === threadTs));
  }

  ephemeralsFor(user: FakeUser): { text: string; channel: string; thread_ts?: string }[] {
    return this.state.ephemerals.filter((e) => e.user === user.id);
  }

  async waitFor<T>(check: () => T | undefined | null | false, limitMs = 60_000, what = "condition"): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() - start > limitMs) throw new Error(`fake slack: ${what} not reached in ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    this.releaseHeld();
    await this.socket.close();
    await this.transport.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  // ---- plumbing ----

  private eventCallback(event: Record<string, unknown>): Record<string, unknown> {
    return {
      token: "verification-token", team_id: this.teamId, api_app_id: this.appId, event, type: "event_callback",
      event_id: this.state.id("Ev"), event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.teamId, user_id: this.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
  }

  private deliverMessageEvent(m: FakeMessage): Promise<Ack> {
    const event: Record<string, unknown> = {
      type: "message", channel: m.channel, user: m.user, text: m.text, ts: m.ts, event_ts: m.ts, channel_type: "channel",
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(m.bot_id ? { bot_id: m.bot_id } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
    };
    if (m.files?.length) {
      event.subtype = "file_share";
      event.files = m.files.map((f) => ({ id: f.id, name: f.name, title: f.title ?? f.name, mimetype: f.mimetype, size: f.size, url_private: f.url_private, url_private_download: f.url_private_download }));
    }
    return this.deliver("events_api", this.eventCallback(event));
  }

  private apiContext(): ApiContext {
    return {
      state: this.state, base: this.base, botToken: this.botToken, appToken: this.appToken, botUserId: this.botUserId, botId: this.botId,
      teamId: this.teamId, appId: this.appId, functionTokens: this.functionTokens,
      socketUrl: () => `${this.base.replace(/^http/, "ws")}/socket-mode?ticket=${randomUUID()}`,
      onBotMessage: (m) => {
        if (this.opts.echoBotMessages === false) return;
        // After the API answer, as Slack does; the app must recognise its own message and stay quiet.
        setTimeout(() => void this.deliverMessageEvent(m).catch(() => undefined), 5);
      },
    };
  }

  private takeFault(target: string): Fault | undefined {
    const f = this.faults.find((x) => x.target === target && x.times > 0);
    if (f) f.times--;
    return f;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.base);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const raw = await readBody(req);

    if (req.method === "POST" && url.pathname.startsWith("/api/")) {
      const method = url.pathname.slice("/api/".length);
      const { args } = await parseArgs(raw, req.headers["content-type"]);
      // A token in the body counts too (Slack accepts both); the header wins.
      const tok = token ?? (typeof args.token === "string" ? args.token : undefined);
      this.state.calls.push({ method, args, token: tok, at: Date.now() });
      const fault = this.takeFault(method);
      if (fault?.hold) {
        this.heldCount++;
        await new Promise<void>((go) => this.held.push(go));
        return send(res, 200, { ok: false, error: "fatal_error" });
      }
      if (fault && !fault.lose) return send(res, 429, { ok: false, error: "ratelimited" }, { "retry-after": String(fault.retryAfter) });
      const fn = METHODS[method];
      if (fault?.lose) {
        if (fn) {
          try {
            fn(this.apiContext(), args, tok);
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
          }
        }
        return send(res, 200, { ok: false, error: "fatal_error" });
      }
      if (!fn) return send(res, 200, { ok: false, error: "unknown_method" });
      try {
        return send(res, 200, { ok: true, ...fn(this.apiContext(), args, tok) });
      } catch (err) {
        if (err instanceof ApiError) return send(res, 200, { ok: false, error: err.error });
        throw err;
      }
    }

    const upload = /^\/upload\/v1\/([\w]+)$/.exec(url.pathname);
    if (req.method === "POST" && upload) {
      const fault = this.takeFault("upload");
      if (fault) return send(res, 429, "rate limited", { "retry-after": String(fault.retryAfter) });
      const f = this.state.files.get(upload[1]);
      if (!f || f.completed) return send(res, 404, "no such upload");
      const { file } = await parseArgs(raw, req.headers["content-type"]);
      const data = file ?? raw;
      if (data.length !== f.size) return send(res, 400, `length ${data.length} is not the declared ${f.size}`);
      f.data = data;
      this.uploads.set(f.id, (this.uploads.get(f.id) ?? 0) + 1);
      return send(res, 200, `OK - ${data.length}`);
    }

    const file = /^\/files-pri\/(\w+)\//.exec(url.pathname);
    if (req.method === "GET" && file) {
      // Private files need the bot token, as on Slack; without it Slack answers with a login page, not the bytes.
      if (token !== this.botToken) return send(res, 302, "", { location: `${this.base}/signin` });
      const f = this.state.files.get(file[1]);
      if (!f || f.deleted) return send(res, 404, "not found");
      res.writeHead(200, { "content-type": f.mimetype, "content-length": String(f.data.length) });
      return void res.end(f.data);
    }
    send(res, 404, "not found");
  }
}

/** A text block's text, whatever its kind (section text, context elements). */
export function blockText(blocks: Block[] | undefined): string {
  const out: string[] = [];
  for (const b of blocks ?? []) {
    const text = (b.text as { text?: string } | undefined)?.text;
    if (text) out.push(text);
    for (const e of (b.elements as { text?: string | { text?: string } }[] | undefined) ?? []) {
      if (b.type === "context" && typeof e.text === "string") out.push(e.text);
    }
  }
  return out.join("\n");
}
