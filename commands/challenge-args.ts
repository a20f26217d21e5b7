// What a person typed for /challenge, read the same on every platform. Discord sends a typed subcommand (its name as
// SUBCOMMAND_ARG) with typed options; Slack's `/challenge start theme: a cat duration: 2h` and the playground's
// composer send one text, which arrives as SUBCOMMAND_ARG too (commands/route.ts): it is split here into the action
// and `name: value` options. Themes and prompts stay text: nothing here turns them into keys, paths or commands.
import { UserError } from "./errors.ts";
import { localizations } from "./i18n.ts";
import { SUBCOMMAND_ARG, type Args } from "./definition.ts";

export const CHALLENGE_ACTIONS = ["start", "submit", "leaderboard", "end", "schedule", "cancel"] as const;
export type ChallengeAction = (typeof CHALLENGE_ACTIONS)[number];

export const CHALLENGE_OPTIONS = ["theme", "duration", "entries-per-user", "prompt", "themes", "every", "channel"] as const;

/** Every spelling of each action (English and each locale's choice name), lower-cased. */
const ACTION_NAMES = new Map<string, ChallengeAction>(CHALLENGE_ACTIONS.flatMap((a) =>
  [a, ...Object.values(localizations(`challenge.actions.${a}`))].map((n) => [n.toLowerCase(), a] as const)));

function actionOf(word: string): ChallengeAction | undefined {
  return ACTION_NAMES.get(word.trim().toLowerCase());
}

/** `theme: a b duration: 2h` → { theme: "a b", duration: "2h" }; text before the first name goes to `lead`. */
function namedOptions(text: string, lead: string): Args {
  const re = new RegExp(`(?:^|\\s)(${CHALLENGE_OPTIONS.join("|")}):`, "gi");
  const hits = [...text.matchAll(re)];
  const args: Args = {};
  const before = (hits.length ? text.slice(0, hits[0].index) : text).trim();
  if (before) args[lead] = before;
  hits.forEach((m, i) => {
    const from = m.index + m[0].length;
    const to = i + 1 < hits.length ? hits[i + 1].index : text.length;
    args[m[1].toLowerCase()] = text.slice(from, to).trim();
  });
  return args;
}

/**
 * Bare words after an action fill its main option: `/challenge submit a red ball`, `/challenge start a cat`,
 * `/challenge end #contest` (Slack's <#C…|contest>).
 */
const LEAD: Record<ChallengeAction, string> = {
  start: "theme", submit: "prompt", leaderboard: "channel", end: "channel", schedule: "themes", cancel: "channel",
};

export interface ChallengeArgs {
  action: ChallengeAction;
  args: Args;
}

export function readChallengeArgs(args: Args): ChallengeArgs {
  const given = args[SUBCOMMAND_ARG];
  const raw = typeof given === "string" ? given.trim() : "";
  const exact = actionOf(raw);
  if (exact) return { action: exact, args };
  // One text: the first word is the action, the rest options.
  const m = /^(\S+)\s*([\s\S]*)$/.exec(raw);
  const action = m ? actionOf(m[1]) : undefined;
  if (!action) throw new UserError("challenge.errors.unknownAction", { value: raw.slice(0, 40) || "—" });
  return { action, args: { ...namedOptions(m![2], LEAD[action]), ...withoutAction(args) } };
}

function withoutAction(args: Args): Args {
  const { [SUBCOMMAND_ARG]: _ignored, ...rest } = args;
  return rest;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30m", "2h", "7d", "1h30m", "90s" → ms. Anything else is a UserError that says what is expected. */
export function parseDuration(text: string | undefined): number {
  const s = (text ?? "").trim().toLowerCase().replace(/\s+/g, "");
  const parts = [...s.matchAll(/(\d{1,6})([smhdw])/g)];
  if (!s || parts.map((p) => p[0]).join("") !== s) throw new UserError("challenge.errors.badDuration", { value: (text ?? "").slice(0, 40) });
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]], 0);
}

/** "a cat; a dog;; a fish" → ["a cat", "a dog", "a fish"]. */
export function splitThemes(text: string | undefined): string[] {
  return (text ?? "").split(/[;\n]/).map((t) => t.trim()).filter(Boolean);
}
