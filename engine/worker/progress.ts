// Progress for one job: the pipeline's steps plus the worker's own stages, with an ETA, written to the job
// (job.updateProgress → the `progress` event every bot process sees). Writes are throttled: each is a Redis round trip
// and a stream entry, and chat platforms throttle message edits far more than that anyway.
//
// Previews: every few denoise steps the pipeline hands over its current guess of the middle frame; the worker stores
// it as a small PNG and names it in `previewRef`, so adapters can show the clip taking shape.
import type { JobProgress, ProgressStage } from "../queue/progress.ts";

/** At most one write per this many ms, except stage changes and the last step of a stage, which always go out. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * What this process has learnt about run times, for ETAs before the first step of a job is timed: ms per denoise
 * step, and ms from the end of denoising to the stored clip (decode, encode, store). Moving averages.
 */
export class RunEstimates {
  stepMs?: number;
  tailMs?: number;

  learn(stepMs: number | undefined, tailMs: number | undefined): void {
    const mix = (old: number | undefined, x: number | undefined) =>
      x === undefined || !Number.isFinite(x) ? old : old === undefined ? x : 0.7 * old + 0.3 * x;
    this.stepMs = mix(this.stepMs, stepMs);
    this.tailMs = mix(this.tailMs, tailMs);
  }
}

export class JobProgressReporter {
  private lastStage?: ProgressStage;
  private lastWrite = 0;
  private chain: Promise<void> = Promise.resolve();
  private denoiseStart?: number;
  private denoiseSteps = 0;
  private denoiseEnd?: number;
  private stepsDone = 0;
  private lastStageAt = 0;
  /** The progress a deferred report built, for reportPreview to send with its image. */
  private pending?: JobProgress;

  constructor(
    private readonly write: (p: JobProgress) => Promise<void>,
    private readonly estimates: RunEstimates,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Denoise steps the job is expected to take, for an ETA before the first step is timed. */
  expectSteps(steps: number): void {
    if (this.denoiseSteps === 0) this.denoiseSteps = steps;
  }

  /** Record a stage/step; sends it unless throttled. Never throws (progress is advisory; the job goes on). */
  report(stage: ProgressStage, step: number, steps: number, deferWrite = false): void {
    this.pending = undefined;
    const t = this.now();
    if (stage === "denoise") {
      // The first denoise report comes after the first step; time the steps from the end of the text stage.
      this.denoiseStart ??= this.lastStage === "text" ? this.lastStageAt : t;
      this.denoiseSteps = steps;
      this.stepsDone = step;
      this.denoiseEnd = t; // the latest step so far; final once another stage begins
    }
    const changed = stage !== this.lastStage;
    if (changed) this.lastStageAt = t;
    this.lastStage = stage;
    if (!deferWrite && !changed && step < steps && t - this.lastWrite < PROGRESS_INTERVAL_MS) return;
    this.lastWrite = t;
    const p: JobProgress = { stage, step, steps };
    const eta = this.eta(stage, t);
    if (eta !== undefined) p.etaSeconds = eta;
    if (deferWrite) {
      this.pending = p;
      return;
    }
    this.chain = this.chain.then(() => this.write(p)).catch(() => undefined);
  }

  /**
   * A step that comes with a preview image: always written (previews are a few per job), after `storePreview` has
   * put the image in the store. If storing fails, that one step goes unreported (the next one follows within a step).
   */
  reportPreview(stage: ProgressStage, step: number, steps: number, storePreview: () => Promise<string>): void {
    this.report(stage, step, steps, true);
    const sent = this.pending;
    if (!sent) return;
    this.chain = this.chain
      .then(async () => this.write({ ...sent, previewRef: await storePreview() }))
      .catch(() => undefined);
  }

  /** Resolves when every write so far has been made (or has failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Feed this job's timings into the process's estimates (call when the clip is stored). */
  learn(): void {
    const stepMs = this.denoiseStart !== undefined && this.denoiseEnd !== undefined && this.stepsDone > 0
      ? (this.denoiseEnd - this.denoiseStart) / this.stepsDone : undefined;
    const tailMs = this.denoiseEnd !== undefined ? this.now() - this.denoiseEnd : undefined;
    this.estimates.learn(stepMs, tailMs);
  }

  private eta(stage: ProgressStage, t: number): number | undefined {
    const { stepMs: knownStep, tailMs } = this.estimates;
    const tail = tailMs ?? 0;
    let ms: number | undefined;
    if (stage === "denoise" && this.denoiseStart !== undefined && this.stepsDone > 0) {
      const perStep = (t - this.denoiseStart) / this.stepsDone;
      ms = perStep * (this.denoiseSteps - this.stepsDone) + tail;
    } else if (stage === "decode" || stage === "encode" || stage === "store") {
      // After denoising: what is left of the usual tail.
      ms = tailMs === undefined ? undefined : Math.max(0, tail - (t - (this.denoiseEnd ?? t)));
    } else if (knownStep !== undefined && this.denoiseSteps > 0) {
      ms = knownStep * this.denoiseSteps + tail;
    }
    return ms === undefined ? undefined : Math.ceil(ms / 1000);
  }
}
