// ReLU scoring kernels: ⟨mask, values[row]⟩ as a float64 sum of the float32 ReLU outputs on the
// masked neurons in increasing neuron order (exactly the reference's sum; mask bits at or beyond
// the width are ignored). Like the threshold kernels, each handles one chunk [k0, k1) of a row
// list; a row index outside [0, nRows) makes a kernel return -1.

import { rowAt } from "./rows";

/** reluMinManyChunk looks at the other chunks' hits every this many rows. */
const HIT_POLL: i32 = 32;

/**
 * ⟨mask, row⟩ (row: `width` f32 values), returning early with the partial sum once it reaches
 * `limit` after a 32-neuron word (partial sums only grow: the values are >= 0), as the reference.
 */
// @ts-ignore: decorator
@inline
function dotUntil(row: usize, width: i32, mask: usize, limit: f64): f64 {
  const words = (width + 31) >> 5;
  const tail = width & 31;
  let sum: f64 = 0;
  for (let w = 0; w < words; w++) {
    let word = load<u32>(mask + ((<usize>w) << 2));
    if (tail != 0 && w == words - 1) word &= (1 << tail) - 1;
    const base = row + ((<usize>w) << 7);
    while (word != 0) {
      sum += <f64>load<f32>(base + ((<usize>ctz(word)) << 2));
      word &= word - 1;
    }
    if (sum >= limit) return sum;
  }
  return sum;
}

/** Lowers hitBy (an i32) to `chunk` unless it is already lower. */
function recordHit(hitBy: usize, chunk: i32): void {
  for (;;) {
    const old = atomic.load<i32>(hitBy);
    if (old <= chunk) return;
    if (atomic.cmpxchg<i32>(hitBy, old, chunk) == old) return;
  }
}

/**
 * reluMinMany over rows[k0 .. k1): per mask (maskWords u32 each) the running minimum of the
 * reference, frozen once it is <= stopAt. State at `state`: maskCount f64 minima (the results),
 * then maskCount i32 flags (1: running). hitBy as in popcount.ts's minManyChunk. Returns 0, or -1
 * at a row index outside [0, nRows).
 */
export function reluMinManyChunk(
  values: usize,
  width: i32,
  nRows: i32,
  masks: usize,
  maskWords: i32,
  maskCount: i32,
  rows: usize,
  k0: i32,
  k1: i32,
  stopAt: f64,
  state: usize,
  hitBy: usize,
  chunk: i32,
): i32 {
  const rowBytes = (<usize>width) << 2;
  const maskBytes = (<usize>maskWords) << 2;
  const live = state + ((<usize>maskCount) << 3);
  for (let q = 0; q < maskCount; q++) {
    store<f64>(state + ((<usize>q) << 3), Infinity);
    store<i32>(live + ((<usize>q) << 2), 1);
  }
  for (let k = k0; k < k1; k++) {
    if (hitBy != 0 && (k - k0) % HIT_POLL == 0) {
      for (let q = 0; q < maskCount; q++) {
        if (atomic.load<i32>(hitBy + ((<usize>q) << 2)) < chunk) {
          store<i32>(live + ((<usize>q) << 2), 0);
        }
      }
    }
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = values + <usize>r * rowBytes;
    let running = false;
    for (let q = 0; q < maskCount; q++) {
      const flag = live + ((<usize>q) << 2);
      if (load<i32>(flag) == 0) continue;
      running = true;
      const at = state + ((<usize>q) << 3);
      const best = load<f64>(at);
      const v = dotUntil(row, width, masks + <usize>q * maskBytes, best);
      if (v < best) {
        store<f64>(at, v);
        if (v <= stopAt) {
          store<i32>(flag, 0);
          if (hitBy != 0) recordHit(hitBy + ((<usize>q) << 2), chunk);
        }
      }
    }
    if (!running) break;
  }
  return 0;
}

/**
 * reluBelow over rows[k0 .. k1): writes (in order) to out the rows with ⟨mask, row⟩ < bound and
 * returns how many (also stored at countAt), or -1 at a row index outside [0, nRows).
 */
export function reluBelowChunk(
  values: usize,
  width: i32,
  nRows: i32,
  mask: usize,
  rows: usize,
  k0: i32,
  k1: i32,
  bound: f64,
  out: usize,
  countAt: usize,
): i32 {
  const rowBytes = (<usize>width) << 2;
  let written: i32 = 0;
  for (let k = k0; k < k1; k++) {
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    if (dotUntil(values + <usize>r * rowBytes, width, mask, bound) < bound) {
      store<i32>(out + ((<usize>written) << 2), r);
      written++;
    }
  }
  store<i32>(countAt, written);
  return written;
}

/**
 * reluAnyBelow over rows[k0 .. k1): out[k] (a byte) = 1 when some mask q (maskWords u32 each) has
 * ⟨mask_q, row⟩ < thresholds[q] (f64), trying the masks in order until one fires, else 0.
 * Returns 0, or -1 at a row index outside [0, nRows).
 */
export function reluAnyBelowChunk(
  values: usize,
  width: i32,
  nRows: i32,
  masks: usize,
  maskWords: i32,
  thresholds: usize,
  maskCount: i32,
  rows: usize,
  k0: i32,
  k1: i32,
  out: usize,
): i32 {
  const rowBytes = (<usize>width) << 2;
  const maskBytes = (<usize>maskWords) << 2;
  for (let k = k0; k < k1; k++) {
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = values + <usize>r * rowBytes;
    let fired: u8 = 0;
    for (let q = 0; q < maskCount; q++) {
      const t = load<f64>(thresholds + ((<usize>q) << 3));
      if (dotUntil(row, width, masks + <usize>q * maskBytes, t) < t) {
        fired = 1;
        break;
      }
    }
    store<u8>(out + <usize>k, fired);
  }
  return 0;
}

/**
 * reluCoverage over rows[k0 .. k1) (k0 a multiple of 32, so that chunks write disjoint words):
 * bit k of row q of out (outWords u32 per row) is 1 iff ⟨mask_q, row rows[k]⟩ < bounds[q] (f64),
 * the mask q maskWords u32 at masks + q · maskWords · 4. Clears the chunk's words first; rows
 * outer, so every mask is scored against a row while it is in cache. Returns 0, or -1 at a row
 * index outside [0, nRows).
 */
export function reluCoverageChunk(
  values: usize,
  width: i32,
  nRows: i32,
  masks: usize,
  maskWords: i32,
  maskCount: i32,
  bounds: usize,
  rows: usize,
  k0: i32,
  k1: i32,
  out: usize,
  outWords: i32,
): i32 {
  const rowBytes = (<usize>width) << 2;
  const maskBytes = (<usize>maskWords) << 2;
  const outRowBytes = (<usize>outWords) << 2;
  const w0 = k0 >> 5;
  const w1 = (k1 + 31) >> 5;
  for (let q = 0; q < maskCount; q++) {
    memory.fill(out + <usize>q * outRowBytes + ((<usize>w0) << 2), 0, (<usize>(w1 - w0)) << 2);
  }
  for (let k = k0; k < k1; k++) {
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = values + <usize>r * rowBytes;
    const bit: u32 = 1 << (k & 31);
    const wordAt = out + ((<usize>(k >> 5)) << 2);
    for (let q = 0; q < maskCount; q++) {
      const bound = load<f64>(bounds + ((<usize>q) << 3));
      if (dotUntil(row, width, masks + <usize>q * maskBytes, bound) < bound) {
        const at = wordAt + <usize>q * outRowBytes;
        store<u32>(at, load<u32>(at) | bit);
      }
    }
  }
  return 0;
}
