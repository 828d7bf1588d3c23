// Threshold scoring kernels: popcount(mask AND row) over bit rows of `words` u32 (a multiple of
// 16, so a row is a whole number of 16-byte vectors). Each kernel handles one chunk [k0, k1) of a
// row list, so that the TypeScript side can spread chunks over threads and merge the chunks'
// results in chunk order (which makes every result independent of the thread count). Pointers
// are byte addresses; a row index outside [0, nRows) makes a kernel return -1.

import { rowAt, touchAhead } from "./rows";

/** The minimum of no rows (also "not yet seen"). */
const NO_ROWS_MIN: i32 = 0x7fffffff;
/** Row vectors counted into byte lanes before they are widened (8 · 31 < 256). */
const BYTE_RUN: i32 = 28;
/** minMany looks at the other chunks' hits every this many rows. */
const HIT_POLL: i32 = 32;

/** Byte lanes to the i32x4 of their sums over groups of four lanes. */
// @ts-ignore: decorator
@inline
function widen(b: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(b));
}

/** [Σ a, Σ b, Σ c, Σ d] of four i32x4 vectors. */
// @ts-ignore: decorator
@inline
function sum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 1, 4, 5), i32x4.shuffle(a, b, 2, 3, 6, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 1, 4, 5), i32x4.shuffle(c, d, 2, 3, 6, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 2, 4, 6), i32x4.shuffle(ab, cd, 1, 3, 5, 7));
}

/** The exact counts popcount(m_q AND row), q < 4, of one row of `vecs` vectors, as an i32x4. */
// @ts-ignore: decorator
@inline
function counts4(row: usize, m0: usize, m1: usize, m2: usize, m3: usize, vecs: i32): v128 {
  let c0 = i32x4.splat(0);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let v: i32 = 0;
  while (v < vecs) {
    const end = min(v + BYTE_RUN, vecs);
    let b0 = i32x4.splat(0);
    let b1 = b0;
    let b2 = b0;
    let b3 = b0;
    for (; v < end; v++) {
      const off = (<usize>v) << 4;
      const x = v128.load(row + off);
      b0 = i8x16.add(b0, i8x16.popcnt(v128.and(x, v128.load(m0 + off))));
      b1 = i8x16.add(b1, i8x16.popcnt(v128.and(x, v128.load(m1 + off))));
      b2 = i8x16.add(b2, i8x16.popcnt(v128.and(x, v128.load(m2 + off))));
      b3 = i8x16.add(b3, i8x16.popcnt(v128.and(x, v128.load(m3 + off))));
    }
    c0 = i32x4.add(c0, widen(b0));
    c1 = i32x4.add(c1, widen(b1));
    c2 = i32x4.add(c2, widen(b2));
    c3 = i32x4.add(c3, widen(b3));
  }
  return sum4(c0, c1, c2, c3);
}

/** popcount(mask AND row) of one 64-byte block. */
// @ts-ignore: decorator
@inline
function blockCount(row: usize, mask: usize): i32 {
  let b = i8x16.popcnt(v128.and(v128.load(row, 0), v128.load(mask, 0)));
  b = i8x16.add(b, i8x16.popcnt(v128.and(v128.load(row, 16), v128.load(mask, 16))));
  b = i8x16.add(b, i8x16.popcnt(v128.and(v128.load(row, 32), v128.load(mask, 32))));
  b = i8x16.add(b, i8x16.popcnt(v128.and(v128.load(row, 48), v128.load(mask, 48))));
  // Bytes are <= 32; 16-bit lanes <= 64, so the four lanes of each i64 half sum without carry.
  const h = i16x8.extadd_pairwise_i8x16_u(b);
  const t = i64x2.extract_lane(h, 0) + i64x2.extract_lane(h, 1);
  return <i32>((t * 0x0001000100010001) >>> 48);
}

/**
 * popcount(mask AND row) over `blocks` 64-byte blocks, returning early (with a partial count
 * >= limit) once the partial count reaches `limit`: the result is < limit exactly when the full
 * count is, and then it is the full count.
 */
export function countUntil(row: usize, mask: usize, blocks: i32, limit: i32): i32 {
  let count: i32 = 0;
  for (let b = 0; b < blocks; b++) {
    const off = <usize>(b << 6);
    count += blockCount(row + off, mask + off);
    if (count >= limit) return count;
  }
  return count;
}

