// The chunked jobs of the WebAssembly kernels: what one chunk of each job runs, given the job's
// arguments (float64 values in the shared control block, see pool.ts). The calling thread and
// the helper threads run chunks through this one function, so a chunk computes the same thing
// whichever thread runs it.

import type { KernelExports } from "./runtime.js";

/** The jobs (the numbers are what the control block holds). */
export const Job = {
  minMany: 1,
  below: 2,
  anyBelow: 3,
  reluMinMany: 4,
  reluBelow: 5,
  reluAnyBelow: 6,
  group: 7,
  fill: 8,
  panels: 9,
  coverage: 10,
  reluCoverage: 11,
} as const;

/** A job's number. */
export type JobId = (typeof Job)[keyof typeof Job];

/** Rows [k0, k1) of chunk c of a row list of `count` rows in chunks of `chunkRows`. */
function span(c: number, chunkRows: number, count: number): [number, number] {
  const k0 = c * chunkRows;
  return [k0, Math.min(count, k0 + chunkRows)];
}

/**
 * Runs chunk `c` of job `job` with arguments `a` on `participant`'s scratch (0 is the calling
 * thread, helpers count from 1). Returns a negative number when the module refused an input.
 * Argument layouts are written by kernels.ts, in the order of the comments below.
 */
export function runChunk(
  k: KernelExports,
  job: number,
  a: Float64Array,
  c: number,
  participant: number,
): number {
  switch (job) {
    case Job.minMany: {
      // bits, words, nRows, masks, maskCount, rows, count, chunkRows, stopAt, state, stride, hitBy
      const [k0, k1] = span(c, a[7], a[6]);
      const state = a[9] + c * a[10];
      return k.minManyChunk(a[0], a[1], a[2], a[3], a[4], a[5], k0, k1, a[8], state, a[11], c);
    }
    case Job.below: {
      // bits, words, nRows, mask, rows, count, chunkRows, bound, out, counts
      const [k0, k1] = span(c, a[6], a[5]);
      return k.belowChunk(a[0], a[1], a[2], a[3], a[4], k0, k1, a[7], a[8] + 4 * k0, a[9] + 4 * c);
    }
    case Job.anyBelow: {
      // bits, words, nRows, masks, bounds, maskCount, rows, count, chunkRows, out
      const [k0, k1] = span(c, a[8], a[7]);
      return k.anyBelowChunk(a[0], a[1], a[2], a[3], a[4], a[5], a[6], k0, k1, a[9]);
    }
    case Job.reluMinMany: {
      // values, width, nRows, masks, maskWords, maskCount, rows, count, chunkRows, stopAt,
      // state, stride, hitBy
      const [k0, k1] = span(c, a[8], a[7]);
      const state = a[10] + c * a[11];
      return k.reluMinManyChunk(
        a[0],
        a[1],
        a[2],
        a[3],
        a[4],
        a[5],
        a[6],
        k0,
        k1,
        a[9],
        state,
        a[12],
        c,
      );
    }
    case Job.reluBelow: {
      // values, width, nRows, mask, rows, count, chunkRows, bound, out, counts
      const [k0, k1] = span(c, a[6], a[5]);
      const out = a[8] + 4 * k0;
      return k.reluBelowChunk(a[0], a[1], a[2], a[3], a[4], k0, k1, a[7], out, a[9] + 4 * c);
    }
    case Job.reluAnyBelow: {
      // values, width, nRows, masks, maskWords, thresholds, maskCount, rows, count, chunkRows, out
      const [k0, k1] = span(c, a[9], a[8]);
      return k.reluAnyBelowChunk(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], k0, k1, a[10]);
    }
    case Job.group: {
      // x, dim, rows, blockRows, group, scratch, scratchStride, members, unionCounts, bits, words
      const [r0, r1] = span(c, a[3], a[2]);
      const g = r0 / a[4];
      const scratch = a[5] + participant * a[6];
      k.groupBlock(a[0], a[1], r0, r1, a[4], scratch, a[7] + 16 * g, a[8] + 4 * g, a[9], a[10]);
      return 0;
    }
    case Job.fill: {
      // x, dim, members, unionStart, groups, groupsPerChunk, cols, vals
      const [g0, g1] = span(c, a[5], a[4]);
      k.fillBlock(a[0], a[1], a[2], a[3], g0, g1, a[6], a[7]);
      return 0;
    }
    case Job.panels: {
      // w, dim, width, bias, groups, groupsPerChunk, groupChunks, members, unionStart, cols,
      // vals, buffers, bufferStride, call, bits, words, values
      const t = Math.floor(c / a[6]);
      const [g0, g1] = span(c % a[6], a[5], a[4]);
      const buf = a[11] + participant * a[12];
      k.panelChunk(
        a[0],
        a[1],
        a[2],
        a[3],
        t,
        g0,
        g1,
        a[7],
        a[8],
        a[9],
        a[10],
        buf,
        a[13],
        a[14],
        a[15],
        a[16],
      );
      return 0;
    }
    case Job.coverage: {
      // bits, words, nRows, masks, maskCount, bounds, rows, count, chunkRows, out, outWords
      const [k0, k1] = span(c, a[8], a[7]);
      return k.coverageChunk(a[0], a[1], a[2], a[3], a[4], a[5], a[6], k0, k1, a[9], a[10]);
    }
    case Job.reluCoverage: {
      // values, width, nRows, masks, maskWords, maskCount, bounds, rows, count, chunkRows, out,
      // outWords
      const [k0, k1] = span(c, a[9], a[8]);
      return k.reluCoverageChunk(
        a[0],
        a[1],
        a[2],
        a[3],
        a[4],
        a[5],
        a[6],
        a[7],
        k0,
        k1,
        a[10],
        a[11],
      );
    }
    default:
      throw new Error(`wasm backend: internal error: unknown job ${job}`);
  }
}
