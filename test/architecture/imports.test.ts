// One direction: adapters (bot/discord, bot/slack, bot/playground) → kernel (bot/core, and the HTTP server bot/http)
// → commands/ → engine/, with bot/start, the start-up code, above them all, and bot/web (the web chat the playground
// adapter serves in-process: its platform) between the adapters and the kernel. An import that goes up, or sideways
// between two folders of one layer (one adapter into another, the kernel into the HTTP server), fails here; so does
// code above the engine reaching past its public parts, a chat platform's SDK outside its adapter, and any platform's
// name inside engine/. The imports are read by TypeScript's own parser (the typescript devDependency), so no form
// escapes: static and dynamic imports, export-from, require, `import("…")` types, a code file named by
// `new URL("…", import.meta.url)`, whatever comments sit inside the braces.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
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

/** Each chat platform's SDK, and the one folder that may use it. */
const PLATFORM_SDKS: readonly { sdk: RegExp; only: string }[] = [
  { sdk: /^(discord\.js|@discordjs\/|discord-api-types)/, only: "bot/discord" },
  { sdk: /^@slack\//, only: "bot/slack" },
];

/** Source files whose imports are read (browser code under bot/web included). */
const CODE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;

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

const isImportMeta = (n: ts.Node) => ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.ImportKeyword && n.name.text === "meta";
const isRequire = (n: ts.Node) => ts.isIdentifier(n) && n.text === "require";

/**
 * Module specifiers of every import, export-from, dynamic import, `import("…")` type, require and require.resolve or
 * import.meta.resolve, in source order; plus code files named by `new URL("…", import.meta.url)` (worker entry
 * points). Data a file reads that way (a model pack, locales, page assets) is not an import.
 */
export function importsOf(source: string, fileName = "file.ts"): string[] {
  const kind = /\.[mc]?js$/.test(fileName) ? ts.ScriptKind.JS : fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const specs: string[] = [];
  const add = (n: ts.Node | undefined) => {
    if (n && ts.isStringLiteralLike(n)) specs.push(n.text);
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) add(n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) add(n.moduleReference.expression);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal);
    else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const resolves = ts.isPropertyAccessExpression(callee) && callee.name.text === "resolve" && (isRequire(callee.expression) || isImportMeta(callee.expression));
      if (callee.kind === ts.SyntaxKind.ImportKeyword || isRequire(callee) || resolves) add(n.arguments[0]);
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "URL" && n.arguments?.length === 2) {
      const [what, base] = n.arguments;
      const fromHere = ts.isPropertyAccessExpression(base!) && base.name.text === "url" && isImportMeta(base.expression);
      if (fromHere && ts.isStringLiteralLike(what!) && CODE.test(what.text)) add(what);
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return specs;
}

/** A specifier as a repository path, when it names a file of this repository; undefined for a package. */
function target(from: string, spec: string): string | undefined {
  if (spec.startsWith(".")) return relative(ROOT, normalize(join(ROOT, dirname(from), spec)));
  if (spec.startsWith("file:")) return relative(ROOT, fileURLToPath(spec));
  if (isAbsolute(spec)) return relative(ROOT, spec);
  return undefined;
}

interface Edge {
  from: string;
  /** A repository path, or a package's name as imported. */
  to: string;
  pkg: boolean;
}

const TOPS = ["bot", "commands", "engine"];

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const top of TOPS) {
    for (const file of files(top, CODE)) {
      for (const spec of importsOf(readFileSync(join(ROOT, file), "utf8"), file)) {
        const to = target(file, spec);
        out.push(to === undefined ? { from: file, to: spec, pkg: true } : { from: file, to, pkg: false });
      }
    }
  }
  return out;
}

