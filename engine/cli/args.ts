// Parses `sora generate …` arguments into a checked request. Pure: no files are touched here, so every usage error
// is found before any work starts and nothing partial is ever written.
import { parseArgs } from "node:util";
import { PARAM_LIMITS } from "../queue/limits.ts";
import { ASPECT_RATIOS, type AspectRatio } from "../types.ts";

export class UsageError extends Error {}

export type ConditionSpec =
  | { kind: "animate"; file: string }
  | { kind: "extend"; file: string; direction: "forward" | "backward" }
  | { kind: "interpolate"; a: string; b: string }
  | { kind: "loop" }
  | { kind: "remix"; file: string; strength: number };

export interface GenerateArgs {
  prompt: string;
  output: string;
  seed?: number;
  steps?: number;
  guidance?: number;
  negativePrompt?: string;
  /** Absent: the conditioning media's shape decides, else 1:1. */
  aspect?: AspectRatio;
  seconds?: number;
  condition?: ConditionSpec;
  model?: string;
  /** `--raw` (or its older spelling `--no-expand`): the prompt verbatim, not rewritten into the caption style. */
  raw: boolean;
  /** false: `--layout off`, the denoiser without its layout input. */
  layout: boolean;
  preview: boolean;
  json: boolean;
}

const OPTIONS = {
  output: { type: "string", short: "o" },
  seed: { type: "string" },
  steps: { type: "string" },
  guidance: { type: "string" },
  neg: { type: "string" },
  ar: { type: "string" },
  seconds: { type: "string" },
  image: { type: "string" },
  extend: { type: "string" },
  backward: { type: "boolean" },
  loop: { type: "boolean" },
  remix: { type: "string" },
  strength: { type: "string" },
  model: { type: "string" },
  raw: { type: "boolean" },
  "no-expand": { type: "boolean" },
  layout: { type: "string" },
  preview: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Upper bound on a clip, as in the product (SORA_MAX_CLIP_SECONDS, default 60). */
export const MAX_SECONDS = PARAM_LIMITS.seconds.max;

function number(name: string, raw: string | undefined, min: number, max: number, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** `--interpolate a.png b.png` takes two values, which parseArgs cannot express: lift them out first. */
function liftInterpolate(argv: string[]): { rest: string[]; pair?: [string, string] } {
  const at = argv.indexOf("--interpolate");
  if (at < 0) return { rest: argv };
  const a = argv[at + 1];
  const b = argv[at + 2];
  if (!a || !b || a.startsWith("--") || b.startsWith("--")) {
    throw new UsageError("--interpolate needs two files: --interpolate first.png second.png");
  }
  return { rest: [...argv.slice(0, at), ...argv.slice(at + 3)], pair: [a, b] };
}

export function parseGenerateArgs(argv: string[]): GenerateArgs {
  const { rest, pair } = liftInterpolate(argv);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'a prompt is required: sora generate "a red ball bouncing at sunset" -o clip.mp4'
        : `expected one quoted prompt, got ${positionals.length} words outside quotes: ${positionals.join(" ")}`,
    );
  }
  const prompt = positionals[0].trim();
  if (!prompt) throw new UsageError("the prompt is empty");

  const aspect = values.ar as AspectRatio | undefined;
  if (aspect !== undefined && !ASPECT_RATIOS.includes(aspect)) {
    throw new UsageError(`--ar must be one of ${ASPECT_RATIOS.join(", ")} (got "${values.ar}")`);
  }

  const conditions: ConditionSpec[] = [];
  if (values.image) conditions.push({ kind: "animate", file: values.image });
  if (values.extend) {
    conditions.push({ kind: "extend", file: values.extend, direction: values.backward ? "backward" : "forward" });
  } else if (values.backward) {
    throw new UsageError("--backward only goes with --extend parent.mp4");
  }
  if (pair) conditions.push({ kind: "interpolate", a: pair[0], b: pair[1] });
  if (values.loop) conditions.push({ kind: "loop" });
  const strength = number("strength", values.strength, 0, 1);
  if (values.remix) conditions.push({ kind: "remix", file: values.remix, strength: strength ?? 0.6 });
  else if (strength !== undefined) throw new UsageError("--strength only goes with --remix parent.mp4");
  if (conditions.length > 1) {
    throw new UsageError(`choose one of --image, --extend, --interpolate, --loop, --remix (got ${conditions.map((c) => c.kind).join(" and ")})`);
  }

  if (values.layout !== undefined && values.layout !== "on" && values.layout !== "off") {
    throw new UsageError(`--layout must be "on" or "off" (got "${values.layout}")`);
  }

  return {
    prompt,
    output: values.output ?? "clip.mp4",
    seed: number("seed", values.seed, 0, 2 ** 32 - 1, true),
    steps: number("steps", values.steps, 1, 100, true),
    guidance: number("guidance", values.guidance, 0, 20),
    negativePrompt: values.neg,
    aspect,
    seconds: number("seconds", values.seconds, 0.125, MAX_SECONDS),
    condition: conditions[0],
    model: values.model,
    raw: Boolean(values.raw || values["no-expand"]),
    layout: values.layout !== "off",
    preview: Boolean(values.preview),
    json: Boolean(values.json),
  };
}
