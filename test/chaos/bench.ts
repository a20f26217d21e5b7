// `npm run bench:chaos`: the faults a public bot meets, run against the real parts (queue, worker processes, model,
// ffmpeg, discord.js and Bolt on fake platforms, the playground over HTTP), and one table of what happened, each row
// with its target. Needs Redis on 127.0.0.1:6379 and redis-server on PATH (it starts private ones for the Redis rows).
//
//   npm run bench:chaos                 # everything (about four minutes on two cores)
//   npm run bench:chaos -- --only fuzz  # one row group: fuzz, kill, restart, flush, outage, uploads
import { parseArgs } from "node:util";
import { discordOutage, redisFlush, redisRestart, uploadsMemory, workerKill } from "./faults.ts";
import { fuzzPlayground, fuzzSlack } from "./fuzz.ts";

const { values } = parseArgs({ options: { only: { type: "string" }, seed: { type: "string", default: "1" } } });
const seed = Number(values.seed);
const want = (name: string) => !values.only || values.only.split(",").includes(name);

interface Row {
  fault: string;
  measured: string;
  target: string;
  ok: boolean;
}
const rows: Row[] = [];
const notes: string[] = [];
const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);

async function row(name: string, run: () => Promise<Row[]>): Promise<void> {
  log(`${name}…`);
  const t0 = Date.now();
  try {
    rows.push(...(await run()));
  } catch (err) {
    log(`${name}: ${(err as Error)?.stack ?? err}`);
    rows.push({ fault: name, measured: `did not finish: ${(err as Error)?.message ?? err}`, target: "finishes", ok: false });
  }
  log(`${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

if (want("fuzz")) {
  await row("fuzzed inputs", async () => {
    const pg = await fuzzPlayground(seed);
    const slack = await fuzzSlack(seed + 1);
    const total = { inputs: pg.inputs + slack.inputs, crashes: pg.crashes + slack.crashes, serverErrors: pg.serverErrors + slack.serverErrors, unlocalized: pg.unlocalized + slack.unlocalized };
    notes.push(...pg.examples.map((e) => `playground ${e}`), ...slack.examples.map((e) => `slack ${e}`));
    return [{
      fault: `fuzzed inputs: ${pg.inputs} playground HTTP (commands, flags, replies, buttons, remix form, uploads, files), ${slack.inputs} Slack signed HTTP`,
      measured: `${total.inputs} inputs: ${total.crashes} crashes, ${total.serverErrors} 5xx, ${total.unlocalized} unlocalized`,
      target: "≥ 1000 inputs; 0 / 0 / 0",
      ok: total.inputs >= 1000 && total.crashes + total.serverErrors + total.unlocalized === 0,
    }];
  });
}
if (want("kill")) {
  await row("worker kill -9", async () => {
    const r = await workerKill();
    return [{ fault: `engine worker kill -9 mid-job (${r.jobs} Discord /sora)`, measured: `${r.delivered}/${r.jobs} delivered, ${r.duplicated} duplicated`, target: "all delivered, 0 duplicated", ok: r.delivered === r.jobs && r.duplicated === 0 }];
  });
}
if (want("restart")) {
  await row("redis restart", async () => {
    const r = await redisRestart();
    return [{ fault: `Redis kill -9 and restart with its append-only file (${r.jobs} jobs)`, measured: `${r.lost} lost, ${r.duplicated} duplicated`, target: "0 lost, 0 duplicated", ok: r.lost === 0 && r.duplicated === 0 }];
  });
}
if (want("flush")) {
  await row("redis flush", async () => {
    const r = await redisFlush();
    return [{ fault: `Redis FLUSHALL under ${r.jobs} waiting jobs`, measured: `${r.reported}/${r.jobs} reported to their users (${r.withRetry} with Retry), slowest after ${r.slowestSeconds.toFixed(1)} s`, target: "all reported within 60 s", ok: r.reported === r.jobs && r.slowestSeconds <= 60 }];
  });
}
if (want("outage")) {
  await row("discord outage", async () => {
    const r = await discordOutage();
    return [{
      fault: `fake Discord answering 500 then 429 for ${r.outageSeconds} s while ${r.jobs} clips finish`,
      measured: `${r.refused} requests refused, ${r.clipsDuringOutage < 0 ? "some" : r.clipsDuringOutage} clips done inside it; ${r.jobs - r.delivered} posts lost, ${r.duplicated} duplicated`,
      target: "0 lost, 0 duplicated", ok: r.delivered === r.jobs && r.duplicated === 0 && r.refused > 0,
    }];
  });
}
if (want("uploads")) {
  await row("uploads", async () => {
    const r = await uploadsMemory();
    const grew = r.peakMiB - r.baselineMiB;
    return [{ fault: "200 uploads of 8 MiB to the playground, 20 at a time", measured: `${r.accepted} accepted; RSS ${r.baselineMiB.toFixed(0)} → peak ${r.peakMiB.toFixed(0)} MiB (×${(r.peakMiB / r.baselineMiB).toFixed(2)}, +${grew.toFixed(0)} MiB)`, target: "peak ≤ baseline + 64 MiB", ok: grew <= 64 }];
  });
}

const header = ["fault", "measured", "target", "met"];
const table = [header, ...rows.map((r) => [r.fault, r.measured, r.target, r.ok ? "yes" : "**no**"])];
console.log(table.map((cols, i) => `| ${cols.join(" | ")} |${i === 0 ? `\n|${header.map(() => "---").join("|")}|` : ""}`).join("\n"));
if (notes.length) console.log(`\nexamples:\n${notes.map((n) => `- ${n}`).join("\n")}`);
process.exit(rows.every((r) => r.ok) ? 0 : 1);
