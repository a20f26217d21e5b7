// One text box, many commands: Slack's `/sora …` and the playground's input carry everything as text. A text that is
// exactly a status word ("queue", "info", "history", or their localized names), "cancel <job>", "connect <clip> <clip>" or
// "stitch <clip> <clip> …" (clip ids or message links), or "defaults [reset] [steps: 12 …]", runs that command;
// anything else is a prompt. Exact forms only, so a prompt that merely starts with "info" is still a prompt.
//
// A composer that also takes slash commands (the playground's) goes through parseInput: `/sora a red ball --ar 16:9`
// and plain text as above; Discord-style options (`/sora prompt: a red ball seed: 7`, `/extend clip: <id> prompt: …`)
// are read against the command's definition. Validation stays with the handlers: this only splits text, so every
// error reads the same as on the bots.
import { SUBCOMMAND_ARG, type Args, type CommandDef } from "./definition.ts";
import { LOOKS_LIKE_REF } from "./clip-refs.ts";
import { UserError } from "./errors.ts";
import { localizations } from "./i18n.ts";
import { COMMANDS } from "./index.ts";

export interface Routed {
  command: string;
  args: Args;
}

function names(command: string): Set<string> {
  return new Set([command, ...Object.values(localizations(`commands.${command}.name`))].map((n) => n.toLowerCase()));
}

const BARE = ["queue", "info", "history"].map((c) => ({ command: c, names: names(c) }));
const CANCEL = names("cancel");
/** Commands that take clips, each with how many: `connect <clip> <clip>`, `stitch <clip> <clip> …`. */
const WITH_CLIPS = [
  { command: "connect", names: names("connect"), arg: "from", fits: (n: number) => n === 2 },
  { command: "stitch", names: names("stitch"), arg: "clips", fits: (n: number) => n >= 2 },
];

export function routeText(text: string): Routed {
  const trimmed = text.trim();
  const words = trimmed.split(/\s+/);
  const first = (words[0] ?? "").toLowerCase();
  if (words.length === 1) {
    const bare = BARE.find((b) => b.names.has(first));
    if (bare) return { command: bare.command, args: {} };
  }
  if (words.length === 2 && CANCEL.has(first)) return { command: "cancel", args: { job: words[1] } };
  // Only when a word after it is a clip id or a link: "stitch two red balls together" stays a prompt, and
  // "connect ../x clip_…" is answered as a bad clip name rather than drawn.
  const refs = words.slice(1);
  const withClips = WITH_CLIPS.find((c) => c.names.has(first) && c.fits(refs.length));
  if (withClips && refs.some((r) => LOOKS_LIKE_REF.test(r))) return { command: withClips.command, args: { [withClips.arg]: refs.join(" ") } };
  const settings = DEFAULTS.has(first) ? defaultsArgs(trimmed.slice(words[0].length)) : undefined;
  if (settings) return { command: "defaults", args: settings };
  return { command: "sora", args: { prompt: trimmed } };
}

const DEFAULTS = names("defaults");

/**
 * After the word `defaults`: nothing (show them), `reset`, and/or the settings by name as the slash options are
 * (`steps: 12 aspect: 16:9 negative: blurry`). Anything else ("defaults are boring") leaves the text a prompt.
 */
function defaultsArgs(rest: string): Args | undefined {
  let text = rest.trim();
  const args: Args = {};
  const reset = /^reset(?:\s+|$)/i.exec(text);
  if (reset) {
    args.reset = true;
    text = text.slice(reset[0].length);
  }
  if (!text) return args;
  const named = namedOptions(COMMANDS.defaults.definition, text);
  return named ? { ...named, ...args } : undefined;
}

/** Every spelling of a command name (English and each locale's), lower-cased → the command's English name. */
const NAMES = new Map<string, string>(
  Object.values(COMMANDS).flatMap((c) =>
    [c.definition.name, ...Object.values(localizations(c.definition.nameKey))].map((n) => [n.toLowerCase(), c.definition.name] as const)),
);

/** `name: value` pairs for the definition's options, or undefined when the text does not start with one. */
function namedOptions(def: CommandDef, text: string): Args | undefined {
  const names = def.options.filter((o) => o.type !== "attachment").map((o) => o.name);
  if (!names.length) return undefined;
  const re = new RegExp(`(?:^|\\s)(${names.join("|")}):`, "gi");
  const hits = [...text.matchAll(re)];
  if (!hits.length || text.slice(0, hits[0].index).trim() !== "") return undefined;
  const args: Args = {};
  hits.forEach((m, i) => {
    const name = m[1].toLowerCase();
    const from = m.index! + m[0].length;
    const to = i + 1 < hits.length ? hits[i + 1].index! : text.length;
    args[name] = typed(def, name, text.slice(from, to).trim());
  });
  return args;
}

/** Slash options arrive typed on the platforms; here they are text, so convert the way the platform would. */
function typed(def: CommandDef, name: string, raw: string): string | number | boolean {
  const opt = def.options.find((o) => o.name === name)!;
  if (opt.type === "boolean") {
    if (/^(true|yes|1|on)$/i.test(raw)) return true;
    if (/^(false|no|0|off)$/i.test(raw)) return false;
    throw new UserError("errors.badBoolean", { flag: name, value: raw });
  }
  if (opt.type === "integer" || opt.type === "number") {
    const n = Number(raw.replace(",", "."));
    const ok = Number.isFinite(n) && (opt.type === "number" || Number.isInteger(n));
    if (!ok || (opt.min !== undefined && n < opt.min) || (opt.max !== undefined && n > opt.max)) {
      throw new UserError(opt.type === "integer" ? "errors.badInteger" : "errors.badNumber",
        { flag: name, min: opt.min ?? "-", max: opt.max ?? "-", value: raw });
    }
    return n;
  }
  return raw;
}

/** Throws UserError for a `/word` that names no command. */
export function parseInput(text: string): Routed {
  const trimmed = text.trim();
  const slash = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!slash) return routeText(trimmed);
  const command = NAMES.get(slash[1].toLowerCase());
  if (!command) throw new UserError("playground.unknownCommand", { name: slash[1] });
  const rest = slash[2];
  const def = COMMANDS[command].definition;
  // A command with subcommands reads its own text (`/challenge start theme: … duration: …`).
  if (def.subcommands) return { command, args: rest.trim() ? { [SUBCOMMAND_ARG]: rest.trim() } : {} };
  const named = namedOptions(def, rest);
  if (named) return { command, args: named };
  // `/sora <text>` is exactly Slack's slash command: the same router.
  if (command === "sora") return routeText(rest);
  // Anything else: the words fill the first option (`/cancel <job>`, `/extend <clip>`, `/queue <job>`).
  const first = def.options[0];
  return { command, args: first && rest.trim() ? { [first.name]: typed(def, first.name, rest.trim()) } : {} };
}
