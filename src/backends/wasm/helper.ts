// What a helper thread of the WebAssembly backend runs (browser-safe; the platform's worker
// script calls serveKernels, see threads.ts): on its one message it instantiates the kernels
// module over the caller's shared memory, then works on the chunks of every posted job (see
// control.ts) until the caller tells it to quit.

import { Slot, controlViews, work } from "./control.js";
import { instantiateKernels, type WasmMemory } from "./runtime.js";

/** The message that starts a helper. */
export interface HelperStart {
  readonly kind: "memonet-wasm-helper";
  readonly module: object;
  readonly memory: WasmMemory;
  /** This helper's participant index (1, 2, ...; 0 is the calling thread). */
  readonly participant: number;
}

/** Polls of GEN before a helper sleeps (a few microseconds: jobs often come in quick series). */
const SPINS = 2000;

function isStart(data: unknown): data is HelperStart {
  return (
    typeof data === "object" &&
    data !== null &&
    (data as { kind?: unknown }).kind === "memonet-wasm-helper"
  );
}

/**
 * Serves the kernels on this thread: `listen` registers the handler of the worker's messages
 * (Node: parentPort.on("message", …); a Web Worker: self.onmessage = (e) => …(e.data)). The
 * handler returns only when the backend quits.
 */
export function serveKernels(listen: (handler: (data: unknown) => void) => void): void {
  let started = false;
  listen((data) => {
    if (started || !isStart(data)) return;
    started = true;
    const exports = instantiateKernels(data.module, data.memory);
    const { ctrl, args } = controlViews(data.memory.buffer);
    let seen = Atomics.load(ctrl, Slot.gen);
    Atomics.add(ctrl, Slot.ready, 1);
    for (;;) {
      for (let s = 0; s < SPINS && Atomics.load(ctrl, Slot.gen) === seen; s++);
      Atomics.wait(ctrl, Slot.gen, seen);
      if (Atomics.load(ctrl, Slot.quit) !== 0) return;
      seen = Atomics.load(ctrl, Slot.gen);
      work(ctrl, args, exports, data.participant);
    }
  });
}
