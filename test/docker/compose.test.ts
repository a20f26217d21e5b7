// docker/: the images and the compose file. Two kinds of check:
// - without Docker: every Dockerfile COPYs only paths that exist and that .dockerignore lets through, runs only npm
//   scripts that package.json defines, and keeps the product's promises (non-root, health check, model pack, CUDA
//   install flag); .dockerignore keeps local state out.
// - with a Docker client that has the compose plugin: `docker compose config` parses docker/compose.yaml, and the
//   services it resolves are checked (no daemon needed). Skipped, with the reason, where there is no such client.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
const DOCKER_DIR = join(ROOT, "docker");
const COMPOSE_FILE = join(DOCKER_DIR, "compose.yaml");
const DOCKERFILES = ["bot.Dockerfile", "engine.Dockerfile", "engine-cuda.Dockerfile"];
const SCRIPTS: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts ?? {};

// ---------------------------------------------------------------------------------------------------------------
// A small Dockerfile reader: comments dropped, continuation lines joined, ARG defaults substituted in FROM.

interface Instruction {
  op: string;
  args: string;
  line: number;
}

function readDockerfile(name: string): Instruction[] {
  const lines = readFileSync(join(DOCKER_DIR, name), "utf8").split("\n");
  const out: Instruction[] = [];
  let buf = "";
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*#/.test(line)) continue; // comments (and parser directives) may sit inside a continued instruction
    if (buf === "") {
      if (line.trim() === "") continue;
      start = i + 1;
    }
    if (/\\\s*$/.test(line)) {
      buf += line.replace(/\\\s*$/, " ");
      continue;
    }
    buf += line;
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(buf);
    if (!m) throw new Error(`${name}:${start}: cannot parse ${JSON.stringify(buf)}`);
    out.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start });
    buf = "";
  }
  if (buf !== "") throw new Error(`${name}: ends inside a continued line`);
  return out;
}

/** Exec form (a JSON array) or shell form, as one command string. */
function commandText(args: string): string {
  const a = args.trim();
  if (a.startsWith("[")) return (JSON.parse(a) as string[]).join(" ");
  return a;
}

/** Sources of COPY/ADD from the build context (not `--from=` another stage or image). */
function contextSources(ins: Instruction): string[] {
  const a = ins.args.trim();
  let items: string[];
  if (a.replace(/^(--\S+\s+)*/, "").startsWith("[")) {
    items = JSON.parse(a.replace(/^(--\S+\s+)*/, "")) as string[];
    const flags = a.match(/^(--\S+\s+)*/)?.[0] ?? "";
    if (/--from=/.test(flags)) return [];
  } else {
    const words = a.split(/\s+/);
    if (words.some((w) => w.startsWith("--from="))) return [];
    items = words.filter((w) => !w.startsWith("--"));
  }
  return items.slice(0, -1);
}

