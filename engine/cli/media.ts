// Turns the files named on the command line into the frames a conditioned generation needs, at the model's size.
import type { Condition, PipelineInfo } from "../pipeline/index.ts";
import { nearestAspect } from "../pipeline/request.ts";
import type { AspectRatio } from "../types.ts";
import { decodeImage, decodeToFrames, probe } from "../video/index.ts";
import type { ConditionSpec } from "./args.ts";

export { nearestAspect };

function conditionFiles(spec: ConditionSpec): string[] {
  switch (spec.kind) {
    case "animate":
      return [spec.file];
    case "extend":
    case "remix":
      return [spec.file];
    case "interpolate":
      return [spec.a, spec.b];
    case "loop":
      return [];
  }
}

/** Aspect for the request: the flag, else the first conditioning file's shape, else square. */
export async function chooseAspect(
  spec: ConditionSpec | undefined, flag: AspectRatio | undefined, info: PipelineInfo,
): Promise<AspectRatio> {
  if (flag) return flag;
  const first = spec ? conditionFiles(spec)[0] : undefined;
  if (!first) return "1:1";
  const { width, height } = await probe(first, { countFrames: false });
  return nearestAspect(width, height, info.sizes);
}

export async function loadCondition(
  spec: ConditionSpec | undefined, aspect: AspectRatio, info: PipelineInfo,
): Promise<Condition | undefined> {
  if (!spec) return undefined;
  const [width, height] = info.sizes[aspect];
  const clip = (file: string) => decodeToFrames(file, { width, height, fps: info.fps });
  switch (spec.kind) {
    case "animate":
      return { kind: "animate", image: await decodeImage(spec.file, { width, height }) };
    case "extend":
      return { kind: "extend", parent: await clip(spec.file), direction: spec.direction };
    case "remix":
      return { kind: "remix", parent: await clip(spec.file), strength: spec.strength };
    case "interpolate":
      return { kind: "interpolate", a: await clip(spec.a), b: await clip(spec.b) };
    case "loop":
      return { kind: "loop" };
  }
}