/** Lowers hitBy (an i32) to `chunk` unless it is already lower (atomic: chunks run in parallel). */
function recordHit(hitBy: usize, chunk: i32): void {
  for (;;) {
    const old = atomic.load<i32>(hitBy);
    if (old <= chunk) return;
    if (atomic.cmpxchg<i32>(hitBy, old, chunk) == old) return;
  }
}

/**
 * maskedMinMany over rows[k0 .. k1) for `maskCount` masks (mask q at masks + q · words · 4), per
 * mask the rule of the reference: the running minimum, frozen as soon as it is <= stopAt. The
 * chunk's state is at `state`: ceil(maskCount / 4) i32x4 minima, then as many i32x4 lane flags
 * (-1: still running); the minima end as the chunk's results. With hitBy != 0 (an i32 per mask,
 * the lowest chunk whose minimum for that mask reached stopAt), a mask that an earlier chunk has
 * already settled is dropped: the merge takes the first chunk that reached stopAt, so its value
 * here is never used. Returns 0, or -1 at a row index outside [0, nRows).
 */
export function minManyChunk(
  bits: usize,
  words: i32,
  nRows: i32,
  masks: usize,
  maskCount: i32,
  rows: usize,
  k0: i32,
  k1: i32,
  stopAt: i32,
  state: usize,
  hitBy: usize,
  chunk: i32,
): i32 {
  const rowBytes = (<usize>words) << 2;
  const vecs = words >> 2;
  const groups = (maskCount + 3) >> 2;
  const live = state + ((<usize>groups) << 4);
  for (let g = 0; g < groups; g++) {
    const at = (<usize>g) << 4;
    v128.store(state + at, i32x4.splat(NO_ROWS_MIN));
    const lanes = i32x4.lt_s(i32x4(g * 4, g * 4 + 1, g * 4 + 2, g * 4 + 3), i32x4.splat(maskCount));
    v128.store(live + at, lanes);
  }
  const stop = i32x4.splat(stopAt);
  const last = <usize>(maskCount - 1);
  let touched: i32 = 0;
  for (let k = k0; k < k1; k++) {
    if (hitBy != 0 && (k - k0) % HIT_POLL == 0) dropSettled(hitBy, maskCount, chunk, live);
    touched ^= touchAhead(bits, rowBytes, nRows, rows, k, k1);
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = bits + <usize>r * rowBytes;
    let running = false;
    for (let g = 0; g < groups; g++) {
      const at = (<usize>g) << 4;
      let flags = v128.load(live + at);
      if (!v128.any_true(flags)) continue;
      running = true;
      const q = <usize>(g << 2);
      // Lanes past the last mask count the last mask again; they are never live.
      const m0 = masks + q * rowBytes;
      const m1 = masks + min(q + 1, last) * rowBytes;
      const m2 = masks + min(q + 2, last) * rowBytes;
      const m3 = masks + min(q + 3, last) * rowBytes;
      const best = v128.load(state + at);
      const lower = i32x4.min_s(best, counts4(row, m0, m1, m2, m3, vecs));
      const updated = v128.bitselect(lower, best, flags);
      v128.store(state + at, updated);
      const settled = v128.and(flags, i32x4.le_s(updated, stop));
      if (v128.any_true(settled)) {
        flags = v128.andnot(flags, settled);
        v128.store(live + at, flags);
        if (hitBy != 0) {
          const bitsSettled = i32x4.bitmask(settled);
          for (let l = 0; l < 4; l++) {
            if ((bitsSettled >> l) & 1) recordHit(hitBy + ((q + <usize>l) << 2), chunk);
          }
        }
      }
    }
    if (!running) break;
  }
  sink(touched);
  return 0;
}

/** Clears the live flags of the masks that a chunk before `chunk` has settled. */
function dropSettled(hitBy: usize, maskCount: i32, chunk: i32, live: usize): void {
  for (let q = 0; q < maskCount; q++) {
    if (atomic.load<i32>(hitBy + ((<usize>q) << 2)) < chunk) {
      store<i32>(live + ((<usize>q) << 2), 0);
    }
  }
}

