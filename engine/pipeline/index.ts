// Public entry of the engine's inference pipeline (CONTRACTS §7). `loadPipeline` starts a worker thread that owns
// the model and returns a proxy whose `generate` never blocks the caller's event loop.
import { Worker } from "node:worker_threads";
import { PackError } from "./manifest.ts";
import type { FromWorker, ToWorker, WireError } from "./worker.ts";
import {
  GenerateAborted, RequestError, type GenerateRequest, type GenerateResult, type LoadPipelineOptions, type Pipeline, type PipelineInfo,
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

export async function loadPipeline(opts: LoadPipelineOptions = {}): Promise<Pipeline> {
  const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url));
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let dead: Error | undefined;
  let closing: Promise<void> | undefined;

  // Hold the process open only while work is in flight, so a script that forgets close() can still exit.
  const refresh = () => (pending.size > 0 || closing ? worker.ref() : worker.unref());
  const send = (m: ToWorker) => worker.postMessage(m);

  const info = await new Promise<PipelineInfo>((resolve, reject) => {
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
    send({ type: "init", options: opts });
  }).catch(async (e) => {
    await worker.terminate();
    throw e;
  });

  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    refresh();
  };
  worker.on("error", (e) => failAll(e instanceof Error ? e : new Error(String(e))));
  worker.on("exit", (code) => failAll(new Error(`pipeline worker exited (code ${code})`)));
  worker.on("message", (m: FromWorker) => {
    if (m.type === "progress") {
      pending.get(m.id)?.onProgress?.(m.progress);
    } else if (m.type === "result" || m.type === "error") {
      const p = pending.get(m.id);
      pending.delete(m.id);
      refresh();
      if (!p) return;
      if (m.type === "result") p.resolve(m.value);
      else p.reject(fromWire(m.error));
    }
  });
  refresh();

  const call = <T>(make: (id: number) => ToWorker, onProgress?: (p: Progress) => void): Promise<T> => {
    if (dead) return Promise.reject(dead);
    if (closing) return Promise.reject(new Error("pipeline is closed"));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      refresh();
      try {
        send(make(id));
      } catch (e) {
        // e.g. a request holding something structured clone cannot copy
        pending.delete(id);
        refresh();
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
      closing = new Promise<void>((resolve) => {
        if (dead) {
          void worker.terminate().then(() => resolve());
          return;
        }
        // Let queued work finish and the sessions be released, then make sure the thread is gone.
        worker.on("message", (m: FromWorker) => {
          if (m.type === "closed") void worker.terminate().then(() => resolve());
        });
        worker.once("exit", () => resolve());
        send({ type: "close" });
      });
      refresh(); // keeps the process alive until the worker has released the sessions
      return closing;
    },
  };
}
