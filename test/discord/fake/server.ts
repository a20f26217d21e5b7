// An in-repo fake Discord: one HTTP server on 127.0.0.1 that answers REST under /api/v10, serves uploaded files
// under /attachments (the "CDN"), and upgrades to the gateway WebSocket. Tests drive people (slash commands, buttons,
// modals, context menus, messages) through it and read back what the bot did; faults (429 with retry_after, 500)
// can be injected per route. Only what discord.js and the adapter use is modelled, but that part behaves like Discord.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeGateway, INTENTS } from "./gateway.ts";
import { parseBody, readBody, RestError, send, type RestResponse, type UploadedFile } from "./http.ts";
import { channelPayload, guildPayload, memberPayload, messagePayload, userPayload } from "./payloads.ts";
import { restRoutes } from "./rest.ts";
import { snowflake } from "./snowflake.ts";
import {
  CHANNEL_PUBLIC_THREAD, CHANNEL_TEXT, channelPermissions, MEMBER_PERMISSIONS, MESSAGE_FLAG_EPHEMERAL, MESSAGE_FLAG_LOADING, PERMISSIONS,
  type FakeAttachment, type FakeChannel, type FakeGuild, type FakeInteraction, type FakeMessage, type FakeOverwrite, type FakeUser,
} from "./state.ts";

export * from "./state.ts";

export interface FakeDiscordOptions {
  token?: string;
  /** The application has the Message Content intent switched on in the portal. Default true. */
  messageContent?: boolean;
  /** Per-file upload limit for every guild; default Discord's 10 MiB. */
  uploadLimit?: number;
}

export interface Fault {
  method?: string;
  /** Matched against the path below /api/v10. */
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests get this answer. */
  times: number;
  /** Instead of a count: every matching request until this time (ms since the epoch) gets it, an outage. */
  until?: number;
  /**
   * Keep the request waiting until releaseHeld(), then answer as above: a request in flight when its process dies
   * (the test stops the process meanwhile).
   */
  hold?: boolean;
  /** Carry the request out first, then answer with the fault: the answer is lost on its way back. */
  perform?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
  files: number;
}

/** An option exactly as a client sends it (type and value unchecked): hostile input Discord's own client never sends. */
export interface RawOption {
  raw: { type: number; value: unknown };
}

/** An option's value: typed as Discord types it (a channel goes as type 7 with its resolved data). */
export type OptionValue = string | number | boolean | FakeAttachment | FakeChannel | RawOption;

export class FakeDiscord {
  readonly token: string;
  readonly appId = snowflake();
  readonly bot: FakeUser;
  messageContent: boolean;
  uploadLimit: number;
  /** Discord gives 3 s for the first response to an interaction. */
  responseWindowMs = 3000;
  /** Delay before the CDN answers (a slow download makes the bot defer). */
  cdnDelayMs = 0;
  /** Interaction tokens (webhook edits, follow-ups) last 15 minutes. */
  tokenLifetimeMs = 15 * 60 * 1000;

  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly files = new Map<string, { data: Buffer; contentType: string }>();
  readonly commands = new Map<string, Record<string, unknown>[]>();
  readonly requests: LoggedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Requests parked by a `hold` fault, and how many of them came. */
  private held: (() => void)[] = [];
  heldCount = 0;
  readonly gateway: FakeGateway;

  private readonly server: Server;
  private readonly routes = restRoutes(this);
  private port = 0;

