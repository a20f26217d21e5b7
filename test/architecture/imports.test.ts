// One direction: adapters (bot/discord, bot/slack, bot/playground) → kernel (bot/core, and the HTTP server bot/http)
// → commands/ → engine/, with bot/start, the start-up code, above them all, and bot/web (the web chat the playground
// adapter serves in-process: its platform) between the adapters and the kernel. An import that goes up, or sideways
// between two folders of one layer (one adapter into another, the kernel into the HTTP server), fails here; so does
// code above the engine reaching past its public parts, and any platform's name inside engine/. Plain TypeScript
// reading the import statements: no dependency needed.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Folders by layer, highest first. A folder may import its own files and any lower layer's. */
const LAYERS: readonly (readonly string[])[] = [
  ["bot/start"],
  ["bot/discord", "bot/slack", "bot/playground"],
  ["bot/web"],
  ["bot/core", "bot/http"],
  ["commands"],
  ["engine"],
];

/** What code above the engine may import of it: the job system, the clip store, settings, video tools, plain types. */
const ENGINE_PUBLIC = ["engine/queue/", "engine/store/", "engine/config/", "engine/video/", "engine/types.ts", "engine/text.ts"];
/** The start-up code runs an engine worker in its own process (`npm start`). */
const START_MAY_ALSO = ["engine/worker/index.ts"];

const PLATFORM_NAMES = /discord|slack|playground/i;

function files(dir: string, exts: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "__pycache__" ? [] : files(path, exts);
    return exts.test(e.name) ? [path] : [];
  });
}

function folderOf(file: string): string | undefined {
  return LAYERS.flat().find((f) => file === f || file.startsWith(`${f}/`));
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((l) => l.includes(folder));
}

/** Relative module specifiers of every import, export-from and dynamic import, comments left out. */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specs: string[] = [];
  for (const m of code.matchAll(/(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*\s{},$]*?\s+from\s+)?["']([^"']+)["']/g)) specs.push(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) specs.push(m[1]!);
  return specs;
}

interface Edge {
  from: string;
  to: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const top of ["bot", "commands", "engine"]) {
    for (const file of files(top, /\.(ts|mts|mjs)$/)) {
      for (const spec of importsOf(readFileSync(join(ROOT, file), "utf8"))) {
        if (!spec.startsWith(".")) continue;
        out.push({ from: file, to: relative(ROOT, normalize(join(ROOT, dirname(file), spec))) });
      }
    }
  }
  return out;
}

/** Why an import breaks the direction, or undefined when it keeps it. */
export function violation(from: string, to: string): string | undefined {
  const a = folderOf(from);
  const b = folderOf(to);
  if (!a) return undefined;
  if (!b) return `${from} → ${to}: outside the layers`;
  if (a !== b) {
    const [la, lb] = [layerOf(a), layerOf(b)];
    if (lb < la) return `${from} → ${to}: upward (${a} is below ${b})`;
    if (lb === la) return `${from} → ${to}: sideways (${a} and ${b} are one layer)`;
  }
  if (b === "engine" && a !== "engine") {
    const allowed = [...ENGINE_PUBLIC, ...(a === "bot/start" ? START_MAY_ALSO : [])];
    if (!allowed.some((p) => to === p || to.startsWith(p))) return `${from} → ${to}: past the engine's public parts`;
  }
  return undefined;
}

describe("import direction", () => {
  const all = edges();

  it("reads the imports there are (the scan is not silently empty)", () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.some((e) => e.from.startsWith("bot/discord/") && e.to.startsWith("bot/core/"))).toBe(true);
    expect(importsOf('import {\n  a,\n  type B,\n} from "./x.ts";\nexport { c } from "../y.ts";\nawait import("./z.ts");\n// import "./no.ts"'))
      .toEqual(["./x.ts", "../y.ts", "./z.ts"]);
  });

  it("goes adapters → kernel → commands → engine, never up or sideways", () => {
    expect(all.map((e) => violation(e.from, e.to)).filter((v) => v !== undefined)).toEqual([]);
  });

  it("catches what it is meant to catch", () => {
    expect(violation("commands/submit.ts", "bot/core/delivery.ts")).toMatch(/upward/);
    expect(violation("engine/queue/producer.ts", "commands/context.ts")).toMatch(/upward/);
    expect(violation("bot/core/delivery.ts", "bot/discord/port.ts")).toMatch(/upward/);
    expect(violation("bot/slack/port.ts", "bot/discord/limits.ts")).toMatch(/sideways/);
    expect(violation("bot/core/context.ts", "bot/http/server.ts")).toMatch(/sideways/);
    expect(violation("bot/core/follow-job.ts", "engine/worker/processor.ts")).toMatch(/public parts/);
    expect(violation("bot/start/app.ts", "engine/worker/index.ts")).toBeUndefined();
    expect(violation("bot/discord/index.ts", "bot/core/delivery.ts")).toBeUndefined();
  });
});

describe("the engine", () => {
  it("names no chat platform, in code or in its docs", () => {
    const named = files("engine", /\.(ts|mts|mjs|md|py|sh|json)$/)
      .filter((f) => !f.startsWith("engine/models/"))
      .flatMap((f) => readFileSync(join(ROOT, f), "utf8").split("\n").map((line, i) => [f, i + 1, line] as const))
      .filter(([, , line]) => PLATFORM_NAMES.test(line))
      .map(([f, n, line]) => `${f}:${n}: ${line.trim()}`);
    expect(named).toEqual([]);
  });
});
