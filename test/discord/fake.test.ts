// The fake Discord itself, driven by a bare discord.js client: if these pass, the adapter tests exercise the real
// library against something that answers like Discord (gateway handshake, interaction callbacks, webhook edits,
// multipart uploads, threads, rate limits, the 3-second window and expired tokens).
import { AttachmentBuilder, Client, GatewayIntentBits, MessageFlags, type Interaction, type Message } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord, PERMISSIONS, rateLimited } from "./fake/server.ts";

let fake: FakeDiscord;
let client: Client;
const seen: Interaction[] = [];
const messages: Message[] = [];

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const alice = fake.addUser("alice");
  fake.addGuild("Test Guild", alice);
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    rest: { api: fake.apiBase },
  });
  client.on("interactionCreate", (i) => void seen.push(i));
  client.on("messageCreate", (m) => void messages.push(m));
  const ready = new Promise((r) => client.once("clientReady", r));
  await client.login(fake.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

function setup() {
  const guild = [...fake.guilds.values()][0];
  const general = [...fake.channels.values()].find((c) => c.name === "general")!;
  const alice = [...fake.users.values()].find((u) => u.username === "alice")!;
  return { guild, general, alice };
}

describe("fake discord with a real discord.js client", () => {
  it("connects: gateway discovery, IDENTIFY with the intents, READY and GUILD_CREATE", () => {
    const { guild, general } = setup();
    expect(fake.gateway.identifies[0].intents & (1 << 15)).not.toBe(0);
    expect(client.guilds.cache.get(guild.id)?.name).toBe("Test Guild");
    expect(client.channels.cache.get(general.id)?.isTextBased()).toBe(true);
    expect(fake.requests.some((r) => r.path === "/gateway/bot" && r.status === 200)).toBe(true);
  });

  it("defers, edits @original, posts a file, starts a thread and posts in it", async () => {
    const { general, alice } = setup();
    const i = fake.slash(alice, general.id, "sora", { prompt: "a red ball", seed: 7 });
    const got = await fake.waitFor(() => seen.find((x) => x.id === i.id));
    expect(got.isChatInputCommand()).toBe(true);
    if (!got.isChatInputCommand()) return;
    expect(got.options.get("prompt")?.value).toBe("a red ball");
    expect(got.attachmentSizeLimit).toBe(10 * 1024 * 1024);
    await got.deferReply();
    expect(fake.original(i)?.flags).toBe(1 << 7);
    const edited = await got.editReply("Waiting in line: position 1");
    expect(fake.original(i)?.content).toBe("Waiting in line: position 1");
    const thread = await (await client.channels.fetch(general.id) as import("discord.js").TextChannel).threads.create({ startMessage: edited.id, name: "a red ball" });
    expect(thread.id).toBe(edited.id);
    const posted = await thread.send({ content: "clip", files: [new AttachmentBuilder(Buffer.from("mp4 bytes"), { name: "clip.mp4" })] });
    const stored = fake.messages.get(posted.id)!;
    expect(stored.attachments[0]).toMatchObject({ filename: "clip.mp4", size: 9 });
    const res = await fetch(stored.attachments[0].url);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe("mp4 bytes");
    // The bot sees its own messages over the gateway, in the cached thread.
    await fake.waitFor(() => messages.find((m) => m.id === posted.id));
  });

  it("refuses a second acknowledgement and a late first one; an expired token is 401 Invalid Webhook Token", async () => {
    const { general, alice } = setup();
    const i = fake.slash(alice, general.id, "info");
    const got = await fake.waitFor(() => seen.find((x) => x.id === i.id));
    if (!got.isRepliable()) throw new Error("not repliable");
    await got.reply({ content: "hello", flags: MessageFlags.Ephemeral });
    expect(fake.original(i)?.flags).toBe(1 << 6);
    fake.expireToken(i);
    await expect(got.editReply("late")).rejects.toMatchObject({ code: 50027, status: 401 });

    fake.responseWindowMs = 0;
    const late = fake.slash(alice, general.id, "info");
    const lateGot = await fake.waitFor(() => seen.find((x) => x.id === late.id));
    if (!lateGot.isRepliable()) throw new Error("not repliable");
    await new Promise((r) => setTimeout(r, 5));
    await expect(lateGot.reply("too late")).rejects.toMatchObject({ code: 10062 });
    fake.responseWindowMs = 3000;
  });

  it("hands a 429 with retry_after and a 500 to discord.js, which waits, retries and posts once", async () => {
    const { general } = setup();
    fake.failNext(rateLimited(/^\/channels\/\d+\/messages$/, 2, 0.2, "POST"));
    fake.failNext({ path: /^\/channels\/\d+\/messages$/, method: "POST", status: 500, times: 1 });
    const channel = await client.channels.fetch(general.id) as import("discord.js").TextChannel;
    const before = fake.channelMessages(general.id).length;
    const m = await channel.send("after the storm");
    expect(fake.messages.get(m.id)?.content).toBe("after the storm");
    expect(fake.channelMessages(general.id).length).toBe(before + 1);
    const statuses = fake.requests.filter((r) => r.method === "POST" && /^\/channels\/\d+\/messages$/.test(r.path)).map((r) => r.status).slice(-4);
    expect(statuses).toEqual([429, 429, 500, 200]);
  });

  it("delivers a subcommand as Discord does: its options nested under it, a channel option with its resolved channel", async () => {
    const { guild, general, alice } = setup();
    const contest = fake.addChannel(guild, "contest");
    const i = fake.subcommand(alice, general.id, "challenge", "start", { theme: "cats", "entries-per-user": 2, channel: contest });
    expect((i.payload.data as { options: unknown[] }).options).toEqual([{
      name: "start", type: 1,
      options: [{ name: "theme", type: 3, value: "cats" }, { name: "entries-per-user", type: 4, value: 2 }, { name: "channel", type: 7, value: contest.id }],
    }]);
    const got = await fake.waitFor(() => seen.find((x) => x.id === i.id));
    if (!got.isChatInputCommand()) throw new Error("not a slash command");
    expect(got.options.getSubcommand()).toBe("start");
    expect(got.options.getString("theme")).toBe("cats");
    expect(got.options.getInteger("entries-per-user")).toBe(2);
    expect(got.options.getChannel("channel")?.id).toBe(contest.id);
    await got.reply({ content: "ok", flags: MessageFlags.Ephemeral });
  });

  it("enforces channel overwrites on the bot's posts (50013), and lists a channel's messages newest first", async () => {
    const { guild } = setup();
    const closed = fake.addChannel(guild, "closed", { overwrites: [{ id: fake.bot.id, type: 1, allow: "0", deny: String(PERMISSIONS.SEND_MESSAGES) }] });
    const open = fake.addChannel(guild, "open");
    await fake.waitFor(() => client.channels.cache.has(open.id));
    const shut = client.channels.cache.get(closed.id) as import("discord.js").TextChannel;
    expect(shut.permissionsFor(client.user!)?.has("SendMessages"), "discord.js reads the overwrite").toBe(false);
    await expect(shut.send("no")).rejects.toMatchObject({ code: 50013, status: 403 });
    const channel = client.channels.cache.get(open.id) as import("discord.js").TextChannel;
    const first = await channel.send("one");
    await channel.send("two");
    const list = await channel.messages.fetch({ after: first.id, limit: 10, cache: false });
    expect([...list.values()].map((m) => m.content)).toEqual(["two"]);
  });
});
