// Public entry of the engine's inference pipeline (CONTRACTS §7). `loadPipeline` starts a worker thread that owns
// the model and returns a proxy whose `generate` never blocks the caller's event loop.
import { Worker } from "node:worker_threads";
import { PackError } from "./manifest.ts";
import type { FromWorker, ToWorker, WireError } from "./worker.ts";
import { INFERENCE_TIMEOUT_MS } from "../config/limits.ts";
import { readSetting } from "../config/settings.ts";
import {
  GenerateAborted, InferenceTimeoutError, RequestError, type GenerateRequest, type GenerateResult, type LoadPipelineOptions, type Pipeline, type PipelineInfo,
  type Progress,
} from "./types.ts";

export * from "./types.ts";
export { PackError } from "./manifest.ts";
export { resolveModelDir, DEFAULT_MODEL_DIR } from "./pack.ts";
// In-thread use (scripts that want no worker; blocks the calling thread during model calls).
export { loadPack, type ModelPack } from "./pack.ts";
export { Generator, type GeneratorOptions } from "./generate.ts";

function fromWire(e: WireError): Error {
  const err = e.name === "RequestError" ? new RequestError(e.message)
    : e.name === "PackError" ? new PackError(e.message)
    : e.name === "GenerateAborted" ? new GenerateAborted()
    : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: Progress) => void;
}

/** A model thread: started, then ready with the pack loaded (or failed). */
function startThread(opts: LoadPipelineOptions): { worker: Worker; ready: Promise<PipelineInfo> } {
  const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url));
  const ready = new Promise<PipelineInfo>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`pipeline worker exited (code ${code}) while loading the model`));
    worker.once("error", reject);
    worker.once("exit", onExit);
    worker.once("message", (m: FromWorker) => {
      worker.off("error", reject);
      worker.off("exit", onExit);
      if (m.type === "ready") resolve(m.info);
      else if (m.type === "failed") reject(fromWire(m.error));
      else reject(new Error(`pipeline worker sent ${m.type} before ready`));
    });
    worker.postMessage({ type: "init", options: opts } satisfies ToWorker);
  });
  return { worker, ready };
}

