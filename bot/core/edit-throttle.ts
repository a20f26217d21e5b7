// Platforms rate-limit message edits (Discord allows about 5 per 5 s per channel, Slack's chat.update about 1 per
// second): at most one edit per interval per message, and the final state is always sent.

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