function argDefaults(ins: Instruction[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of ins) {
    if (i.op !== "ARG") continue;
    const m = /^(\w+)=(\S+)$/.exec(i.args);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function fromImages(ins: Instruction[]): string[] {
  const args = argDefaults(ins);
  return ins
    .filter((i) => i.op === "FROM")
    .map((i) => i.args.split(/\s+/).filter((w) => !w.startsWith("--"))[0]!)
    .map((img) => img.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? ""));
}

/** npm scripts a command runs: `npm run X`, `npm run-script X`, `npm start`, `npm test`. */
function npmScripts(cmd: string): string[] {
  const found: string[] = [];
  for (const m of cmd.matchAll(/\bnpm\s+(?:run|run-script)\s+(?:--\S+\s+)*([\w:.-]+)/g)) found.push(m[1]!);
  for (const m of cmd.matchAll(/\bnpm\s+(start|test|stop|restart)\b/g)) found.push(m[1]!);
  return found;
}

function envOf(ins: Instruction[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of ins.filter((x) => x.op === "ENV")) {
    for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, "");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// .dockerignore, matched the way Docker does: patterns from the context root, `*` within a path segment, `**` across
// segments, `!` re-includes, the last matching pattern wins, and a pattern that matches a folder covers its contents.

interface IgnoreRule {
  re: RegExp;
  negate: boolean;
}

function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      if (pattern[i + 2] === "/") {
        re += "(?:.*/)?";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function readDockerignore(): IgnoreRule[] {
  const file = join(ROOT, ".dockerignore");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const p = (negate ? l.slice(1) : l).trim().replace(/^\/+/, "").replace(/\/+$/, "").replace(/^\.\//, "");
      return { re: globToRegExp(p), negate };
    });
}

function isIgnored(rules: IgnoreRule[], path: string): boolean {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const r of rules) if (candidates.some((c) => r.re.test(c))) ignored = !r.negate;
  return ignored;
}

function filesUnder(path: string): string[] {
  const abs = join(ROOT, path);
  if (!statSync(abs).isDirectory()) return [path];
  const out: string[] = [];
  for (const e of readdirSync(abs, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(ROOT, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

describe("docker/ without Docker", () => {
  const ignore = readDockerignore();

  it(".dockerignore keeps node_modules, runs/, data/, out/ and .git out of the build context", () => {
    expect(existsSync(join(ROOT, ".dockerignore"))).toBe(true);
    for (const p of ["node_modules/bullmq/package.json", "engine/node_modules/x", "runs/dit/ckpt.pt", "data/store/a.mp4", "out/clip.mp4", ".git/HEAD", "docker/.env"]) {
      expect(isIgnored(ignore, p), p).toBe(true);
    }
    for (const p of ["package.json", "package-lock.json", ".npmrc", "engine/models/default/transformer/model.onnx", "commands/flags.ts"]) {
      expect(isIgnored(ignore, p), p).toBe(false);
    }
  });

  for (const name of DOCKERFILES) {
    describe(name, () => {
      const ins = readDockerfile(name);
      const cmd = ins.filter((i) => i.op === "CMD").at(-1);

      it("COPYs only paths that exist in the repository and that .dockerignore lets through", () => {
        const sources = ins.filter((i) => i.op === "COPY" || i.op === "ADD").flatMap((i) => contextSources(i).map((s) => ({ s, line: i.line })));
        expect(sources.length).toBeGreaterThan(0);
        for (const { s, line } of sources) {
          const where = `${name}:${line} ${s}`;
          expect(/[*?[]/.test(s), `${where}: no globs, name the path`).toBe(false);
          expect(existsSync(join(ROOT, s)), `${where} does not exist`).toBe(true);
          expect(isIgnored(ignore, s), `${where} is excluded by .dockerignore`).toBe(false);
        }
      });

      it("runs only npm scripts that package.json defines", () => {
        const used = ins.filter((i) => ["RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(i.op)).flatMap((i) => npmScripts(commandText(i.args.replace(/^(--\S+\s+)*CMD\s+/, ""))));
        expect(used.length).toBeGreaterThan(0);
        const missing = used.filter((s) => !(s in SCRIPTS));
        expect(missing, `package.json has no script(s) ${missing.join(", ")}: ${name} runs them`).toEqual([]);
      });

      it("installs dependencies from the lock file before copying the source, and runs as a non-root user", () => {
        const copyLock = ins.findIndex((i) => i.op === "COPY" && contextSources(i).includes("package-lock.json"));
        const install = ins.findIndex((i) => i.op === "RUN" && /\bnpm\s+(install|ci)\b/.test(i.args));
        expect(copyLock).toBeGreaterThanOrEqual(0);
        expect(install).toBeGreaterThan(copyLock);
        expect(ins[install]!.args).toMatch(/--omit=dev/);
        const users = ins.filter((i) => i.op === "USER");
        expect(users.length, "a USER line").toBeGreaterThan(0);
        expect(["root", "0", "0:0"]).not.toContain(users.at(-1)!.args.trim());
        expect(ins.indexOf(users.at(-1)!)).toBeLessThan(ins.indexOf(cmd!));
      });

      it("starts the service it is named for", () => {
        expect(cmd, "a CMD").toBeDefined();
        const want = name.startsWith("bot") ? "bot" : "engine";
        expect(npmScripts(commandText(cmd!.args))).toEqual([want]);
      });

      if (name === "bot.Dockerfile") {
        it("is node:20-bookworm-slim, skips the CUDA download, exposes 8080 and checks /health", () => {
          expect(fromImages(ins)).toEqual(["node:20-bookworm-slim"]);
          expect(envOf(ins).ONNXRUNTIME_NODE_INSTALL).toBe("skip");
          expect(ins.some((i) => i.op === "EXPOSE" && /\b8080\b/.test(i.args))).toBe(true);
          const hc = ins.filter((i) => i.op === "HEALTHCHECK");
          expect(hc.length).toBe(1);
          expect(hc[0]!.args).toMatch(/\/health\b/);
          // Exec form: the array must be valid JSON, or Docker silently runs it as a shell string.
          const probe = JSON.parse(hc[0]!.args.replace(/^(--\S+\s+)*CMD\s+/, "")) as string[];
          expect(probe[0]).toBe("node");
        });
      } else {
        it("has ffmpeg and the shipped model pack", () => {
          expect(ins.some((i) => i.op === "RUN" && /apt-get install[^&]*\bffmpeg\b/.test(i.args))).toBe(true);
          const sources = ins.filter((i) => i.op === "COPY").flatMap(contextSources);
          const pack = "engine/models/default";
          expect(sources.some((s) => pack === s || pack.startsWith(`${s.replace(/\/+$/, "")}/`)), "a COPY brings engine/models/default").toBe(true);
          const files = filesUnder(pack);
          for (const f of ["model_index.json", "transformer/model.onnx", "text_encoder/model.onnx", "vae_decoder/model.onnx", "vae_encoder/model.onnx"]) {
            expect(files).toContain(`${pack}/${f}`);
          }
          expect(files.filter((f) => isIgnored(ignore, f)), "pack files excluded by .dockerignore").toEqual([]);
        });
      }

      if (name === "engine.Dockerfile") {
        it("is node:20-bookworm-slim on the CPU with onnxruntime-node's bundled binaries", () => {
          expect(fromImages(ins)).toEqual(["node:20-bookworm-slim"]);
          const env = envOf(ins);
          expect(env.ONNXRUNTIME_NODE_INSTALL).toBe("skip");
          expect(env.SORA_DEVICE).toBe("cpu");
        });
      }

      if (name === "engine-cuda.Dockerfile") {
        it("is a CUDA 12 cuDNN runtime image with Node 20 and onnxruntime-node's CUDA 12 provider", () => {
          const images = fromImages(ins);
          expect(images.at(-1)).toMatch(/^nvidia\/cuda:12\.[\d.]+-cudnn\d*-runtime-ubuntu\d/);
          expect(images).toContain("node:20-bookworm-slim");
          expect(ins.some((i) => i.op === "RUN" && /ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci\b/.test(i.args) && /script\/install\.js/.test(i.args))).toBe(true);
          expect(envOf(ins).ONNXRUNTIME_NODE_INSTALL, "an ENV skip would override the cuda12 setting").toBeUndefined();
          expect(envOf(ins).SORA_DEVICE).toBe("cuda");
        });
      }
    });
  }

  it("compose.yaml builds from the repository root with Dockerfiles that exist", () => {
    const text = readFileSync(COMPOSE_FILE, "utf8");
    const contexts = [...text.matchAll(/^\s*context:\s*(\S+)/gm)].map((m) => m[1]);
    const dockerfiles = [...text.matchAll(/^\s*dockerfile:\s*(\S+)/gm)].map((m) => m[1]!);
    expect(contexts.length).toBe(3);
    expect(new Set(contexts)).toEqual(new Set([".."]));
    expect(new Set(dockerfiles)).toEqual(new Set(DOCKERFILES.map((d) => `docker/${d}`)));
    for (const d of dockerfiles) expect(existsSync(join(ROOT, d)), d).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------

function probeCompose(): { ok: true; version: string } | { ok: false; reason: string } {
  const r = spawnSync("docker", ["compose", "version"], { encoding: "utf8", timeout: 20_000 });
  if (r.error) return { ok: false, reason: `no docker client (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: `\`docker compose version\` failed: ${(r.stderr || r.stdout).trim().split("\n")[0]}` };
  return { ok: true, version: r.stdout.trim() };
}

const compose = probeCompose();
const skipReason = compose.ok ? "" : ` [skipped: ${compose.reason}]`;
if (!compose.ok) console.warn(`test/docker: compose checks skipped: ${compose.reason}`);

/** Variables the compose file reads; cleared so each run sees the file's own defaults unless a test sets them. */
const COMPOSE_VARS = /^(SORA_|DISCORD_|SLACK_|REDIS_URL$|COMPOSE_)/;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- compose config output, checked field by field below
type Json = any;

let emptyEnv: string | undefined;
function emptyEnvFile(): string {
  if (!emptyEnv) {
    emptyEnv = join(mkdtempSync(join(tmpdir(), "sora-compose-")), "empty.env");
    writeFileSync(emptyEnv, "");
  }
  return emptyEnv;
}

function composeConfig(extraArgs: string[] = [], env: Record<string, string> = {}): Json {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !COMPOSE_VARS.test(k)));
  // An empty --env-file: a docker/.env on this machine (tokens, SORA_ENGINES…) must not change what is checked.
  const r = spawnSync("docker", ["compose", "-f", COMPOSE_FILE, "--env-file", emptyEnvFile(), ...extraArgs, "config", "--format", "json"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...base, ...env },
  });
  if (r.status !== 0) throw new Error(`docker compose config failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function ports(service: Json): { target: number; published: string; host: string }[] {
  return (service.ports ?? []).map((p: Json) => {
    if (typeof p === "string") {
      const parts = p.split(":");
      return { target: Number(parts.at(-1)), published: parts.at(-2) ?? "", host: parts.length > 2 ? parts[0]! : "" };
    }
    return { target: Number(p.target), published: String(p.published ?? ""), host: String(p.host_ip ?? "") };
  });
}

function volumes(service: Json): { source: string; target: string; type: string }[] {
  return (service.volumes ?? []).map((v: Json) => {
    if (typeof v === "string") {
      const [source, target] = v.split(":");
      return { source: source!, target: target!, type: /^[./~]/.test(source!) ? "bind" : "volume" };
    }
    return { source: String(v.source ?? ""), target: String(v.target), type: String(v.type ?? "volume") };
  });
}

function dependsOn(service: Json): Record<string, string> {
  const d = service.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((n: string) => [n, "service_started"]));
  return Object.fromEntries(Object.entries(d).map(([n, v]) => [n, (v as Json)?.condition ?? "service_started"]));
}

function command(service: Json): string[] {
  const c = service.command;
  return Array.isArray(c) ? c.map(String) : String(c ?? "").split(/\s+/).filter(Boolean);
}

describe.skipIf(!compose.ok)(`docker compose config${skipReason}`, () => {
  afterAll(() => {
    if (emptyEnv) rmSync(join(emptyEnv, ".."), { recursive: true, force: true });
  });

  it("resolves redis with persistence, the engines and the bot", () => {
    const cfg = composeConfig();
    const s = cfg.services;
    expect(Object.keys(s).sort()).toEqual(["bot", "engine", "redis"]); // engine-cuda only with --profile gpu

    // Redis: append-only on, data in a named volume, health-checked.
    expect(s.redis.image).toMatch(/^redis:7/);
    const redisCmd = command(s.redis).join(" ");
    expect(redisCmd).toMatch(/--appendonly yes/);
    const redisVol = volumes(s.redis).find((v) => v.target === "/data");
    expect(redisVol?.type).toBe("volume");
    expect(Object.keys(cfg.volumes ?? {})).toContain(redisVol!.source);
    expect(s.redis.healthcheck?.test).toBeDefined();

    // Engine: `npm run engine`, waits for a healthy Redis, one replica by default.
    expect(command(s.engine)).toEqual(["npm", "run", "engine"]);
    expect(dependsOn(s.engine).redis).toBe("service_healthy");
    expect(Number(s.engine.deploy?.replicas ?? 1)).toBe(1);
    expect(s.engine.environment.SORA_DEVICE).toBe("cpu");

    // Bot: `npm run bot` on 8080.
    expect(command(s.bot)).toEqual(["npm", "run", "bot"]);
    // The playground is published on loopback only unless the operator asks (and sets PLAYGROUND_TOKEN).
    expect(ports(s.bot)).toContainEqual({ target: 8080, published: "8080", host: "127.0.0.1" });
    expect(dependsOn(s.bot).redis).toBe("service_healthy");
    expect(String(s.bot.environment.PORT)).toBe("8080");
  });

  it("gives the bot and every engine the same clip store", () => {
    const s = composeConfig(["--profile", "gpu"]).services;
    for (const name of ["bot", "engine", "engine-cuda"]) {
      const env = s[name].environment;
      expect(env.SORA_STORE, name).toBe("redis");
      expect(env.REDIS_URL, name).toBe("redis://redis:6379");
      expect(env.SORA_STORE_BLOB_DIR, name).toBe("/data/clips");
      expect(volumes(s[name]), name).toContainEqual({ source: "clips", target: "/data/clips", type: "volume" });
    }
  });

  it("puts a CUDA engine with a GPU reservation behind the gpu profile", () => {
    const s = composeConfig(["--profile", "gpu"]).services;
    const cuda = s["engine-cuda"];
    expect(cuda).toBeDefined();
    expect(command(cuda)).toEqual(["npm", "run", "engine"]);
    expect(cuda.environment.SORA_DEVICE).toBe("cuda");
    expect(cuda.build.dockerfile).toMatch(/engine-cuda\.Dockerfile$/);
    const devices = cuda.deploy?.resources?.reservations?.devices ?? [];
    expect(devices.length).toBe(1);
    expect(devices[0].capabilities).toContain("gpu");
    expect(devices[0].driver).toBe("nvidia");
  });

  it("scales engines, passes platform tokens through and can keep clip bytes in Redis", () => {
    const s = composeConfig([], { SORA_ENGINES: "3", SORA_PORT: "9090", DISCORD_TOKEN: "token-from-shell", SORA_STORE_BLOB_DIR: "" }).services;
    expect(Number(s.engine.deploy.replicas)).toBe(3);
    expect(ports(s.bot)).toContainEqual({ target: 8080, published: "9090", host: "127.0.0.1" });
    expect(s.bot.environment.DISCORD_TOKEN).toBe("token-from-shell");
    expect(s.bot.environment.SORA_STORE_BLOB_DIR ?? "").toBe("");
  });
});