/** Keeps prefetching loads alive. */
let sinkValue: i32 = 0;
function sink(v: i32): void {
  sinkValue ^= v;
}

/**
 * maskedBelow over rows[k0 .. k1): writes (in order) to out the rows with popcount(mask AND row)
 * < bound and returns how many (also stored at countAt), or -1 at a row index outside [0, nRows).
 */
export function belowChunk(
  bits: usize,
  words: i32,
  nRows: i32,
  mask: usize,
  rows: usize,
  k0: i32,
  k1: i32,
  bound: i32,
  out: usize,
  countAt: usize,
): i32 {
  const rowBytes = (<usize>words) << 2;
  const blocks = words >> 4;
  let written: i32 = 0;
  let touched: i32 = 0;
  for (let k = k0; k < k1; k++) {
    touched ^= touchAhead(bits, rowBytes, nRows, rows, k, k1);
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    if (countUntil(bits + <usize>r * rowBytes, mask, blocks, bound) < bound) {
      store<i32>(out + ((<usize>written) << 2), r);
      written++;
    }
  }
  sink(touched);
  store<i32>(countAt, written);
  return written;
}

/**
 * maskedAnyBelow over rows[k0 .. k1): out[k] (a byte) = 1 when some mask q has
 * popcount(mask_q AND row) < bounds[q] (i32), trying the masks in order until one fires, else 0.
 * Returns 0, or -1 at a row index outside [0, nRows).
 */
export function anyBelowChunk(
  bits: usize,
  words: i32,
  nRows: i32,
  masks: usize,
  bounds: usize,
  maskCount: i32,
  rows: usize,
  k0: i32,
  k1: i32,
  out: usize,
): i32 {
  const rowBytes = (<usize>words) << 2;
  const blocks = words >> 4;
  for (let k = k0; k < k1; k++) {
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = bits + <usize>r * rowBytes;
    let fired: u8 = 0;
    for (let q = 0; q < maskCount; q++) {
      const bound = load<i32>(bounds + ((<usize>q) << 2));
      if (countUntil(row, masks + <usize>q * rowBytes, blocks, bound) < bound) {
        fired = 1;
        break;
      }
    }
    store<u8>(out + <usize>k, fired);
  }
  return 0;
}

/**
 * coverage over rows[k0 .. k1) (k0 a multiple of 32, so that chunks write disjoint words): bit k
 * of row q of out (outWords u32 per row) is 1 iff popcount(mask_q AND row rows[k]) < bounds[q]
 * (i32; a bound <= 0 never fires). Clears the chunk's words first; rows outer, so every mask is
 * counted against a row while it is in cache. Returns 0, or -1 at a row index outside [0, nRows).
 */
export function coverageChunk(
  bits: usize,
  words: i32,
  nRows: i32,
  masks: usize,
  maskCount: i32,
  bounds: usize,
  rows: usize,
  k0: i32,
  k1: i32,
  out: usize,
  outWords: i32,
): i32 {
  const rowBytes = (<usize>words) << 2;
  const blocks = words >> 4;
  const outRowBytes = (<usize>outWords) << 2;
  const w0 = k0 >> 5;
  const w1 = (k1 + 31) >> 5;
  for (let q = 0; q < maskCount; q++) {
    const at = out + <usize>q * outRowBytes + ((<usize>w0) << 2);
    memory.fill(at, 0, (<usize>(w1 - w0)) << 2);
  }
  let touched: i32 = 0;
  for (let k = k0; k < k1; k++) {
    touched ^= touchAhead(bits, rowBytes, nRows, rows, k, k1);
    const r = rowAt(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = bits + <usize>r * rowBytes;
    const bit: u32 = 1 << (k & 31);
    const wordAt = out + ((<usize>(k >> 5)) << 2);
    for (let q = 0; q < maskCount; q++) {
      const bound = load<i32>(bounds + ((<usize>q) << 2));
      if (bound <= 0) continue;
      if (countUntil(row, masks + <usize>q * rowBytes, blocks, bound) < bound) {
        const at = wordAt + <usize>q * outRowBytes;
        store<u32>(at, load<u32>(at) | bit);
      }
    }
  }
  sink(touched);
  return 0;
}
