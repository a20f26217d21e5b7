// The Web API methods the adapter uses, each as Slack documents it: the same argument names, the same answer shapes,
// `{ ok: false, error }` for a refused call (HTTP 200, as Slack does), and the tokens each method accepts.
import type { Block, FakeFile, FakeMessage, FakeState } from "./state.ts";

export class ApiError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

export interface ApiContext {
  state: FakeState;
  base: string;
  botToken: string;
  appToken: string;
  botUserId: string;
  botId: string;
  teamId: string;
  appId: string;
  /** Function execution tokens still valid (issued with function_executed, revoked when it completes). */
  functionTokens: Map<string, string>;
  /** Called for every message the bot posts, so the fake can echo it as an event like Slack does. */
  onBotMessage(m: FakeMessage): void;
  socketUrl(): string;
}

type Args = Record<string, unknown>;
type Method = (ctx: ApiContext, args: Args, token: string | undefined) => Record<string, unknown>;

function str(args: Args, name: string, required = true): string | undefined {
  const v = args[name];
  if (v === undefined || v === "") {
    if (required) throw new ApiError(`invalid_arguments`);
    return undefined;
  }
  return String(v);
}

/** Form posts carry JSON-encoded arrays and objects (blocks, files, outputs) as strings. */
function json<T>(args: Args, name: string): T | undefined {
  const v = args[name];
  if (v === undefined || v === "") return undefined;
  if (typeof v !== "string") return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    throw new ApiError("invalid_arguments");
  }
}

function botOnly(ctx: ApiContext, token: string | undefined): void {
  if (token !== ctx.botToken && !(token && ctx.functionTokens.has(token))) throw new ApiError(token ? "invalid_auth" : "not_authed");
}

function channelOf(ctx: ApiContext, args: Args, field = "channel"): string {
  const id = str(args, field)!;
  const c = ctx.state.channels.get(id);
  // A private channel the bot is not in does not exist, as far as the bot can tell.
  if (!c || (c.private && !c.botMember)) throw new ApiError("channel_not_found");
  return id;
}

/** A channel the bot may post in: public ones too without joining (chat:write.public), never archived ones. */
function postableChannel(ctx: ApiContext, args: Args, field = "channel"): string {
  const id = channelOf(ctx, args, field);
  if (ctx.state.channels.get(id)!.archived) throw new ApiError("is_archived");
  return id;
}

function postedBy(ctx: ApiContext, channel: string, text: string, blocks: Block[] | undefined, thread_ts?: string, files?: FakeFile[]): FakeMessage {
  if (thread_ts && !ctx.state.message(channel, thread_ts)) throw new ApiError("thread_not_found");
  const m: FakeMessage = {
    channel, ts: ctx.state.nextTs(), thread_ts, user: ctx.botUserId, bot_id: ctx.botId, text, blocks, files,
    history: [text], blockHistory: [blocks], deleted: false,
  };
  ctx.state.messages.push(m);
  ctx.onBotMessage(m);
  return m;
}

/**
 * Image blocks show files by id (slack_file): Slack refuses the message with invalid_blocks when the file is not a
 * finished, undeleted image upload, or is still being processed.
 */
function checkImageBlocks(ctx: ApiContext, blocks: Block[] | undefined): void {
  for (const b of blocks ?? []) {
    if (b.type !== "image") continue;
    const ref = b.slack_file as { id?: string } | undefined;
    if (!ref && typeof b.image_url === "string") continue;
    const f = ref?.id ? ctx.state.files.get(ref.id) : undefined;
    if (!f || !f.completed || f.deleted || !f.mimetype.startsWith("image/") || ctx.state.imagesPending) throw new ApiError("invalid_blocks");
  }
}

