// The control block through which the calling thread hands chunked jobs to the helper threads:
// a few i32 words and the job's float64 arguments at a fixed address in the unused first 64 KiB
// of the shared memory, and the claim loop that every participant runs.
//
// Protocol. The caller writes the arguments, JOB, CHUNKS and DONE = 0, then NEXT = (generation
// tag << 15 | 0), then bumps GEN and wakes the helpers. A participant claims chunk i by a
// compare-and-swap of NEXT from (tag | i) to (tag | i + 1): NEXT only ever holds the current
// job's tag, so a claim never lands in a finished job, and the job cannot finish (nor its
// arguments change) while a claimed chunk is outstanding. Each finished chunk adds one to DONE;
// the caller returns once DONE = CHUNKS.

import { runChunk } from "./jobs.js";
import type { KernelExports } from "./runtime.js";

/** Byte address of the control block (below the allocator's heap base). */
export const CONTROL_ADDRESS = 1024;
/** Byte offset of the float64 arguments in the control block. */
const ARGS_OFFSET = 64;
/** Arguments a job may have. */
const MAX_ARGS = 32;

/** i32 slots of the control block. */
export const Slot = {
  /** Job generation: bumped for every posted job (helpers wait on it). */
  gen: 0,
  /** Non-zero: helpers return. */
  quit: 1,
  /** Claim word: generation tag << 15 | next chunk index. */
  next: 2,
  /** Chunks finished. */
  done: 3,
  /** Chunks of the current job. */
  chunks: 4,
  /** The current job (jobs.ts). */
  job: 5,
  /** A chunk's negative result (-2: a helper's exception), 0 if none. */
  error: 6,
  /** Helpers that have started. */
  ready: 7,
  /** Chunks run by helpers so far (a statistic). */
  helperChunks: 8,
} as const;

/** Chunks a job may have (the index bits of the claim word). */
export const MAX_CHUNKS = (1 << 15) - 1;

/** The control block's words and arguments as views of `buffer` (the shared memory). */
export function controlViews(buffer: ArrayBufferLike): { ctrl: Int32Array; args: Float64Array } {
  return {
    ctrl: new Int32Array(buffer, CONTROL_ADDRESS, ARGS_OFFSET / 4),
    args: new Float64Array(buffer, CONTROL_ADDRESS + ARGS_OFFSET, MAX_ARGS),
  };
}

/** The claim word that opens a job of generation `gen`. */
export function openClaims(gen: number): number {
  return (gen & 0xffff) << 15;
}

/**
 * Claims and runs chunks of the current job until none is left. Returns the first exception a
 * chunk threw here (recorded as error -2 too), or undefined.
 */
export function work(
  ctrl: Int32Array,
  args: Float64Array,
  exports: KernelExports,
  participant: number,
): unknown {
  let thrown: unknown = undefined;
  for (;;) {
    const claim = Atomics.load(ctrl, Slot.next);
    const chunks = Atomics.load(ctrl, Slot.chunks);
    const chunk = claim & MAX_CHUNKS;
    if (chunk >= chunks) return thrown;
    if (Atomics.compareExchange(ctrl, Slot.next, claim, claim + 1) !== claim) continue;
    let code: number;
    try {
      code = runChunk(exports, Atomics.load(ctrl, Slot.job), args, chunk, participant);
    } catch (error) {
      thrown ??= error;
      code = -2;
    }
    if (code < 0) Atomics.store(ctrl, Slot.error, code);
    if (participant > 0) Atomics.add(ctrl, Slot.helperChunks, 1);
    if (Atomics.add(ctrl, Slot.done, 1) + 1 === chunks) Atomics.notify(ctrl, Slot.done);
  }
}
