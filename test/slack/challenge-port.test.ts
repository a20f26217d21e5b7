// The Slack challenge port against the fake Slack's Web API, with Bolt's own WebClient: a post an attempt made before
// its process stopped is found in the channel's history, also in a public channel the bot posts to without being in
// it (chat:write.public), which it joins to look; a private channel it is not in takes no posts at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { SlackChallengePort } from "../../bot/slack/challenge-port.ts";
import { CannotPost } from "../../bot/core/challenges/port.ts";
import { FakeSlack } from "./fake/server.ts";

let fake: FakeSlack;
let port: SlackChallengePort;
const logs: string[] = [];
beforeAll(async () => {
  fake = await FakeSlack.start();
  const client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  port = new SlackChallengePort(client, (l) => logs.push(l), fake.botId);
});
afterAll(() => fake.close());

const place = (channelId: string) => ({ platform: "slack" as const, serverId: fake.teamId, channelId });
const theme = (s: string) => ({ text: `*Challenge:* ${s}`, buttons: [] });

describe("finding an earlier attempt's post", () => {
  it("in a public channel the bot is not in: it joins to look, and finds the post, not another one", async () => {
    const open = fake.addChannel("open-contest");
    const since = Date.now() - 1000;
    const m = theme("a cat on / the moon <@U1> https://x.test");
    const ts = await port.post(place(open.id), m);
    expect(open.botMember, "posted without joining").toBeFalsy();
    expect(await port.find(place(open.id), m, since)).toBe(ts);
    expect(open.botMember, "joined to read the history").toBe(true);
    expect(await port.find(place(open.id), theme("another theme"), since), "another post is not it").toBeUndefined();
  });

  it("in a channel the bot is in: found without joining anything", async () => {
    const member = fake.addChannel("member-contest", { botMember: true });
    const since = Date.now() - 1000;
    const m = theme(" ");
    const ts = await port.post(place(member.id), m);
    expect(await port.find(place(member.id), m, since)).toBe(ts);
  });

  it("a private channel the bot is not in refuses the post itself", async () => {
    const hidden = fake.addChannel("hidden", { private: true });
    await expect(port.post(place(hidden.id), theme("x"))).rejects.toBeInstanceOf(CannotPost);
  });
});
