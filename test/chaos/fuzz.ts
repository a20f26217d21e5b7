// The fuzz rows of the chaos bench: hostile text and values through every door a person has — the playground's HTTP
// API (commands with inline flags, replies, buttons, the remix form, uploads, sessions, streams, files) and Slack over
// signed HTTP (slash commands and button payloads) — against the real queue, store and adapters. Counted: crashes
// (an exception nobody caught, or an internal-error apology), 5xx answers, and answers that are not in the asker's
// language (a raw key, an unfilled template, a stack trace).
import { randomUUID } from "node:crypto";
import { t } from "../../commands/i18n.ts";
import { encodePng } from "../../engine/synth/png.ts";
import { api, newSession, startTestPlayground } from "../playground/helpers.ts";
import { World as SlackWorld } from "../slack/harness.ts";
import { hostileText, hostileValue, Rng } from "./corpus.ts";
import { looksRaw } from "./localized.ts";

export interface FuzzTally {
  inputs: number;
  crashes: number;
  serverErrors: number;
  unlocalized: number;
  examples: string[];
}

const LOCALES = ["en", "de", "es", "fr", "ja", "pt-BR", "xx-YY", ""];

function tally(): FuzzTally {
  return { inputs: 0, crashes: 0, serverErrors: 0, unlocalized: 0, examples: [] };
}

function note(t: FuzzTally, what: "crashes" | "serverErrors" | "unlocalized", example: string): void {
  t[what]++;
  if (t.examples.length < 8) t.examples.push(`${what}: ${example.slice(0, 200)}`);
}

/** Uncaught exceptions and unhandled rejections while `body` runs: each one is a crash. */
async function watchingCrashes<T>(t: FuzzTally, body: () => Promise<T>): Promise<T> {
  const onError = (err: unknown) => note(t, "crashes", `uncaught: ${(err as Error)?.stack ?? err}`);
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  try {
    return await body();
  } finally {
    process.off("uncaughtException", onError);
    process.off("unhandledRejection", onError);
  }
}

export async function fuzzPlayground(seed: number, counts = { messages: 300, replies: 150, buttons: 150, remix: 50, uploads: 100, other: 100 }): Promise<FuzzTally> {
  const r = new Rng(seed);
  const out = tally();
  const tp = await startTestPlayground({ maxImageBytes: 256 * 1024, rateLimits: { user: { max: 100_000, windowSeconds: 60 }, server: { max: 100_000, windowSeconds: 60 } } });
  try {
    await watchingCrashes(out, async () => {
      const sessions = [await newSession(tp.base), await newSession(tp.base)];
      const check = (what: string, res: { status: number; replies?: { key: string; text: string }[] }, input = "") => {
        out.inputs++;
        if (res.status >= 500) note(out, "serverErrors", `${what} → ${res.status}`);
        for (const reply of res.replies ?? []) {
          // A request the page itself got wrong (no valid session, unreadable body) is answered by key alone.
          if (reply.key === "playground.badRequest" && reply.text === undefined) continue;
          if (reply.key === "errors.internal") note(out, "crashes", `${what} → errors.internal`);
          else if (typeof reply.text !== "string" || looksRaw(reply.text, input)) note(out, "unlocalized", `${what} → ${JSON.stringify(reply)}`);
        }
      };
      const body = (extra: Record<string, unknown>) => ({
        session: r.int(10) === 0 ? hostileValue(r) : r.pick(sessions), locale: r.pick(LOCALES), eventId: r.int(5) === 0 ? hostileValue(r) : randomUUID(), ...extra,
      });
      const commands = ["/sora", "/extend", "/remix", "/reroll", "/loop", "/stitch", "/cancel", "/delete", "/queue", "/info", "/defaults", "/sora prompt:", "", "/remezclar"];
      // Clip ids that exist, so replies and buttons reach deeper than "unknown clip".
      const seeded = await api(tp.base, "/api/message", { session: sessions[0], locale: "en", text: "/sora a red ball" });
      const jobId = seeded.jobs[0] ?? "playground-x";
      for (let i = 0; i < counts.messages; i++) {
        const text = `${r.pick(commands)} ${hostileText(r)}${r.int(2) ? ` --${r.pick(["ar", "seed", "steps", "gs", "neg", "seconds", "motion", "raw", "strength", "bogus"])} ${hostileText(r)}` : ""}`;
        check(`message ${JSON.stringify(text)}`, await api(tp.base, "/api/message", body({ text: r.int(15) === 0 ? hostileValue(r) : text, attachments: r.int(8) === 0 ? [{ url: hostileText(r) }] : [] })), text);
      }
      for (let i = 0; i < counts.replies; i++) {
        const text = `${r.pick(["", "remix: ", "remezcla: "])}${hostileText(r)}`;
        check("reply", await api(tp.base, "/api/reply", body({ replyTo: r.int(3) ? seeded.messages[0]?.id ?? "m" : hostileValue(r), text })), text);
      }
      const actions = ["extend", "extendBackward", "remix", "reroll", "loop", "stitch", "delete", "cancel", "retry", "bogus"];
      for (let i = 0; i < counts.buttons; i++) {
        const id = r.int(4) ? `sora:${r.pick(actions)}:${r.int(2) ? jobId : hostileText(r)}` : hostileText(r);
        check(`button ${id}`, await api(tp.base, "/api/button", body({ id, messageId: hostileValue(r) })), id);
      }
      for (let i = 0; i < counts.remix; i++) {
        const modalId = `sora:remix:${hostileText(r)}`;
        const prompt = hostileValue(r);
        check("remix form", await api(tp.base, "/api/remix", body({ modalId, prompt, strength: hostileValue(r), messageId: hostileValue(r) })), `${modalId} ${JSON.stringify(prompt)}`);
      }
      const png = encodePng(new Uint8Array(32 * 32 * 3).fill(90), 32, 32);
      for (let i = 0; i < counts.uploads; i++) {
        const kinds = [png, Buffer.from(hostileText(r)), Buffer.concat([png.subarray(0, 16), Buffer.alloc(r.int(300_000))]), Buffer.alloc(0), png.subarray(0, r.int(png.length))];
        const q = new URLSearchParams({ session: String(r.int(10) ? r.pick(sessions) : hostileText(r)), locale: r.pick(LOCALES), name: hostileText(r) });
        const res = await fetch(`${tp.base}/api/upload?${q}`, { method: "POST", body: new Uint8Array(r.pick(kinds)) });
        const answer = (await res.json().catch(() => ({}))) as { error?: { key: string; text: string } };
        check("upload", { status: res.status, replies: answer.error ? [answer.error] : [] });
      }
      for (let i = 0; i < counts.other; i++) {
        const target = await r.pick([
          () => fetch(`${tp.base}/api/session`, { method: "POST", body: hostileText(r) }),
          () => fetch(`${tp.base}/api/message`, { method: "POST", body: hostileText(r), headers: { "content-type": "application/json" } }),
          () => fetch(`${tp.base}/uploads/${encodeURIComponent(hostileText(r))}?session=${encodeURIComponent(hostileText(r))}`),
          () => fetch(`${tp.base}/blobs/${encodeURIComponent(hostileText(r))}`),
          () => fetch(`${tp.base}/blobs/${hostileText(r).replace(/[^\x21-\x7e]/g, "%")}`),
          () => fetch(`${tp.base}/api/events?session=${encodeURIComponent(hostileText(r))}`, { signal: AbortSignal.timeout(500) }),
          () => fetch(`${tp.base}/${encodeURIComponent(hostileText(r))}`, { method: r.pick(["GET", "POST", "PUT", "DELETE", "HEAD"]) }),
          () => fetch(`${tp.base}/api/strings?locale=${encodeURIComponent(hostileText(r))}`),
        ])().catch(() => ({ status: 0 }));
        check("http", { status: target.status });
      }
    });
  } finally {
    for (const line of tp.logs) if (/failed|Error/.test(line) && out.examples.length < 8) out.examples.push(`log: ${line.slice(0, 200)}`);
    await tp.close();
  }
  return out;
}

