// The worker thread that owns the ONNX sessions. onnxruntime-node's session.run blocks the thread it runs on for
// the whole model call, so running it here keeps the host's event loop (chat gateway heartbeats, queue locks) responsive.
// Messages: init → ready | failed; generate/expand → progress* then result | error; close → closed.
import { parentPort, type MessagePort } from "node:worker_threads";
import { Generator } from "./generate.ts";
import { loadPack, type ModelPack } from "./pack.ts";
import { GenerateAborted, type GenerateRequest, type LoadPipelineOptions, type PipelineInfo, type Progress } from "./types.ts";

export type ToWorker =
  | { type: "init"; options: LoadPipelineOptions }
  | {
      type: "generate"; id: number; request: Omit<GenerateRequest, "onProgress" | "signal">; wantProgress: boolean;
      /**
       * Abort flag (Int32Array over a SharedArrayBuffer; non-zero = stop), set by the host thread. Shared memory, not
       * a message: session.run blocks this thread's event loop, so a "cancel" message would only be read after the
       * whole generation; the flag is read between steps.
       */
      abort?: Int32Array;
    }
  | { type: "expand"; id: number; prompt: string }
  | { type: "close" };

export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

export type FromWorker =
  | { type: "ready"; info: PipelineInfo }
  | { type: "failed"; error: WireError }
  | { type: "progress"; id: number; progress: Progress }
  /** A step finished (progress nobody asked to see): the thread is alive. */
  | { type: "beat"; id: number }
  | { type: "result"; id: number; value: unknown }
  | { type: "error"; id: number; error: WireError }
  | { type: "closed" };

export function toWire(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: String(e) };
}

function serve(port: MessagePort): void {
  let pack: ModelPack | undefined;
  let gen: Generator | undefined;
  // One request at a time: interleaving two generations would only double memory and both latencies.
  let queue: Promise<void> = Promise.resolve();
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

  port.on("message", (msg: ToWorker) => {
    switch (msg.type) {
      case "init":
        queue = queue.then(async () => {
          try {
            pack = await loadPack(msg.options);
            gen = new Generator(pack, { maxFrames: msg.options.maxFrames, maxSeconds: msg.options.maxSeconds });
            post({ type: "ready", info: gen.info });
          } catch (e) {
            post({ type: "failed", error: toWire(e) });
          }
        });
        break;
      case "generate":
        queue = queue.then(async () => {
          const { abort } = msg;
          const checkAbort = () => {
            if (abort && Atomics.load(abort, 0) !== 0) throw new GenerateAborted();
          };
          try {
            checkAbort(); // aborted while queued behind another request
            // The generator calls onProgress after every denoise step and VAE batch: the natural place to stop.
            // Every step reports, wanted or not: it is also the host's sign of life (its stall watchdog in index.ts).
            const result = await gen!.generate({
              ...msg.request,
              onProgress: (progress) => {
                checkAbort();
                post(msg.wantProgress ? { type: "progress", id: msg.id, progress } : { type: "beat", id: msg.id });
              },
            });
            // Frames are moved, not copied, to the host thread.
            const buffers = result.clip.frames.map((f) => f.data.buffer as ArrayBuffer);
            post({ type: "result", id: msg.id, value: result }, [...new Set(buffers)]);
          } catch (e) {
            post({ type: "error", id: msg.id, error: toWire(e) });
          }
        });
        break;
      case "expand":
        queue = queue.then(async () => {
          try {
            post({ type: "result", id: msg.id, value: await gen!.expand(msg.prompt) });
          } catch (e) {
            post({ type: "error", id: msg.id, error: toWire(e) });
          }
        });
        break;
      case "close":
        queue = queue.then(async () => {
          await pack?.release().catch(() => undefined);
          post({ type: "closed" });
          port.close();
        });
        break;
    }
  });
}

if (parentPort) serve(parentPort);
