// One text box, many commands: Slack's `/sora …` and the playground's input carry everything as text. A text that is
// exactly a status word ("queue", "info", or their localized names), or "cancel <job>", runs that command; anything
// else is a prompt. Exact forms only, so a prompt that merely starts with "info" is still a prompt.
import { localizations } from "./i18n.ts";
import type { Args } from "./definition.ts";

export interface Routed {
  command: string;
  args: Args;
}

function names(command: string): Set<string> {
  return new Set([command, ...Object.values(localizations(`commands.${command}.name`))].map((n) => n.toLowerCase()));
}

const BARE = ["queue", "info"].map((c) => ({ command: c, names: names(c) }));
const CANCEL = names("cancel");

export function routeText(text: string): Routed {
  const trimmed = text.trim();
  const words = trimmed.split(/\s+/);
  const first = (words[0] ?? "").toLowerCase();
  if (words.length === 1) {
    const bare = BARE.find((b) => b.names.has(first));
    if (bare) return { command: bare.command, args: {} };
  }
  if (words.length === 2 && CANCEL.has(first)) return { command: "cancel", args: { job: words[1] } };
  return { command: "sora", args: { prompt: trimmed } };
}
