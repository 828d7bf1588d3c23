// The calling thread's side of the helper threads: starts them (lazily, through the platform's
// worker factory), posts chunked jobs through the control block (control.ts) and takes part in
// them. Chunks write disjoint results that kernels.ts merges in chunk order, so results never
// depend on how many helpers run or which chunk each one took; a job posted before any helper
// is up simply runs all its chunks on the calling thread.

import { MAX_CHUNKS, Slot, controlViews, openClaims, work } from "./control.js";
import type { HelperStart } from "./helper.js";
import { runChunk, type JobId } from "./jobs.js";
import type { KernelExports, WasmMemory } from "./runtime.js";
import type { KernelWorker, WorkerFactory } from "./threads.js";

/** Polls of DONE before the caller sleeps on it. */
const SPINS = 4000;
/** Longest single sleep of the caller on DONE, in milliseconds (then it polls again). */
const SLEEP_MS = 20;

/** Whether this thread may block in Atomics.wait on `ctrl` (not on a browser's main thread). */
function canBlock(ctrl: Int32Array): boolean {
  try {
    // The value differs from the slot's (0), so this returns at once where waiting is allowed.
    Atomics.wait(ctrl, Slot.quit, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The caller's side of `threads` participants (itself and threads − 1 helpers). */
export class ThreadPool {
  /** The job arguments (float64) in the control block: written before run(). */
  readonly args: Float64Array;
  private readonly ctrl: Int32Array;
  private readonly blocking: boolean;
  private workers: KernelWorker[] | null = null;
  private gen = 0;

  constructor(
    private readonly exports: KernelExports,
    private readonly memory: WasmMemory,
    private readonly module: object,
    /** Participants, the calling thread included. */
    readonly threads: number,
    private readonly factory: WorkerFactory | null,
  ) {
    const views = controlViews(memory.buffer);
    this.ctrl = views.ctrl;
    this.args = views.args;
    this.ctrl.fill(0);
    this.blocking = canBlock(this.ctrl);
  }

  /** Helpers that have started (0 until their threads have come up). */
  get readyHelpers(): number {
    return Atomics.load(this.ctrl, Slot.ready);
  }

  /** Chunks that helper threads have run so far. */
  get helperChunks(): number {
    return Atomics.load(this.ctrl, Slot.helperChunks);
  }

  /** Starts the helper threads if there are to be any and they are not started yet. */
  start(): void {
    if (this.workers !== null || this.factory === null || this.threads <= 1) return;
    this.workers = [];
    for (let p = 1; p < this.threads; p++) {
      const worker = this.factory.create();
      const start: HelperStart = {
        kind: "memonet-wasm-helper",
        module: this.module,
        memory: this.memory,
        participant: p,
      };
      worker.postMessage(start);
      this.workers.push(worker);
    }
  }

  /** Resolves once every helper is up (rejects after `timeoutMs`); for tests and benchmarks. */
  async whenReady(timeoutMs = 10_000): Promise<number> {
    this.start();
    const want = this.workers?.length ?? 0;
    const t0 = Date.now();
    while (this.readyHelpers < want) {
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(`wasm backend: ${this.readyHelpers} of ${want} helper threads started`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return want;
  }

  /**
   * Runs chunks 0 .. chunks − 1 of `job` (arguments already in `args`) on this thread and the
   * helpers that are up. Returns the most negative chunk result (0 when none was negative);
   * rethrows an exception of a chunk run on this thread after every chunk has finished.
   */
  run(job: JobId, chunks: number): number {
    if (!(chunks >= 1 && chunks <= MAX_CHUNKS)) {
      throw new Error(`wasm backend: internal error: ${chunks} chunks`);
    }
    const { ctrl, args } = this;
    if (chunks > 1) this.start();
    if (chunks === 1 || this.readyHelpers === 0) {
      let worst = 0;
      for (let c = 0; c < chunks; c++)
        worst = Math.min(worst, runChunk(this.exports, job, args, c, 0));
      return worst;
    }
    Atomics.store(ctrl, Slot.error, 0);
    Atomics.store(ctrl, Slot.job, job);
    Atomics.store(ctrl, Slot.chunks, chunks);
    Atomics.store(ctrl, Slot.done, 0);
    this.gen = (this.gen + 1) | 0;
    Atomics.store(ctrl, Slot.next, openClaims(this.gen));
    Atomics.store(ctrl, Slot.gen, this.gen);
    Atomics.notify(ctrl, Slot.gen);
    const thrown = work(ctrl, args, this.exports, 0);
    this.waitDone(chunks);
    if (thrown !== undefined) throw thrown;
    const error = Atomics.load(ctrl, Slot.error);
    if (error === -2) throw new Error("wasm backend: internal error in a helper thread");
    return error;
  }

  /** Tells the helpers to quit and terminates their workers. */
  close(): void {
    if (this.workers === null) return;
    Atomics.store(this.ctrl, Slot.quit, 1);
    Atomics.store(this.ctrl, Slot.ready, 0);
    Atomics.add(this.ctrl, Slot.gen, 1);
    Atomics.notify(this.ctrl, Slot.gen);
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  /** Waits until `chunks` chunks are done: polls a while, then sleeps where this thread may. */
  private waitDone(chunks: number): void {
    const { ctrl } = this;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(ctrl, Slot.done);
      if (done >= chunks) return;
      if (this.blocking && ++spins > SPINS) Atomics.wait(ctrl, Slot.done, done, SLEEP_MS);
    }
  }
}
