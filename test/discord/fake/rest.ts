// The REST half of the fake under /api/v10: gateway discovery, the application, command registration, interaction
// callbacks and their webhooks (@original, follow-ups), channel messages (JSON or multipart), threads. Each route
// checks what Discord checks where a bot could get it wrong: the bot token, the 3-second window for the first
// response, one acknowledgement per interaction, an expired interaction token, the upload limit.
import { RestError, Router, type RestRequest, type RestResponse } from "./http.ts";
import { channelPayload, userPayload } from "./payloads.ts";
import type { FakeDiscord } from "./server.ts";
import { MESSAGE_FLAG_EPHEMERAL, MESSAGE_FLAG_LOADING, PERMISSIONS, type FakeInteraction, type FakeMessage } from "./state.ts";

const ok = (body?: unknown): RestResponse => ({ status: 200, body });

/** Callback types (Discord's InteractionResponseType). */
const CALLBACK = { REPLY: 4, DEFER: 5, DEFER_UPDATE: 6, UPDATE: 7, MODAL: 9 } as const;

function requireBot(fake: FakeDiscord, req: RestRequest): void {
  if (req.headers.authorization !== `Bot ${fake.token}`) throw new RestError(401, 0, "401: Unauthorized");
}

function interactionFor(fake: FakeDiscord, req: RestRequest): FakeInteraction {
  const i = [...fake.interactions.values()].find((x) => x.token === req.params.token);
  if (!i || (req.params.id && i.id !== req.params.id)) throw new RestError(404, 10062, "Unknown interaction");
  return i;
}

/** Webhook routes use the interaction token for 15 minutes; after that Discord answers 401 Invalid Webhook Token. */
function webhookInteraction(fake: FakeDiscord, req: RestRequest): FakeInteraction {
  const i = [...fake.interactions.values()].find((x) => x.token === req.params.token);
  if (!i || req.params.app !== fake.appId) throw new RestError(404, 10015, "Unknown Webhook");
  if (i.expired || Date.now() - i.createdAt > fake.tokenLifetimeMs) throw new RestError(401, 50027, "Invalid Webhook Token");
  return i;
}

function webhookMessage(fake: FakeDiscord, i: FakeInteraction, id: string): FakeMessage {
  const mid = id === "@original" ? i.originalId : id;
  const m = mid ? fake.messages.get(mid) : undefined;
  if (!m || m.deleted) throw new RestError(404, 10008, "Unknown Message");
  return m;
}

function channelMessage(fake: FakeDiscord, req: RestRequest): FakeMessage {
  const m = fake.messages.get(req.params.mid);
  if (!m || m.deleted || m.channel_id !== req.params.channel) throw new RestError(404, 10008, "Unknown Message");
  return m;
}

function interactionReply(fake: FakeDiscord, i: FakeInteraction, req: RestRequest): FakeMessage {
  const data = (req.json.data ?? {}) as Record<string, unknown>;
  const flags = Number(data.flags ?? 0);
  return fake.createMessage(i.channel_id, fake.bot, data, req.files, {
    type: i.type === 2 ? 20 : 0, flags, interaction: i,
  });
}

