// HTTP mode: Slack posts signed requests to /slack/events on our own server (here a bare node:http server mounting the
// adapter's handler, as the playground server does). Signed commands, events and clicks are accepted and run end to
// end with the real engine; a bad or stale signature is refused with 401 and queues nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { World, TEST_PACK, showLogsOnFailure } from "./harness.ts";
import { httpBody, sign, type HttpTransport } from "./fake/transport.ts";
import type { FakeMessage } from "./fake/server.ts";

const CHEAP = "--steps 2 --seconds 0.5";
let w: World;
let http: HttpTransport;

beforeAll(async () => {
  if (!TEST_PACK.dir) return;
  w = await World.start({ worker: true, transport: "http" });
  http = w.fake.transport as HttpTransport;
});

afterAll(async () => {
  await w?.close();
});

showLogsOnFailure(() => w);

async function clipIn(threadTs: string, after: number): Promise<FakeMessage> {
  return w.fake.waitFor(() => w.fake.threadOf(w.general, threadTs).filter((m) => m.ts !== threadTs).slice(after)
    .find((m) => m.bot_id && w.fake.buttons(m).length === 7), 120_000, "a clip in the thread");
}

describe.skipIf(!TEST_PACK.dir)("slack over HTTP (signed requests on /slack/events)", () => {
  it("has a handler and no Socket Mode connection", () => {
    expect(w.adapter!.httpHandler).toBeTypeOf("function");
    expect(w.fake.state.callsOf("apps.connections.open")).toHaveLength(0);
    expect(w.fake.socket.connected).toBe(0);
  });

  it("answers Slack's Request URL check (url_verification)", async () => {
    const ack = await w.fake.deliver("events_api", { type: "url_verification", token: "verification-token", challenge: "c-123" });
    expect(ack.status).toBe(200);
    expect(ack.payload).toEqual({ challenge: "c-123" });
  });

  it("a signed /sora, thread reply and click run end to end", async () => {
    const ack = await w.fake.slash(w.alice, w.general, `a green ball rolls ${CHEAP} --seed 3`);
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);
    const parent = await w.fake.waitFor(() => w.fake.state.thread(w.general.id).find((m) => m.bot_id), 10_000, "the progress message");
    const first = await clipIn(parent.ts, 0);
    const clip = await w.clipOf(first);
    expect(clip).toMatchObject({ kind: "generate", seed: 3, origin: { platform: "slack", userId: w.alice.id } });

    let before = w.fake.threadOf(w.general, parent.ts).length - 1;
    await w.fake.say(w.alice, w.general, `and then it stops ${CHEAP}`, { thread_ts: parent.ts });
    const ext = await w.clipOf(await clipIn(parent.ts, before));
    expect(ext).toMatchObject({ kind: "extend", parentId: clip.id });

    before = w.fake.threadOf(w.general, parent.ts).length - 1;
    await w.fake.click(w.alice, first, `sora:reroll:${clip.id}`);
    const reroll = await w.clipOf(await clipIn(parent.ts, before));
    expect(reroll).toMatchObject({ kind: "reroll", parentId: clip.id });
    await w.fake.waitFor(() => parent.text.startsWith("Done"), 30_000, "the final progress edit");
  });

  it("a bad signature is refused with 401 and nothing is queued", async () => {
    const jobs = await w.jobCount();
    const messages = w.fake.state.messages.length;
    http.tamper = { signature: "v0=" + "0".repeat(64) };
    try {
      const ack = await w.fake.slash(w.alice, w.general, `forged ${CHEAP}`);
      expect(ack.status).toBe(401);
    } finally {
      http.tamper = undefined;
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await w.jobCount()).toBe(jobs);
    expect(w.fake.state.messages.length).toBe(messages);
  });

  it("a correctly signed but stale request (a replay) is refused with 401", async () => {
    const jobs = await w.jobCount();
    http.tamper = { ageSeconds: 6 * 60 };
    try {
      const ack = await w.fake.slash(w.alice, w.general, `replayed ${CHEAP}`);
      expect(ack.status).toBe(401);
    } finally {
      http.tamper = undefined;
    }
    expect(await w.jobCount()).toBe(jobs);
  });

  it("a body changed after signing is refused", async () => {
    const ts = Math.floor(Date.now() / 1000);
    const signed = httpBody("slash_commands", { command: "/sora", text: "harmless", user_id: w.alice.id, channel_id: w.general.id, team_id: w.fake.teamId, trigger_id: "x.1" });
    const swapped = signed.body.replace("harmless", "something+else");
    const res = await fetch(w.eventsUrl, {
      method: "POST", body: swapped,
      headers: { "content-type": signed.contentType, "x-slack-request-timestamp": String(ts), "x-slack-signature": sign(w.fake.signingSecret, ts, signed.body) },
    });
    expect(res.status).toBe(401);
  });

  it("bad input over HTTP: an ephemeral error in the asker's language, nothing queued", async () => {
    const jobs = await w.jobCount();
    const seen = w.fake.ephemeralsFor(w.bruno).length;
    await w.fake.slash(w.bruno, w.general, "un perro --seconds 99");
    const e = await w.fake.waitFor(() => w.fake.ephemeralsFor(w.bruno)[seen], 10_000, "an ephemeral answer");
    expect(e.text).toBe(t("es", "errors.badNumber", { flag: "--seconds", min: 0.5, max: 60, value: "99" }));
    expect(await w.jobCount()).toBe(jobs);
  });
});