const MIMETYPES: Record<string, string> = { mp4: "video/mp4", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif" };

function mimetypeOf(filename: string): string {
  return MIMETYPES[/\.(\w+)$/.exec(filename)?.[1]?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

function fileJson(f: FakeFile): Record<string, unknown> {
  return { id: f.id, name: f.name, title: f.title ?? f.name, mimetype: f.mimetype, size: f.size, url_private: f.url_private, url_private_download: f.url_private_download };
}

export const METHODS: Record<string, Method> = {
  "auth.test": (ctx, _a, token) => {
    botOnly(ctx, token);
    return { url: `${ctx.base}/`, team: "Clip Club", user: "sora", team_id: ctx.teamId, user_id: ctx.botUserId, bot_id: ctx.botId, is_enterprise_install: false };
  },

  "apps.connections.open": (ctx, _a, token) => {
    if (token !== ctx.appToken) throw new ApiError(token ? "invalid_auth" : "not_authed");
    return { url: ctx.socketUrl() };
  },

  "users.info": (ctx, a, token) => {
    botOnly(ctx, token);
    const u = ctx.state.users.get(str(a, "user")!);
    if (!u) throw new ApiError("user_not_found");
    // Slack includes the locale only when asked.
    const withLocale = String(a.include_locale) === "true";
    return { user: { id: u.id, name: u.name, team_id: ctx.teamId, is_admin: u.isAdmin, is_owner: false, is_bot: false, ...(withLocale ? { locale: u.locale } : {}) } };
  },

  "chat.postMessage": (ctx, a, token) => {
    botOnly(ctx, token);
    const channel = postableChannel(ctx, a);
    const blocks = json<Block[]>(a, "blocks");
    checkImageBlocks(ctx, blocks);
    const text = str(a, "text", !blocks) ?? "";
    const m = postedBy(ctx, channel, text, blocks, str(a, "thread_ts", false));
    return { channel, ts: m.ts, message: { text: m.text, ts: m.ts, user: m.user, bot_id: m.bot_id, blocks } };
  },

  "chat.update": (ctx, a, token) => {
    botOnly(ctx, token);
    const channel = channelOf(ctx, a);
    const m = ctx.state.message(channel, str(a, "ts")!);
    if (!m || m.deleted) throw new ApiError("message_not_found");
    if (m.bot_id !== ctx.botId) throw new ApiError("cant_update_message");
    const blocks = json<Block[]>(a, "blocks");
    checkImageBlocks(ctx, blocks);
    m.text = str(a, "text", false) ?? m.text;
    m.blocks = blocks;
    m.history.push(m.text);
    m.blockHistory.push(blocks);
    return { channel, ts: m.ts, text: m.text };
  },

  "chat.postEphemeral": (ctx, a, token) => {
    botOnly(ctx, token);
    const channel = channelOf(ctx, a);
    const user = str(a, "user")!;
    if (!ctx.state.users.has(user)) throw new ApiError("user_not_in_channel");
    const blocks = json<Block[]>(a, "blocks");
    ctx.state.ephemerals.push({ channel, user, text: str(a, "text", !blocks) ?? "", thread_ts: str(a, "thread_ts", false), blocks });
    return { message_ts: ctx.state.nextTs() };
  },

  "conversations.history": (ctx, a, token) => {
    botOnly(ctx, token);
    const channel = channelOf(ctx, a);
    const c = ctx.state.channels.get(channel)!;
    // channels:history reads only the channels the bot is in (posting needs no membership: chat:write.public).
    if (!c.botMember) throw new ApiError("not_in_channel");
    const oldest = Number(str(a, "oldest", false) ?? "0");
    const inclusive = String(a.inclusive) === "true";
    const limit = Math.min(Number(str(a, "limit", false) ?? "100"), 999);
    // Newest first, top-level messages (thread replies stay in their threads), as Slack answers.
    const list = ctx.state.thread(channel).filter((m) => (inclusive ? Number(m.ts) >= oldest : Number(m.ts) > oldest)).reverse().slice(0, limit);
    return {
      messages: list.map((m) => ({ type: "message", ts: m.ts, text: m.text, ...(m.user ? { user: m.user } : {}), ...(m.bot_id ? { bot_id: m.bot_id } : {}), ...(m.blocks ? { blocks: m.blocks } : {}), ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) })),
      has_more: false,
    };
  },

  "conversations.join": (ctx, a, token) => {
    botOnly(ctx, token);
    const channel = channelOf(ctx, a);
    const c = ctx.state.channels.get(channel)!;
    // A bot joins public channels only (channels:join); a private one must invite it.
    if (c.private) throw new ApiError("method_not_supported_for_channel_type");
    if (c.archived) throw new ApiError("is_archived");
    c.botMember = true;
    return { channel: { id: c.id, name: c.name, is_member: true } };
  },

  "usergroups.users.list": (ctx, a, token) => {
    botOnly(ctx, token);
    const users = ctx.state.userGroups.get(str(a, "usergroup")!);
    if (!users) throw new ApiError("no_such_subteam");
    return { users };
  },

  "chat.getPermalink": (ctx, a, token) => {
    botOnly(ctx, token);
    const channel = channelOf(ctx, a);
    const m = ctx.state.message(channel, str(a, "message_ts")!);
    if (!m) throw new ApiError("message_not_found");
    const thread = m.thread_ts && m.thread_ts !== m.ts ? `?thread_ts=${m.thread_ts}&cid=${channel}` : "";
    return { channel, permalink: `${ctx.base}/archives/${channel}/p${m.ts.replace(".", "")}${thread}` };
  },

  "files.getUploadURLExternal": (ctx, a, token) => {
    botOnly(ctx, token);
    const filename = str(a, "filename")!;
    const length = Number(str(a, "length"));
    if (!Number.isInteger(length) || length <= 0) throw new ApiError("invalid_arguments");
    if (ctx.state.uploadsDisabled) throw new ApiError("file_uploads_disabled");
    const limit = ctx.state.uploadRestrictionBytes;
    if (limit !== undefined && length > limit) throw new ApiError("file_upload_size_restricted");
    const id = ctx.state.id("F");
    ctx.state.files.set(id, {
      id, name: filename, mimetype: mimetypeOf(filename), size: length, data: Buffer.alloc(0),
      url_private: `${ctx.base}/files-pri/${id}/${encodeURIComponent(filename)}`, url_private_download: `${ctx.base}/files-pri/${id}/download/${encodeURIComponent(filename)}`,
      completed: false, deleted: false, uploadedBy: ctx.botUserId,
    });
    return { upload_url: `${ctx.base}/upload/v1/${id}`, file_id: id };
  },

  "files.completeUploadExternal": (ctx, a, token) => {
    botOnly(ctx, token);
    const list = json<{ id: string; title?: string }[]>(a, "files") ?? [];
    if (!list.length) throw new ApiError("invalid_arguments");
    const files = list.map(({ id, title }) => {
      const f = ctx.state.files.get(id);
      if (!f || !f.data.length) throw new ApiError("file_not_found");
      if (f.completed) throw new ApiError("file_already_completed");
      f.title = title ?? f.title;
      return f;
    });
    for (const f of files) f.completed = true;
    const channel = a.channel_id === undefined ? undefined : channelOf(ctx, a, "channel_id");
    if (channel) postedBy(ctx, channel, str(a, "initial_comment", false) ?? "", json<Block[]>(a, "blocks"), str(a, "thread_ts", false), files);
    return { files: files.map(fileJson) };
  },

  "files.delete": (ctx, a, token) => {
    botOnly(ctx, token);
    const f = ctx.state.files.get(str(a, "file")!);
    if (!f || f.deleted) throw new ApiError("file_not_found");
    if (f.uploadedBy !== ctx.botUserId) throw new ApiError("cant_delete_file");
    f.deleted = true;
    return {};
  },

  "views.open": (ctx, a, token) => {
    botOnly(ctx, token);
    const trigger = str(a, "trigger_id")!;
    if (!ctx.state.triggers.has(trigger)) throw new ApiError("invalid_trigger_id");
    ctx.state.triggers.delete(trigger);
    const view = json<Record<string, unknown>>(a, "view");
    if (!view || view.type !== "modal") throw new ApiError("invalid_arguments");
    const id = ctx.state.id("V");
    ctx.state.views.push({ id, trigger_id: trigger, view });
    return { view: { id, ...view } };
  },

  "functions.completeSuccess": (ctx, a, token) => completeFunction(ctx, a, token, { outputs: json<Record<string, unknown>>(a, "outputs") ?? {} }),
  "functions.completeError": (ctx, a, token) => completeFunction(ctx, a, token, { error: str(a, "error")! }),
};

function completeFunction(ctx: ApiContext, a: Args, token: string | undefined, result: { outputs?: Record<string, unknown>; error?: string }): Record<string, unknown> {
  const id = str(a, "function_execution_id")!;
  // Slack takes these only with the execution's own token, and only once.
  if (!token || ctx.functionTokens.get(token) !== id) throw new ApiError(token === ctx.botToken ? "not_allowed_token_type" : "invalid_auth");
  ctx.functionTokens.delete(token);
  ctx.state.functionResults.push({ function_execution_id: id, ...result });
  return {};
}