/** Why a package import breaks the rules (a platform's SDK outside its adapter), or undefined. */
export function packageViolation(from: string, pkg: string): string | undefined {
  const rule = PLATFORM_SDKS.find((r) => r.sdk.test(pkg));
  if (rule && folderOf(from) !== rule.only) return `${from} → ${pkg}: a platform's SDK outside ${rule.only}`;
  return undefined;
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
    expect(all.filter((e) => !e.pkg).length).toBeGreaterThan(300);
    expect(all.some((e) => e.from.startsWith("bot/discord/") && e.to.startsWith("bot/core/"))).toBe(true);
    expect(all.some((e) => e.from.startsWith("bot/slack/") && e.pkg && e.to.startsWith("@slack/"))).toBe(true);
    expect(importsOf('import {\n  a,\n  type B,\n} from "./x.ts";\nexport { c } from "../y.ts";\nawait import("./z.ts");\n// import "./no.ts"'))
      .toEqual(["./x.ts", "../y.ts", "./z.ts"]);
    // Forms a line-by-line reading misses or mistakes.
    const tricky = [
      'import {\n  a, // the clip\'s "id", see ./a.ts\n  b, /* c.d */\n} from "../bot/x.ts";',
      'const q = /["\']\\/\\//; const s = "import no from \'./in-a-string.ts\'"; // import "./in-a-comment.ts"',
      'export * as ns from "./ns.ts";',
      'export type { T } from "./t.ts";',
      'let v: import("./type-only.ts").V;',
      'const r = require("./cjs.cjs"); const p = require.resolve("./res.ts"); const m = import.meta.resolve("./meta.ts");',
      'new Worker(new URL("./entry.mjs", import.meta.url)); const data = new URL("../models/default", import.meta.url);',
    ].join("\n");
    expect(importsOf(tricky)).toEqual(["../bot/x.ts", "./ns.ts", "./t.ts", "./type-only.ts", "./cjs.cjs", "./res.ts", "./meta.ts", "./entry.mjs"]);
    expect(importsOf('import { x } from "./x.js";\nconst y = await import("./y.js");', "page.js")).toEqual(["./x.js", "./y.js"]);
  });

  it("every source file under bot/, commands/ and engine/ belongs to a layer (else its imports would go unchecked)", () => {
    expect(TOPS.flatMap((top) => files(top, CODE)).filter((f) => folderOf(f) === undefined)).toEqual([]);
  });

  it("goes adapters → kernel → commands → engine, never up or sideways", () => {
    expect(all.filter((e) => !e.pkg).map((e) => violation(e.from, e.to)).filter((v) => v !== undefined)).toEqual([]);
  });

  it("uses a chat platform's SDK only in that platform's adapter", () => {
    expect(all.filter((e) => e.pkg).map((e) => packageViolation(e.from, e.to)).filter((v) => v !== undefined)).toEqual([]);
  });

  it("catches what it is meant to catch", () => {
    expect(violation("commands/submit.ts", "bot/core/delivery.ts")).toMatch(/upward/);
    for (const adapter of ["bot/discord/port.ts", "bot/slack/port.ts", "bot/playground/port.ts", "bot/start/app.ts"]) {
      expect(violation("commands/submit.ts", adapter)).toMatch(/upward/);
      expect(violation("engine/worker/processor.ts", adapter)).toMatch(/upward/);
    }
    expect(violation("engine/queue/producer.ts", "commands/context.ts")).toMatch(/upward/);
    expect(violation("engine/store/fs-store.ts", "bot/core/links.ts")).toMatch(/upward/);
    expect(violation("engine/pipeline/worker-entry.mjs", "bot/http/server.ts")).toMatch(/upward/);
    const adapters = ["bot/discord/index.ts", "bot/slack/index.ts", "bot/playground/server.ts"];
    for (const a of adapters) for (const b of adapters.filter((x) => x !== a)) expect(violation(a, b), `${a} → ${b}`).toMatch(/sideways/);
    expect(violation("bot/web/page/page.js", "bot/playground/api.ts")).toMatch(/upward/);
    expect(packageViolation("engine/queue/producer.ts", "discord.js")).toMatch(/SDK outside bot\/discord/);
    expect(packageViolation("commands/submit.ts", "@slack/bolt")).toMatch(/SDK outside bot\/slack/);
    expect(packageViolation("bot/core/delivery.ts", "@discordjs/rest")).toMatch(/SDK/);
    expect(packageViolation("bot/slack/index.ts", "discord.js")).toMatch(/SDK/);
    expect(packageViolation("bot/slack/index.ts", "@slack/bolt")).toBeUndefined();
    expect(packageViolation("engine/queue/producer.ts", "bullmq")).toBeUndefined();
    expect(target("engine/x.ts", "/abs/elsewhere.ts")).toBe(relative(ROOT, "/abs/elsewhere.ts"));
    expect(target("engine/queue/x.ts", `file://${ROOT}bot/core/links.ts`)).toBe("bot/core/links.ts");
    expect(violation("bot/core/delivery.ts", "bot/discord/port.ts")).toMatch(/upward/);
    expect(violation("bot/slack/port.ts", "bot/discord/limits.ts")).toMatch(/sideways/);
    expect(violation("bot/core/context.ts", "bot/http/server.ts")).toMatch(/sideways/);
    expect(violation("bot/core/follow-job.ts", "engine/worker/processor.ts")).toMatch(/public parts/);
    expect(violation("bot/start/app.ts", "engine/worker/index.ts")).toBeUndefined();
    expect(violation("bot/discord/index.ts", "bot/core/delivery.ts")).toBeUndefined();
  });
});

/** Files that are not text: weights, checkpoints, pictures, video. */
const BINARY = /\.(onnx|pt|pth|ckpt|bin|npy|npz|safetensors|png|jpe?g|gif|webp|mp4|gz|zip)$/i;

describe("the engine", () => {
  const all = files("engine", /./);

  it("names no chat platform, in code, docs, configs or the model pack's text", () => {
    const text = all.filter((f) => !BINARY.test(f));
    // The scan reads every kind of text the engine has, the model card included.
    expect(text).toEqual(expect.arrayContaining(["engine/CONTRACTS.md", "engine/pipeline/worker-entry.mjs", "engine/models/default/README.md"]));
    const named = text
      .map((f) => [f, readFileSync(join(ROOT, f), "utf8")] as const)
      .filter(([, body]) => !body.includes("\0"))
      .flatMap(([f, body]) => body.split("\n").map((line, i) => [f, i + 1, line] as const))
      .filter(([, , line]) => PLATFORM_NAMES.test(line))
      .map(([f, n, line]) => `${f}:${n}: ${line.trim().slice(0, 160)}`);
    expect(named).toEqual([]);
  });

  it("names none in its file and folder names either", () => {
    expect(all.filter((f) => PLATFORM_NAMES.test(f))).toEqual([]);
  });
});