export async function fuzzSlack(seed: number, counts = { slash: 120, actions: 80 }): Promise<FuzzTally> {
  const r = new Rng(seed);
  const out = tally();
  const w = await SlackWorld.start({ transport: "http" });
  /** What was typed: an answer may quote it (its braces and all) without being unlocalized. */
  const sent: string[] = [];
  try {
    await watchingCrashes(out, async () => {
      const people = [w.alice, w.bruno, w.mallory];
      for (let i = 0; i < counts.slash; i++) {
        const text = `${r.pick(["", "queue ", "info ", "cancel ", "remix: "])}${hostileText(r)}`;
        sent.push(text);
        const ack = await w.fake.slash(r.pick(people), w.general, text).catch((e: unknown) => ({ status: 0, error: e }));
        out.inputs++;
        if (((ack as { status?: number }).status ?? 200) >= 500) note(out, "serverErrors", `slash → ${(ack as { status?: number }).status}`);
      }
      const actions = ["extend", "extendBackward", "remix", "reroll", "loop", "stitch", "delete", "cancel", "retry", "nope"];
      for (let i = 0; i < counts.actions; i++) {
        const user = r.pick(people);
        const value = r.int(4) ? `sora:${r.pick(actions)}:${hostileText(r)}` : hostileText(r);
        sent.push(value);
        const ack = await w.fake.deliver("interactive", {
          type: "block_actions", user: { id: user.id, username: user.name, name: user.name, team_id: w.fake.teamId }, api_app_id: w.fake.appId,
          token: "verification-token", trigger_id: `${Date.now()}.${i}`, team: { id: w.fake.teamId, domain: "clipclub" },
          channel: { id: w.general.id, name: w.general.name }, container: { type: "message", message_ts: "1.000001", channel_id: w.general.id },
          state: { values: {} }, response_url: `http://127.0.0.1:1/respond/${i}`,
          actions: [{ type: "button", action_id: r.int(3) ? value.slice(0, 255) : hostileText(r), value: value.slice(0, 2000), action_ts: `${Date.now() / 1000}` }],
        }).catch((e: unknown) => ({ status: 0, error: e }));
        out.inputs++;
        if (((ack as { status?: number }).status ?? 200) >= 500) note(out, "serverErrors", `action → ${(ack as { status?: number }).status}`);
      }
      // Give the handlers (they run after the ack) time to answer.
      await new Promise((res) => setTimeout(res, 2000));
    });
    for (const p of people(w)) {
      for (const e of w.fake.ephemeralsFor(p)) if (looksRaw(e.text, sent.join("\n"))) note(out, "unlocalized", `ephemeral: ${e.text}`);
      for (const e of w.fake.ephemeralsFor(p)) if (e.text === t("en", "errors.internal") || e.text === t("es", "errors.internal")) note(out, "crashes", "errors.internal");
    }
    for (const line of w.logs) if (/ failed: /.test(line)) note(out, "crashes", `log: ${line}`);
  } finally {
    await w.close();
  }
  return out;
}

function people(w: SlackWorld) {
  return [w.alice, w.bruno, w.mallory];
}