function callback(fake: FakeDiscord, req: RestRequest): RestResponse {
  const i = interactionFor(fake, req);
  if (i.callbackType !== undefined) throw new RestError(400, 40060, "Interaction has already been acknowledged.");
  if (Date.now() - i.createdAt > fake.responseWindowMs) throw new RestError(404, 10062, "Unknown interaction");
  const type = Number(req.json.type);
  const data = (req.json.data ?? {}) as Record<string, unknown>;
  i.callbackType = type;
  i.callbackAt = Date.now();
  let message: FakeMessage | undefined;
  switch (type) {
    case CALLBACK.REPLY:
      message = interactionReply(fake, i, req);
      i.originalId = message.id;
      break;
    case CALLBACK.DEFER:
      message = fake.createMessage(i.channel_id, fake.bot, { content: "" }, [], {
        type: i.type === 2 ? 20 : 0, flags: MESSAGE_FLAG_LOADING | (Number(data.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL), interaction: i,
      });
      i.originalId = message.id;
      break;
    case CALLBACK.DEFER_UPDATE:
      i.originalId = i.sourceMessageId;
      break;
    case CALLBACK.UPDATE: {
      i.originalId = i.sourceMessageId;
      const src = i.sourceMessageId ? fake.messages.get(i.sourceMessageId) : undefined;
      if (!src) throw new RestError(400, 50035, "Invalid Form Body: not a component interaction");
      fake.editMessage(src, data, req.files);
      message = src;
      break;
    }
    case CALLBACK.MODAL:
      i.modal = data as FakeInteraction["modal"];
      break;
    default:
      throw new RestError(400, 50035, `Invalid Form Body: callback type ${type}`);
  }
  if (req.query.get("with_response") !== "true") return { status: 204 };
  return ok({
    interaction: { id: i.id, type: i.type, response_message_id: message?.id, response_message_loading: type === CALLBACK.DEFER, response_message_ephemeral: !!message && (message.flags & MESSAGE_FLAG_EPHEMERAL) !== 0 },
    resource: { type, ...(message ? { message: fake.wire(message) } : {}) },
  });
}

export function restRoutes(fake: FakeDiscord): Router {
  const r = new Router();
  r.on("GET", "/gateway/bot", (req) => {
    requireBot(fake, req);
    return ok({ url: fake.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
  });
  r.on("GET", "/gateway", () => ok({ url: fake.gatewayUrl }));
  r.on("GET", "/users/@me", (req) => (requireBot(fake, req), ok(userPayload(fake.bot))));
  r.on("GET", "/applications/@me", (req) => {
    requireBot(fake, req);
    return ok({ id: fake.appId, name: fake.bot.username, description: "", flags: fake.applicationFlags(), bot_public: true, bot_require_code_grant: false, bot: userPayload(fake.bot), owner: userPayload(fake.bot) });
  });
  const registered = (guild?: string) => (req: RestRequest): RestResponse => {
    requireBot(fake, req);
    if (req.params.app !== fake.appId) throw new RestError(403, 50001, "Missing Access");
    const list = (req.json as unknown as Record<string, unknown>[]).map((c) => ({ ...c, id: fake.newId(), application_id: fake.appId, version: fake.newId(), ...(guild ? { guild_id: req.params.guild } : {}) }));
    fake.registerCommands(guild ? req.params.guild : undefined, list);
    return ok(list);
  };
  r.on("PUT", "/applications/:app/commands", registered());
  r.on("PUT", "/applications/:app/guilds/:guild/commands", registered("guild"));
  r.on("GET", "/applications/:app/commands", (req) => (requireBot(fake, req), ok(fake.commands.get("global") ?? [])));

  r.on("POST", "/interactions/:id/:token/callback", (req) => callback(fake, req));
  r.on("GET", "/webhooks/:app/:token/messages/:mid", (req) => {
    const i = webhookInteraction(fake, req);
    return ok(fake.wire(webhookMessage(fake, i, req.params.mid)));
  });
  r.on("PATCH", "/webhooks/:app/:token/messages/:mid", (req) => {
    const i = webhookInteraction(fake, req);
    const m = webhookMessage(fake, i, req.params.mid);
    fake.editMessage(m, req.json, req.files);
    return ok(fake.wire(m));
  });
  r.on("DELETE", "/webhooks/:app/:token/messages/:mid", (req) => {
    const i = webhookInteraction(fake, req);
    fake.deleteMessage(webhookMessage(fake, i, req.params.mid));
    return { status: 204 };
  });
  r.on("POST", "/webhooks/:app/:token", (req) => {
    const i = webhookInteraction(fake, req);
    if (i.callbackType === undefined) throw new RestError(404, 10015, "Unknown Webhook");
    const m = fake.createMessage(i.channel_id, fake.bot, req.json, req.files, { type: 0, flags: Number(req.json.flags ?? 0), interaction: i });
    i.followupIds.push(m.id);
    return ok(fake.wire(m));
  });

  r.on("GET", "/channels/:channel", (req) => {
    requireBot(fake, req);
    const c = fake.channels.get(req.params.channel);
    if (!c) throw new RestError(404, 10003, "Unknown Channel");
    return ok(channelPayload(c));
  });
  r.on("POST", "/channels/:channel/messages", (req) => {
    requireBot(fake, req);
    // What Discord checks: the bot sees the channel (else 50001 Missing Access) and may send there (50013).
    const channel = fake.channels.get(req.params.channel);
    if (channel) {
      const p = fake.permissionsIn(channel, fake.bot.id);
      if (!(p & PERMISSIONS.VIEW_CHANNEL)) throw new RestError(403, 50001, "Missing Access");
      const send = channel.parent_id ? PERMISSIONS.SEND_MESSAGES_IN_THREADS : PERMISSIONS.SEND_MESSAGES;
      if (!(p & send)) throw new RestError(403, 50013, "Missing Permissions");
    }
    // enforce_nonce: a message sent again with the same nonce (a retried request) returns the first one.
    const nonce = req.json.nonce === undefined ? undefined : String(req.json.nonce);
    if (nonce && req.json.enforce_nonce) {
      const first = fake.channelMessages(req.params.channel).find((m) => m.nonce === nonce && m.author.id === fake.bot.id);
      if (first) return ok(fake.wire(first));
    }
    const ref = req.json.message_reference as { message_id?: string } | undefined;
    const m = fake.createMessage(req.params.channel, fake.bot, req.json, req.files, { type: ref?.message_id ? 19 : 0, flags: Number(req.json.flags ?? 0) });
    if (nonce) m.nonce = nonce;
    return ok(fake.wire(m));
  });
  // A channel's messages, newest first: after= (a snowflake) and limit= (1–100, default 50), as discord.js asks.
  r.on("GET", "/channels/:channel/messages", (req) => {
    requireBot(fake, req);
    const channel = fake.channels.get(req.params.channel);
    if (!channel) throw new RestError(404, 10003, "Unknown Channel");
    if (!(fake.permissionsIn(channel, fake.bot.id) & PERMISSIONS.READ_MESSAGE_HISTORY)) throw new RestError(403, 50001, "Missing Access");
    const after = req.query.get("after") ?? "0";
    if (!/^\d{1,20}$/.test(after)) throw new RestError(400, 50035, "Invalid Form Body: after");
    const limit = Math.min(100, Math.max(1, Number(req.query.get("limit") ?? 50)));
    const list = fake.channelMessages(channel.id).filter((m) => BigInt(m.id) > BigInt(after) && !(m.flags & MESSAGE_FLAG_EPHEMERAL));
    return ok(list.reverse().slice(0, limit).map((m) => fake.wire(m)));
  });
  r.on("GET", "/channels/:channel/messages/:mid", (req) => (requireBot(fake, req), ok(fake.wire(channelMessage(fake, req)))));
  r.on("PATCH", "/channels/:channel/messages/:mid", (req) => {
    requireBot(fake, req);
    const m = channelMessage(fake, req);
    if (m.author.id !== fake.bot.id) throw new RestError(403, 50005, "Cannot edit a message authored by another user");
    fake.editMessage(m, req.json, req.files);
    return ok(fake.wire(m));
  });
  r.on("DELETE", "/channels/:channel/messages/:mid", (req) => {
    requireBot(fake, req);
    fake.deleteMessage(channelMessage(fake, req));
    return { status: 204 };
  });
  r.on("POST", "/channels/:channel/messages/:mid/threads", (req) => {
    requireBot(fake, req);
    const m = channelMessage(fake, req);
    const t = fake.createThread(req.params.channel, String(req.json.name ?? "thread"), m.id);
    return { status: 201, body: channelPayload(t) };
  });
  r.on("POST", "/channels/:channel/threads", (req) => {
    requireBot(fake, req);
    const t = fake.createThread(req.params.channel, String(req.json.name ?? "thread"));
    return { status: 201, body: channelPayload(t) };
  });
  return r;
}

