// Progress as text every platform can show: a bar, a percentage, the stage, queue position and ETA, in the reader's
// language.
import { t, type Message } from "./i18n.ts";

/** "lost": the queue forgot the job (Redis flushed or restarted empty); its owner may retry it. */
export type ProgressState = "queued" | "running" | "done" | "failed" | "cancelled" | "lost";

export interface ProgressSnapshot {
  state: ProgressState;
  /** Jobs ahead while queued (0: next to start), as the producer reports it; shown 1-based. */
  position?: number;
  etaSeconds?: number;
  /** Worker stage (engine/queue/progress.ts): prepare, text, denoise, decode, encode, store. */
  stage?: string;
  step?: number;
  steps?: number;
  /** Why it failed, as a locales/ key (the failed event's userMessageKey). */
  reason?: Message;
}

/**
 * Each stage's share of the whole job, in order. Denoising is nearly all of the time; giving every stage its own
 * 0–100 % would make the bar run back to empty three times in one job.
 */
const STAGE_SPANS: Record<string, [number, number]> = {
  prepare: [0, 3],
  text: [3, 5],
  denoise: [5, 85],
  decode: [85, 95],
  encode: [95, 99],
  store: [99, 100],
};

/** Whole-job percentage, 0..100, never 100 before the job is done. */
export function overallPercent(s: ProgressSnapshot): number {
  if (s.state === "done") return 100;
  if (s.state !== "running") return 0;
  const frac = s.steps && s.steps > 0 ? Math.min(1, Math.max(0, (s.step ?? 0) / s.steps)) : 0;
  const [a, b] = STAGE_SPANS[s.stage ?? ""] ?? [0, 100];
  return Math.min(99, Math.floor(a + (b - a) * frac));
}

/** "█████░░░░░" — block characters render in Discord, Slack and the browser alike, without markup. */
export function progressBar(percent: number, width = 16): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

function stageName(locale: string | undefined, stage: string | undefined): string {
  const key = `progress.stage.${stage && stage in STAGE_SPANS ? stage : "working"}`;
  return t(locale, key);
}

/** One or two lines: the status, and under it the bar while running. */
export function renderProgress(s: ProgressSnapshot, locale: string | undefined): string {
  switch (s.state) {
    case "queued": {
      const position = (s.position ?? 0) + 1;
      return s.etaSeconds !== undefined
        ? t(locale, "progress.queuedEta", { position, eta: { seconds: s.etaSeconds } })
        : t(locale, "progress.queued", { position });
    }
    case "running": {
      const percent = overallPercent(s);
      const stage = stageName(locale, s.stage);
      const line = s.etaSeconds !== undefined
        ? t(locale, "progress.runningEta", { stage, percent, eta: { seconds: s.etaSeconds } })
        : t(locale, "progress.running", { stage, percent });
      return `${line}\n${progressBar(percent)}`;
    }
    case "done":
      return `${t(locale, "progress.done")}\n${progressBar(100)}`;
    case "failed":
      return t(locale, "progress.failed", { reason: t(locale, s.reason?.key ?? "queue.failed", s.reason?.params) });
    case "cancelled":
      return t(locale, "progress.cancelled");
    case "lost":
      return t(locale, "progress.lost");
  }
}
