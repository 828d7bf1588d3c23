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

/** Masks scored together by reluCoverageChunk: four f64x2 sums, two masks each. */
const COVER_GROUP: i32 = 8;

/** Mask words at `off` of two masks (bits outside `keep` cleared) as the two i64 lanes. */
// @ts-ignore: decorator
@inline
function pairWords(m0: usize, m1: usize, off: usize, keep: u32): v128 {
  const lo = i64x2.splat(<i64>(load<u32>(m0 + off) & keep));
  return i64x2.replace_lane(lo, 1, <i64>(load<u32>(m1 + off) & keep));
}

/** bounds[a] and bounds[b] (f64) as an f64x2. */
// @ts-ignore: decorator
@inline
function pairBounds(bounds: usize, a: i32, b: i32): v128 {
  const lo = f64x2.splat(load<f64>(bounds + ((<usize>a) << 3)));
  return f64x2.replace_lane(lo, 1, load<f64>(bounds + ((<usize>b) << 3)));
}

/** `v` where the lane's mask word x has the bit `bitv` (an i64x2 splat of one bit), else +0. */
// @ts-ignore: decorator
@inline
function masked(v: v128, x: v128, bitv: v128): v128 {
  return v128.and(v, i64x2.eq(v128.and(x, bitv), bitv));
}

/**
 * Which of the COVER_GROUP masks q0, q0 + 1, … (indices past `last` repeat mask `last`) fire on
 * `row`: bit l of the result is 1 iff ⟨mask, row⟩ < bound, computed as dotUntil does, one mask
 * per f64 lane. Each lane adds, in increasing neuron order, the values of its mask's neurons and
 * +0 for the others (which leaves a sum that starts at +0 unchanged), so its sums are the
 * reference's; after each 32-neuron word a lane whose sum reached its bound is done (does not
 * fire, as the reference's early return), and the row stops once every lane is done.
 */
function fires8(
  row: usize,
  width: i32,
  masks: usize,
  maskBytes: usize,
  bounds: usize,
  q0: i32,
  last: i32,
): i32 {
  const q1 = min(q0 + 1, last);
  const q2 = min(q0 + 2, last);
  const q3 = min(q0 + 3, last);
  const q4 = min(q0 + 4, last);
  const q5 = min(q0 + 5, last);
  const q6 = min(q0 + 6, last);
  const q7 = min(q0 + 7, last);
  const m0 = masks + <usize>q0 * maskBytes;
  const m1 = masks + <usize>q1 * maskBytes;
  const m2 = masks + <usize>q2 * maskBytes;
  const m3 = masks + <usize>q3 * maskBytes;
  const m4 = masks + <usize>q4 * maskBytes;
  const m5 = masks + <usize>q5 * maskBytes;
  const m6 = masks + <usize>q6 * maskBytes;
  const m7 = masks + <usize>q7 * maskBytes;
  const b0 = pairBounds(bounds, q0, q1);
  const b1 = pairBounds(bounds, q2, q3);
  const b2 = pairBounds(bounds, q4, q5);
  const b3 = pairBounds(bounds, q6, q7);
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  let d0 = i64x2.splat(0);
  let d1 = d0;
  let d2 = d0;
  let d3 = d0;
  const words = (width + 31) >> 5;
  for (let w = 0; w < words; w++) {
    const n = min(32, width - (w << 5));
    const keep: u32 = n == 32 ? 0xffffffff : (<u32>1 << n) - 1;
    const off = (<usize>w) << 2;
    const x0 = pairWords(m0, m1, off, keep);
    const x1 = pairWords(m2, m3, off, keep);
    const x2 = pairWords(m4, m5, off, keep);
    const x3 = pairWords(m6, m7, off, keep);
    const base = row + ((<usize>w) << 7);
    // The neurons some mask of the group has (the others add +0 to every lane).
    const union = v128.or(v128.or(x0, x1), v128.or(x2, x3));
    let any = <u32>(i64x2.extract_lane(union, 0) | i64x2.extract_lane(union, 1));
    while (any != 0) {
      const i = ctz(any);
      any &= any - 1;
      const bitv = i64x2.splat(<i64>1 << <i64>i);
      const v = f64x2.splat(<f64>load<f32>(base + ((<usize>i) << 2)));
      s0 = f64x2.add(s0, masked(v, x0, bitv));
      s1 = f64x2.add(s1, masked(v, x1, bitv));
      s2 = f64x2.add(s2, masked(v, x2, bitv));
      s3 = f64x2.add(s3, masked(v, x3, bitv));
    }
    d0 = v128.or(d0, f64x2.ge(s0, b0));
    d1 = v128.or(d1, f64x2.ge(s1, b1));
    d2 = v128.or(d2, f64x2.ge(s2, b2));
    d3 = v128.or(d3, f64x2.ge(s3, b3));
    if (i64x2.all_true(v128.and(v128.and(d0, d1), v128.and(d2, d3)))) return 0;
  }
  const f0 = i64x2.bitmask(v128.andnot(f64x2.lt(s0, b0), d0));
  const f1 = i64x2.bitmask(v128.andnot(f64x2.lt(s1, b1), d1));
  const f2 = i64x2.bitmask(v128.andnot(f64x2.lt(s2, b2), d2));
  const f3 = i64x2.bitmask(v128.andnot(f64x2.lt(s3, b3), d3));
  return f0 | (f1 << 2) | (f2 << 4) | (f3 << 6);
}

/**
 * reluCoverage over rows[k0 .. k1) (k0 a multiple of 32, so that chunks write disjoint words):
 * bit k of row q of out (outWords u32 per row) is 1 iff ⟨mask_q, row rows[k]⟩ < bounds[q] (f64,
 * exactly as dotUntil decides it), the mask q maskWords u32 at masks + q · maskWords · 4. Clears
 * the chunk's words first; rows outer, the masks in groups of COVER_GROUP (fires8). Returns 0, or
 * -1 at a row index outside [0, nRows).
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
  const last = maskCount - 1;
  for (let k = k0; k < k1; k++) {
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = values + <usize>r * rowBytes;
    const bit: u32 = 1 << (k & 31);
    const wordAt = out + ((<usize>(k >> 5)) << 2);
    for (let q0 = 0; q0 < maskCount; q0 += COVER_GROUP) {
      let fired = fires8(row, width, masks, maskBytes, bounds, q0, last);
      while (fired != 0) {
        const q = q0 + ctz(fired);
        fired &= fired - 1;
        if (q > last) break;
        const at = wordAt + <usize>q * outRowBytes;
        store<u32>(at, load<u32>(at) | bit);
      }
    }
  }
  return 0;
}
