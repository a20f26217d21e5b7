// Progress as text every platform can show: a bar, a percentage, the stage, queue position and ETA, in the reader's
// language. Plus EditThrottle, because platforms rate-limit message edits (Discord allows about 5 per 5 s per
// channel, Slack's chat.update about 1 per second): at most one edit per interval per message, and the final state is
// always sent.
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

/** Time source for EditThrottle; tests drive a hand-moved one, production uses the real clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * One per message. push() sends at once if the interval has passed, else remembers only the newest value and sends
 * it when the interval ends (intermediate states are dropped: nobody needs 41 % after 42 %). finish() sends the
 * final value, no sooner than the interval allows, and resolves once it is sent; pushes after finish are ignored.
 * Sends never overlap: while one is in flight, newer values wait (the newest only) and go when it has ended, still
 * at least an interval after its start. So edits arrive in order, and a slow request never lets two out back to back
 * (which a platform's per-channel rate limit would count against us).
 */
export class EditThrottle<T> {
  /** When the last send started. */
  private lastSent = -Infinity;
  private pending: { value: T } | undefined;
  private timer: unknown;
  private sending = false;
  private finished = false;
  private finalDone: Promise<void> | undefined;
  private resolveFinal: (() => void) | undefined;

  constructor(
    private readonly send: (value: T) => Promise<void>,
    private readonly intervalMs: number,
    private readonly clock: Clock = realClock,
    /** A failed edit must not stop later ones (the message may come back); report it and go on. */
    private readonly onError: (err: unknown) => void = (err) => console.warn("progress edit failed:", err),
  ) {}

  push(value: T): void {
    if (this.finished) return;
    this.pending = { value };
    this.schedule();
  }

  finish(value: T): Promise<void> {
    if (this.finalDone) return this.finalDone;
    this.finished = true;
    this.pending = { value };
    this.finalDone = new Promise((resolve) => (this.resolveFinal = resolve));
    this.schedule();
    return this.finalDone;
  }

  /** Send the pending value when the interval allows; while a send is in flight its end schedules the next. */
  private schedule(): void {
    if (this.timer !== undefined || this.sending || !this.pending) return;
    const wait = this.lastSent + this.intervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const item = this.pending;
    if (!item) return;
    this.pending = undefined;
    this.lastSent = this.clock.now();
    this.sending = true;
    const isFinal = this.finished;
    void Promise.resolve()
      .then(() => this.send(item.value))
      .catch(this.onError)
      .then(() => {
        this.sending = false;
        if (this.pending) this.schedule();
        else if (isFinal) this.resolveFinal?.();
      });
  }
}