export async function loadPipeline(opts: LoadPipelineOptions = {}): Promise<Pipeline> {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let dead: Error | undefined;
  let closing: Promise<void> | undefined;
  /** The wall-clock limit between two signs of life of the thread while it works; read per call (tests change it). */
  const stallMs = () => opts.callTimeoutMs ?? readSetting(INFERENCE_TIMEOUT_MS);

  const first = startThread(opts);
  const info = await first.ready.catch(async (e) => {
    await first.worker.terminate();
    throw e;
  });
  let worker = first.worker;
  /** Set while a replacement thread loads: calls wait for it. */
  let restarting: Promise<void> | undefined;
  let watchdog: NodeJS.Timeout | undefined;

  // Hold the process open only while work is in flight, so a script that forgets close() can still exit.
  const refresh = () => (pending.size > 0 || closing || restarting ? worker.ref() : worker.unref());
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    refresh();
  };
  // The thread works on one request at a time and reports after every model step: silence longer than the limit
  // while requests are pending means one onnxruntime call is stuck. session.run cannot be interrupted, so the thread
  // is abandoned and a fresh one takes over. The old one is asked to close, and terminated only once it has: a
  // thread terminated inside a native onnxruntime call took the whole process down now and then (the worker
  // failure test's fork crashed in about one run of two).
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = undefined;
    if (pending.size === 0 || closing || dead) return;
    const ms = stallMs();
    watchdog = setTimeout(() => void stalled(ms), ms);
    watchdog.unref();
  };
  const stalled = async (ms: number) => {
    failAll(new InferenceTimeoutError(`the model made no progress for ${ms} ms; its thread was restarted`));
    abandon(worker);
    const next = startThread(opts);
    worker = next.worker;
    restarting = next.ready.then(() => attach(next.worker), (e: Error) => {
      dead ??= new Error(`the model thread could not be restarted: ${e.message}`);
      void next.worker.terminate();
    }).finally(() => {
      restarting = undefined;
      refresh();
    });
    refresh();
  };

  /** Let a stalled thread finish its native call and release its sessions, then end it; it never holds the process. */
  const abandon = (old: Worker) => {
    old.removeAllListeners();
    old.on("error", () => undefined);
    old.on("message", (m: FromWorker) => {
      if (m.type === "closed") void old.terminate();
    });
    old.postMessage({ type: "close" } satisfies ToWorker);
    old.unref();
  };

  const attach = (w: Worker) => {
    w.on("error", (e) => {
      dead ??= e instanceof Error ? e : new Error(String(e));
      failAll(dead);
    });
    w.on("exit", (code) => {
      dead ??= new Error(`pipeline worker exited (code ${code})`);
      failAll(dead);
    });
    w.on("message", (m: FromWorker) => {
      if (m.type === "progress" || m.type === "beat") {
        arm();
        if (m.type === "progress") pending.get(m.id)?.onProgress?.(m.progress);
      } else if (m.type === "result" || m.type === "error") {
        const p = pending.get(m.id);
        pending.delete(m.id);
        refresh();
        arm();
        if (!p) return;
        if (m.type === "result") p.resolve(m.value);
        else p.reject(fromWire(m.error));
      }
    });
  };
  attach(worker);
  refresh();

  const call = async <T>(make: (id: number) => ToWorker, onProgress?: (p: Progress) => void): Promise<T> => {
    if (restarting) await restarting;
    if (dead) throw dead;
    if (closing) throw new Error("pipeline is closed");
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      refresh();
      if (pending.size === 1) arm();
      try {
        worker.postMessage(make(id));
      } catch (e) {
        // e.g. a request holding something structured clone cannot copy
        pending.delete(id);
        refresh();
        arm();
        reject(new RequestError(`request cannot be sent to the pipeline: ${(e as Error).message}`));
      }
    });
  };

  return {
    info,
    generate(req: GenerateRequest): Promise<GenerateResult> {
      // Functions cannot cross to the worker; progress comes back as messages and is dispatched here.
      const { onProgress, signal, ...request } = req ?? ({} as GenerateRequest);
      if (!signal) return call<GenerateResult>((id) => ({ type: "generate", id, request, wantProgress: !!onProgress }), onProgress);
      if (signal.aborted) return Promise.reject(new GenerateAborted());
      // The thread reads this flag between steps (it cannot read messages while a model call blocks it). The promise
      // settles only when the thread has stopped, so the model is free again once a cancelled generate rejects.
      const abort = new Int32Array(new SharedArrayBuffer(4));
      const onAbort = () => Atomics.store(abort, 0, 1);
      signal.addEventListener("abort", onAbort, { once: true });
      return call<GenerateResult>((id) => ({ type: "generate", id, request, wantProgress: !!onProgress, abort }), onProgress)
        .finally(() => signal.removeEventListener("abort", onAbort));
    },
    expand(prompt: string) {
      return call<{ expandedPrompt: string; unknownWords: string[] }>((id) => ({ type: "expand", id, prompt }));
    },
    close(): Promise<void> {
      if (closing) return closing;
      clearTimeout(watchdog);
      closing = (async () => {
        await restarting;
        await new Promise<void>((resolve) => {
          if (dead) {
            void worker.terminate().then(() => resolve());
            return;
          }
          // Let queued work finish and the sessions be released, then make sure the thread is gone.
          worker.on("message", (m: FromWorker) => {
            if (m.type === "closed") void worker.terminate().then(() => resolve());
          });
          worker.once("exit", () => resolve());
          worker.postMessage({ type: "close" } satisfies ToWorker);
        });
      })();
      refresh(); // keeps the process alive until the worker has released the sessions
      return closing;
    },
  };
}