  private constructor(opts: FakeDiscordOptions) {
    this.token = opts.token ?? "fake-bot-token";
    this.messageContent = opts.messageContent ?? true;
    this.uploadLimit = opts.uploadLimit ?? 10 * 1024 * 1024;
    this.bot = this.addUser("sora-bot", { bot: true, id: this.appId });
    this.server = createServer((req, res) => void this.handle(req, res));
    this.gateway = new FakeGateway(this.server, {
      token: () => this.token,
      messageContentGranted: () => this.messageContent,
      ready: (sessionId, url) => ({
        v: 10, user: { ...userPayload(this.bot), verified: true, mfa_enabled: false, flags: 0 },
        guilds: [...this.guilds.keys()].map((id) => ({ id, unavailable: true })),
        session_id: sessionId, resume_gateway_url: url, shard: [0, 1],
        application: { id: this.appId, flags: this.applicationFlags() },
        user_settings: {}, relationships: [], private_channels: [], presences: [], guild_join_requests: [], geo_ordered_rtc_regions: [],
      }),
      guildCreates: () => [...this.guilds.values()].map((g) =>
        guildPayload(g, [...this.channels.values()].filter((c) => c.guild_id === g.id), this.users)),
    }, () => this.gatewayUrl);
  }

  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** What DISCORD_API_BASE is set to: discord.js appends /v10. */
  get apiBase(): string {
    return `${this.url}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }
  /** The host the fake's "CDN" serves attachments from. */
  get cdnHost(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Set to make GET /applications/@me report other flags than the gateway enforces (a portal switch just flipped). */
  reportedFlags: number | undefined;

  applicationFlags(): number {
    // GATEWAY_MESSAGE_CONTENT (verified apps) and ..._LIMITED (under 100 servers) both grant the intent.
    return this.reportedFlags ?? (this.messageContent ? 1 << 19 : 0);
  }

  newId(): string {
    return snowflake();
  }

  async close(): Promise<void> {
    this.releaseHeld();
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- world set-up ----

  addUser(username: string, extra: Partial<FakeUser> = {}): FakeUser {
    const u: FakeUser = { id: snowflake(), username, global_name: username, ...extra };
    this.users.set(u.id, u);
    return u;
  }

  /** A guild with @everyone, a Moderators role (Manage Messages), #general, and the bot as a member. */
  addGuild(name: string, owner: FakeUser, locale = "en-US"): { guild: FakeGuild; general: FakeChannel; moderators: string } {
    const id = snowflake();
    const moderators = snowflake();
    const guild: FakeGuild = {
      id, name, owner_id: owner.id, preferred_locale: locale, uploadLimit: this.uploadLimit,
      roles: [
        { id, name: "@everyone", permissions: String(MEMBER_PERMISSIONS) },
        { id: moderators, name: "Moderators", permissions: String(MEMBER_PERMISSIONS | PERMISSIONS.MANAGE_MESSAGES) },
      ],
      members: new Map([[owner.id, []], [this.bot.id, []]]),
    };
    this.guilds.set(id, guild);
    const general: FakeChannel = { id: snowflake(), type: CHANNEL_TEXT, guild_id: id, name: "general" };
    this.channels.set(general.id, general);
    return { guild, general, moderators };
  }

  addMember(guild: FakeGuild, user: FakeUser, roles: string[] = []): void {
    guild.members.set(user.id, roles);
  }

  /** Another channel of a guild (with permission overwrites), announced to connected bots like a new channel. */
  addChannel(guild: FakeGuild, name: string, o: { type?: number; overwrites?: FakeOverwrite[] } = {}): FakeChannel {
    const c: FakeChannel = { id: snowflake(), type: o.type ?? CHANNEL_TEXT, guild_id: guild.id, name, ...(o.overwrites ? { permission_overwrites: o.overwrites } : {}) };
    this.channels.set(c.id, c);
    this.gateway.dispatch("CHANNEL_CREATE", channelPayload(c), INTENTS.GUILDS);
    return c;
  }

  /** What a member (the bot too) may do in a channel, overwrites applied. */
  permissionsIn(channel: FakeChannel, userId: string): bigint {
    const parent = channel.parent_id ? this.channels.get(channel.parent_id) : undefined;
    return channelPermissions(this.guilds.get(channel.guild_id)!, parent ?? channel, userId);
  }

  /** A file on the fake CDN, as if a person had uploaded it. */
  upload(filename: string, data: Buffer, contentType: string): FakeAttachment {
    const id = snowflake();
    this.files.set(id, { data, contentType });
    const url = `${this.url}/attachments/0/${id}/${encodeURIComponent(filename)}`;
    return { id, filename, size: data.length, content_type: contentType, url, proxy_url: url };
  }

  // ---- what REST calls do (also used by the driving helpers) ----

  wire(m: FakeMessage) {
    return messagePayload(m, (id) => this.messages.get(id));
  }

  registerCommands(guildId: string | undefined, list: Record<string, unknown>[]): void {
    this.commands.set(guildId ?? "global", list);
  }

  createMessage(
    channelId: string, author: FakeUser, body: Record<string, unknown>, files: UploadedFile[],
    extra: { type: number; flags: number; interaction?: FakeInteraction; mentions?: FakeUser[]; attachments?: FakeAttachment[] },
  ): FakeMessage {
    const channel = this.channels.get(channelId);
    if (!channel) throw new RestError(404, 10003, "Unknown Channel");
    const ref = body.message_reference as { message_id?: string } | undefined;
    const m: FakeMessage = {
      id: snowflake(), channel_id: channelId, guild_id: channel.guild_id, author,
      content: String(body.content ?? ""), embeds: (body.embeds as unknown[]) ?? [], components: (body.components as unknown[]) ?? [],
      attachments: [...(extra.attachments ?? []), ...this.store(channel, body, files)],
      flags: extra.flags & (MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING | (1 << 12)), type: extra.type,
      timestamp: new Date().toISOString(), edited_timestamp: null, mentions: extra.mentions ?? [], history: [],
      ...(ref?.message_id ? { message_reference: { message_id: ref.message_id, channel_id: channelId, guild_id: channel.guild_id } } : {}),
      ...(extra.interaction
        ? { application_id: this.appId, webhook_id: this.appId, interaction_metadata: { id: extra.interaction.id, type: extra.interaction.type, user: extra.interaction.user } }
        : {}),
    };
    m.history.push(m.content);
    this.messages.set(m.id, m);
    if (!(m.flags & MESSAGE_FLAG_EPHEMERAL)) {
      this.gateway.dispatch("MESSAGE_CREATE", { ...this.wire(m), ...this.memberOf(m) }, INTENTS.GUILD_MESSAGES, (d, intents) => this.hideContent(m, d, intents));
    }
    return m;
  }

  editMessage(m: FakeMessage, body: Record<string, unknown>, files: UploadedFile[]): void {
    const channel = this.channels.get(m.channel_id)!;
    const added = this.store(channel, body, files);
    if ("content" in body) m.content = String(body.content ?? "");
    if ("embeds" in body) m.embeds = (body.embeds as unknown[]) ?? [];
    if ("components" in body) m.components = (body.components as unknown[]) ?? [];
    if (Array.isArray(body.attachments)) {
      const keep = new Set((body.attachments as { id: string | number }[]).map((a) => String(a.id)));
      m.attachments = m.attachments.filter((a) => keep.has(a.id));
    }
    m.attachments.push(...added);
    m.flags &= ~MESSAGE_FLAG_LOADING;
    m.edited_timestamp = new Date().toISOString();
    m.history.push(m.content);
    if (!(m.flags & MESSAGE_FLAG_EPHEMERAL)) this.gateway.dispatch("MESSAGE_UPDATE", this.wire(m), INTENTS.GUILD_MESSAGES);
  }

  deleteMessage(m: FakeMessage): void {
    m.deleted = true;
    if (!(m.flags & MESSAGE_FLAG_EPHEMERAL)) {
      this.gateway.dispatch("MESSAGE_DELETE", { id: m.id, channel_id: m.channel_id, guild_id: m.guild_id }, INTENTS.GUILD_MESSAGES);
    }
  }

  /** A thread from a message takes the message's id, as on Discord. */
  createThread(parentId: string, name: string, fromMessageId?: string): FakeChannel {
    const parent = this.channels.get(parentId);
    if (!parent) throw new RestError(404, 10003, "Unknown Channel");
    if (parent.type !== CHANNEL_TEXT) throw new RestError(400, 50024, "Cannot execute action on this channel type");
    const id = fromMessageId ?? snowflake();
    if (this.channels.has(id)) throw new RestError(400, 160004, "A thread has already been created for this message");
    const t: FakeChannel = { id, type: CHANNEL_PUBLIC_THREAD, guild_id: parent.guild_id, name: name.slice(0, 100), parent_id: parentId, owner_id: this.bot.id };
    this.channels.set(id, t);
    this.gateway.dispatch("THREAD_CREATE", { ...channelPayload(t), newly_created: true }, INTENTS.GUILDS);
    return t;
  }

  // ---- people (what tests do) ----

  /**
   * A slash command. Numbers that are whole go as integers (type 4), others as numbers (type 10); a channel as type 7
   * with its resolved data (and the asker's permissions there), as Discord sends them.
   */
  slash(user: FakeUser, channelId: string, name: string, options: Record<string, OptionValue> = {}, locale = "en-US"): FakeInteraction {
    const { opts, resolved } = this.options(user, options);
    return this.interact(user, channelId, 2, locale, { id: snowflake(), name, type: 1, options: opts, ...resolved });
  }

  /**
   * A subcommand of a slash command (`/challenge start theme: …`): Discord nests the subcommand's options inside one
   * option of type 1 (SUB_COMMAND) named after it.
   */
  subcommand(user: FakeUser, channelId: string, name: string, sub: string, options: Record<string, OptionValue> = {}, locale = "en-US"): FakeInteraction {
    const { opts, resolved } = this.options(user, options);
    return this.interact(user, channelId, 2, locale, { id: snowflake(), name, type: 1, options: [{ name: sub, type: 1, options: opts }], ...resolved });
  }

  private options(user: FakeUser, options: Record<string, OptionValue>) {
    const attachments: Record<string, FakeAttachment> = {};
    const channels: Record<string, unknown> = {};
    const opts = Object.entries(options).map(([n, v]) => {
      if (typeof v === "object" && "raw" in v) return { name: n, type: v.raw.type, value: v.raw.value };
      if (typeof v === "object" && "guild_id" in v) {
        channels[v.id] = { id: v.id, name: v.name, type: v.type, permissions: String(this.permissionsIn(v, user.id)), ...(v.parent_id ? { parent_id: v.parent_id } : {}) };
        return { name: n, type: 7, value: v.id };
      }
      if (typeof v === "object") {
        attachments[v.id] = v;
        return { name: n, type: 11, value: v.id };
      }
      const type = typeof v === "boolean" ? 5 : typeof v === "string" ? 3 : Number.isInteger(v) ? 4 : 10;
      return { name: n, type, value: v };
    });
    const resolved = {
      ...(Object.keys(attachments).length ? { attachments } : {}), ...(Object.keys(channels).length ? { channels } : {}),
    };
    return { opts, resolved: Object.keys(resolved).length ? { resolved } : {} };
  }

  /** A message context-menu command ("Extend clip") on a message. */
  messageCommand(user: FakeUser, messageId: string, name: string, locale = "en-US"): FakeInteraction {
    const m = this.messages.get(messageId)!;
    return this.interact(user, m.channel_id, 2, locale, {
      id: snowflake(), name, type: 3, target_id: m.id, resolved: { messages: { [m.id]: this.wire(m) } },
    });
  }

  pressButton(user: FakeUser, messageId: string, customId: string, locale = "en-US"): FakeInteraction {
    const m = this.messages.get(messageId)!;
    return this.interact(user, m.channel_id, 3, locale, { custom_id: customId, component_type: 2 }, m);
  }

  submitModal(user: FakeUser, channelId: string, customId: string, fields: Record<string, string>, locale = "en-US"): FakeInteraction {
    return this.interact(user, channelId, 5, locale, {
      custom_id: customId,
      components: Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })),
    });
  }

  /** A person posts a message (a reply when `replyTo` is set; the reply pings its author unless told not to). */
  say(user: FakeUser, channelId: string, content: string, opts: { replyTo?: string; attachments?: FakeAttachment[]; ping?: boolean } = {}): FakeMessage {
    const mentions: FakeUser[] = [];
    const replied = opts.replyTo ? this.messages.get(opts.replyTo) : undefined;
    if (replied && opts.ping !== false) mentions.push(replied.author);
    if (content.includes(`<@${this.bot.id}>`) && !mentions.includes(this.bot)) mentions.push(this.bot);
    return this.createMessage(channelId, user, { content, ...(opts.replyTo ? { message_reference: { message_id: opts.replyTo } } : {}) }, [], {
      type: opts.replyTo ? 19 : 0, flags: 0, mentions, attachments: opts.attachments,
    });
  }

  // ---- reading back ----

  /** Visible messages of a channel, oldest first. */
  channelMessages(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId && !m.deleted);
  }

  threadsOf(parentId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.parent_id === parentId);
  }

  original(i: FakeInteraction): FakeMessage | undefined {
    return i.originalId ? this.messages.get(i.originalId) : undefined;
  }

  /** Everything the bot said in answer to an interaction: the original response and its follow-ups. */
  answers(i: FakeInteraction): FakeMessage[] {
    return [i.originalId, ...i.followupIds].map((id) => (id ? this.messages.get(id) : undefined)).filter((m): m is FakeMessage => !!m);
  }

  /** Poll until `check` returns something truthy; reject after `limitMs` (a hang guard, not a timing assertion). */
  async waitFor<T>(check: () => T | undefined | null | false, limitMs = 60_000, what = "condition"): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() - start > limitMs) throw new Error(`fake discord: ${what} not reached in ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  failNext(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** Answer every request a `hold` fault parked. */
  releaseHeld(): void {
    for (const go of this.held.splice(0)) go();
  }

  expireToken(i: FakeInteraction): void {
    i.expired = true;
  }

  // ---- internals ----

  private interact(user: FakeUser, channelId: string, type: number, locale: string, data: Record<string, unknown>, source?: FakeMessage): FakeInteraction {
    const channel = this.channels.get(channelId)!;
    const guild = this.guilds.get(channel.guild_id)!;
    const id = snowflake();
    const token = `itok-${id}-${Math.random().toString(36).slice(2)}`;
    const payload = {
      id, application_id: this.appId, type, token, version: 1, guild_id: guild.id, channel_id: channelId,
      channel: channelPayload(channel), guild: { id: guild.id, locale: guild.preferred_locale, features: [] },
      member: memberPayload(guild, user, true), locale, guild_locale: guild.preferred_locale,
      app_permissions: String(MEMBER_PERMISSIONS), entitlements: [], authorizing_integration_owners: { "0": guild.id }, context: 0,
      attachment_size_limit: guild.reportedUploadLimit ?? guild.uploadLimit, data, ...(source ? { message: this.wire(source) } : {}),
    };
    const i: FakeInteraction = {
      id, token, type, guild_id: guild.id, channel_id: channelId, user, locale, createdAt: Date.now(), payload,
      followupIds: [], ...(source ? { sourceMessageId: source.id } : {}),
    };
    this.interactions.set(id, i);
    this.gateway.dispatch("INTERACTION_CREATE", payload);
    return i;
  }

  private store(channel: FakeChannel, body: Record<string, unknown>, files: UploadedFile[]): FakeAttachment[] {
    const limit = this.guilds.get(channel.guild_id)?.uploadLimit ?? this.uploadLimit;
    if (files.some((f) => f.data.length > limit)) throw new RestError(413, 40005, "Request entity too large");
    const meta = (body.attachments as { id: string | number; filename?: string }[] | undefined) ?? [];
    return files.map((f) => {
      const index = /\[(\d+)\]/.exec(f.field)?.[1];
      const filename = meta.find((a) => String(a.id) === index)?.filename ?? f.filename;
      return this.upload(filename, f.data, f.contentType || "application/octet-stream");
    });
  }

  private memberOf(m: FakeMessage) {
    const g = m.guild_id ? this.guilds.get(m.guild_id) : undefined;
    return g && !m.author.bot ? { member: memberPayload(g, m.author) } : {};
  }

  /** Without MESSAGE_CONTENT a bot sees other people's text only where it is mentioned (replies that ping it too). */
  private hideContent(m: FakeMessage, d: unknown, intents: number): unknown {
    if (intents & INTENTS.MESSAGE_CONTENT || m.author.id === this.bot.id || m.mentions.some((u) => u.id === this.bot.id)) return d;
    return { ...(d as object), content: "", embeds: [], attachments: [], components: [] };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const file = /^\/attachments\/[^/]+\/([^/]+)\//.exec(url.pathname);
    if (req.method === "GET" && file) {
      const f = this.files.get(file[1]);
      if (!f) return void res.writeHead(404).end();
      if (this.cdnDelayMs) await new Promise((r) => setTimeout(r, this.cdnDelayMs));
      return void res.writeHead(200, { "content-type": f.contentType, "content-length": f.data.length }).end(f.data);
    }
    const raw = await readBody(req);
    const path = url.pathname.replace(/^\/api\/v10(?=\/)/, "");
    const method = req.method ?? "GET";
    const log = (status: number, files = 0) => this.requests.push({ method, path, status, at: Date.now(), files });
    if (path === url.pathname) {
      log(404);
      return send(res, { status: 404, body: { message: "404: Not Found", code: 0 } });
    }
    const now = Date.now();
    const fault = this.faults.find((f) => (f.until !== undefined ? now < f.until : f.times > 0) && f.path.test(path) && (!f.method || f.method === method));
    if (fault) {
      if (fault.until === undefined) fault.times--;
      if (fault.perform) await this.perform(req, url, method, path, raw).catch(() => undefined);
      if (fault.hold) {
        this.heldCount++;
        await new Promise<void>((go) => this.held.push(go));
      }
      log(fault.status);
      return send(res, { status: fault.status, body: fault.body ?? { message: "fault", code: 0 }, headers: fault.headers });
    }
    const { r, files } = await this.perform(req, url, method, path, raw);
    log(r.status, files);
    send(res, r);
  }

  private async perform(req: IncomingMessage, url: URL, method: string, path: string, raw: Buffer): Promise<{ r: RestResponse; files: number }> {
    let r: RestResponse;
    let files = 0;
    try {
      const route = this.routes.match(method, path);
      if (!route) throw new RestError(404, 0, `404: Not Found (${method} ${path})`);
      const body = await parseBody(raw, req.headers["content-type"]);
      files = body.files.length;
      r = await route.handler({ method, path, params: route.params, query: url.searchParams, headers: req.headers, json: body.json, files: body.files, rawSize: raw.length });
    } catch (err) {
      r = err instanceof RestError
        ? { status: err.status, body: { message: err.message, code: err.code } }
        : { status: 500, body: { message: String((err as Error)?.stack ?? err), code: 0 } };
    }
    return { r, files };
  }
}

/** A 429 as Discord sends it: body retry_after in seconds and the rate-limit headers discord.js reads. */
export function rateLimited(path: RegExp, times: number, retryAfterSeconds = 0.2, method?: string): Fault {
  const s = String(retryAfterSeconds);
  return {
    method, path, times, status: 429,
    body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global: false },
    headers: { "retry-after": s, "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": s, "x-ratelimit-bucket": "fakebucket", "x-ratelimit-scope": "user" },
  };
}
