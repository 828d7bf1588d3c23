// memonet's WebAssembly kernels (AssemblyScript, compiled by scripts/build-wasm.mjs).
//
// The module imports a shared linear memory; every buffer lives there and is allocated by the
// JavaScript side (src/backends/wasm/memory.ts). Functions take byte addresses ("pointers") and
// sizes, never allocate, and use no static data. Results must be bit-identical to
// src/backends/reference/: float32 products and sums in increasing j order, never fused.

/** Bytes per bit-row block: 16 u32 words = 512 bits. */
const BLOCK_BYTES: i32 = 64;

/**
 * The popcount kernels touch row rows[k + PREFETCH] while counting row rows[k]: a software
 * prefetch (WebAssembly has none) that overlaps cache misses when the row order is random.
 */
const PREFETCH: i32 = 8;

/** Receives the values of prefetching loads so that they are not optimized away. */
let sink: i32 = 0;

// ---------------------------------------------------------------------------------------------
// AND + popcount
// ---------------------------------------------------------------------------------------------

/** popcount(mask AND row) over one 64-byte block, with i8x16.popcnt and a horizontal sum. */
function blockPopcount(row: usize, mask: usize): i32 {
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
 * popcount(mask AND row) over `blocks` 64-byte blocks, returning early (with a partial count that
 * is >= limit) once the partial count reaches `limit`. The check runs after every block.
 */
function rowPopcount(row: usize, mask: usize, blocks: i32, limit: i32): i32 {
  let count: i32 = 0;
  for (let b = 0; b < blocks; b++) {
    const off = <usize>(b * BLOCK_BYTES);
    count += blockPopcount(row + off, mask + off);
    if (count >= limit) return count;
  }
  return count;
}

/** Row index rows[k]. */
function rowIndex(rows: usize, k: i32): i32 {
  return load<i32>(rows + ((<usize>k) << 2));
}

/**
 * Touches two cache lines of row rows[k + PREFETCH] (when it exists and is a valid row) so that
 * its loads from memory overlap with the current row's work; returns a value that keeps the
 * loads alive.
 */
function touchAhead(
  bits: usize,
  rowBytes: usize,
  nRows: i32,
  rows: usize,
  k: i32,
  count: i32,
): i32 {
  if (k + PREFETCH >= count || rowBytes == 0) return 0;
  const r = rowIndex(rows, k + PREFETCH);
  if (<u32>r >= <u32>nRows) return 0;
  const next = bits + <usize>r * rowBytes;
  return load<i32>(next) ^ load<i32>(next + (rowBytes >> 1));
}

/**
 * min over k < count of popcount(mask AND row rows[k]) (nRows bit rows of wordsPerRow u32 at
 * `bits`, row indices i32 at `rows`). A row stops once its partial count reaches the current
 * minimum; everything stops once the minimum is <= stopAt. Returns 2^31 - 1 when count is 0, and
 * -1 when it meets a row index outside [0, nRows).
 */
export function maskedMin(
  bits: usize,
  wordsPerRow: i32,
  nRows: i32,
  mask: usize,
  rows: usize,
  count: i32,
  stopAt: i32,
): i32 {
  let best: i32 = 0x7fffffff;
  const rowBytes = <usize>(wordsPerRow << 2);
  const blocks = wordsPerRow >> 4;
  let touched: i32 = 0;
  for (let k = 0; k < count; k++) {
    touched ^= touchAhead(bits, rowBytes, nRows, rows, k, count);
    const r = rowIndex(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const c = rowPopcount(bits + <usize>r * rowBytes, mask, blocks, best);
    if (c < best) {
      best = c;
      if (best <= stopAt) break;
    }
  }
  sink = touched;
  return best;
}

/**
 * maskedMin for `maskCount` masks at once (mask q at masks + q * wordsPerRow * 4), minima to the
 * i32 array `out`: one pass over the rows, each row counted against every mask while it is in
 * cache. Per mask the same early stops as maskedMin (a mask whose minimum is <= stopAt is done);
 * everything stops once all masks are done. Returns 0, or -1 at a row index outside [0, nRows).
 */
export function maskedMinMany(
  bits: usize,
  wordsPerRow: i32,
  nRows: i32,
  masks: usize,
  maskCount: i32,
  rows: usize,
  count: i32,
  stopAt: i32,
  out: usize,
): i32 {
  const rowBytes = <usize>(wordsPerRow << 2);
  const blocks = wordsPerRow >> 4;
  for (let q = 0; q < maskCount; q++) store<i32>(out + ((<usize>q) << 2), 0x7fffffff);
  let active = maskCount;
  let touched: i32 = 0;
  for (let k = 0; k < count && active > 0; k++) {
    touched ^= touchAhead(bits, rowBytes, nRows, rows, k, count);
    const r = rowIndex(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = bits + <usize>r * rowBytes;
    for (let q = 0; q < maskCount; q++) {
      const at = out + ((<usize>q) << 2);
      const best = load<i32>(at);
      // A mask is done once a row brought its minimum to <= stopAt.
      if (best <= stopAt && best < 0x7fffffff) continue;
      const c = rowPopcount(row, masks + <usize>q * rowBytes, blocks, best);
      if (c < best) {
        store<i32>(at, c);
        if (c <= stopAt) active--;
      }
    }
  }
  sink = touched;
  return 0;
}

/**
 * Writes to out (i32, in order) those rows[k], k < count, with popcount(mask AND row) < bound;
 * returns how many were written, or -1 when it meets a row index outside [0, nRows). A row stops
 * once its partial count reaches bound.
 */
export function maskedBelow(
  bits: usize,
  wordsPerRow: i32,
  nRows: i32,
  mask: usize,
  rows: usize,
  count: i32,
  bound: i32,
  out: usize,
): i32 {
  let written: i32 = 0;
  const rowBytes = <usize>(wordsPerRow << 2);
  const blocks = wordsPerRow >> 4;
  let touched: i32 = 0;
  for (let k = 0; k < count; k++) {
    touched ^= touchAhead(bits, rowBytes, nRows, rows, k, count);
    const r = rowIndex(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const c = rowPopcount(bits + <usize>r * rowBytes, mask, blocks, bound);
    if (c < bound) {
      store<i32>(out + ((<usize>written) << 2), r);
      written++;
    }
  }
  sink = touched;
  return written;
}

/**
 * Covers as bit sets: for q < maskCount and k < count, bit k of the row of ceil(count / 32) u32
 * at out + q * ceil(count / 32) * 4 is 1 iff popcount(mask_q AND row rows[k]) < bound_q, the i32
 * bounds at `bounds` (the kernel's bounds rounded up; a bound <= 0 never fires). Rows outer, every
 * mask counted against a row while it is in cache, each count stopping at its bound. Writes every
 * word of the rows; returns 0, or -1 when it meets a row index outside [0, nRows).
 */
export function maskedCoverage(
  bits: usize,
  wordsPerRow: i32,
  nRows: i32,
  masks: usize,
  maskCount: i32,
  bounds: usize,
  rows: usize,
  count: i32,
  out: usize,
): i32 {
  const rowBytes = <usize>(wordsPerRow << 2);
  const blocks = wordsPerRow >> 4;
  const outRowBytes = (<usize>((count + 31) >> 5)) << 2;
  memory.fill(out, 0, <usize>maskCount * outRowBytes);
  let touched: i32 = 0;
  for (let k = 0; k < count; k++) {
    touched ^= touchAhead(bits, rowBytes, nRows, rows, k, count);
    const r = rowIndex(rows, k);
    if (<u32>r >= <u32>nRows) return -1;
    const row = bits + <usize>r * rowBytes;
    const bit: u32 = 1 << (k & 31);
    const wordAt = out + ((<usize>(k >> 5)) << 2);
    for (let q = 0; q < maskCount; q++) {
      const bound = load<i32>(bounds + ((<usize>q) << 2));
      if (bound <= 0) continue;
      if (rowPopcount(row, masks + <usize>q * rowBytes, blocks, bound) < bound) {
        const at = wordAt + <usize>q * outRowBytes;
        store<u32>(at, load<u32>(at) | bit);
      }
    }
  }
  sink = touched;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// First layer
// ---------------------------------------------------------------------------------------------

/**
 * Lists the non-zero entries of rows [0, rows) of x (row-major, dim columns) as (byte offset
 * j * width * 4 of W^T row j, x_j) pairs of 8 bytes at `nz`, in increasing j. rowStart[r] (i32,
 * rows + 1 entries) is the index of row r's first pair. Returns the total number of pairs.
 */
export function collectNonZeros(
  x: usize,
  rows: i32,
  dim: i32,
  width: i32,
  nz: usize,
  rowStart: usize,
): i32 {
  let n: i32 = 0;
  const rowBytes = (<usize>width) << 2;
  let p = x;
  for (let r = 0; r < rows; r++) {
    store<i32>(rowStart + ((<usize>r) << 2), n);
    let off: usize = 0;
    for (let j = 0; j < dim; j++) {
      const v = load<f32>(p);
      if (v != 0) {
        const q = nz + ((<usize>n) << 3);
        store<u32>(q, <u32>off);
        store<f32>(q, v, 4);
        n++;
      }
      p += 4;
      off += rowBytes;
    }
  }
  store<i32>(rowStart + ((<usize>rows) << 2), n);
  return n;
}

/**
 * Pre-activations of 32 neurons for one row (pairs [p0, p1) of the nz list; wCol and bCol address
 * the neurons' first column of W^T and of b), then either the threshold bits (one u32 to `dst`)
 * or, when relu, the 32 ReLU values (f32 to `dst`). Eight f32x4 accumulators stay in registers;
 * each adds fl32(x_j * w) in increasing j, so every lane rounds exactly like the reference.
 */
function tile32(
  nz: usize,
  p0: i32,
  p1: i32,
  wCol: usize,
  bCol: usize,
  dst: usize,
  relu: bool,
): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0);
  let a5 = f32x4.splat(0);
  let a6 = f32x4.splat(0);
  let a7 = f32x4.splat(0);
  let q = nz + ((<usize>p0) << 3);
  const qEnd = nz + ((<usize>p1) << 3);
  while (q < qEnd) {
    const w = wCol + <usize>load<u32>(q);
    const xs = v128.load32_splat(q, 4);
    a0 = f32x4.add(a0, f32x4.mul(xs, v128.load(w, 0)));
    a1 = f32x4.add(a1, f32x4.mul(xs, v128.load(w, 16)));
    a2 = f32x4.add(a2, f32x4.mul(xs, v128.load(w, 32)));
    a3 = f32x4.add(a3, f32x4.mul(xs, v128.load(w, 48)));
    a4 = f32x4.add(a4, f32x4.mul(xs, v128.load(w, 64)));
    a5 = f32x4.add(a5, f32x4.mul(xs, v128.load(w, 80)));
    a6 = f32x4.add(a6, f32x4.mul(xs, v128.load(w, 96)));
    a7 = f32x4.add(a7, f32x4.mul(xs, v128.load(w, 112)));
    q += 8;
  }
  a0 = f32x4.add(a0, v128.load(bCol, 0));
  a1 = f32x4.add(a1, v128.load(bCol, 16));
  a2 = f32x4.add(a2, v128.load(bCol, 32));
  a3 = f32x4.add(a3, v128.load(bCol, 48));
  a4 = f32x4.add(a4, v128.load(bCol, 64));
  a5 = f32x4.add(a5, v128.load(bCol, 80));
  a6 = f32x4.add(a6, v128.load(bCol, 96));
  a7 = f32x4.add(a7, v128.load(bCol, 112));
  const zero = f32x4.splat(0);
  if (relu) {
    // z > 0 ? z : +0 (NaN and -0 give +0, as in the reference).
    v128.store(dst, v128.and(a0, f32x4.gt(a0, zero)), 0);
    v128.store(dst, v128.and(a1, f32x4.gt(a1, zero)), 16);
    v128.store(dst, v128.and(a2, f32x4.gt(a2, zero)), 32);
    v128.store(dst, v128.and(a3, f32x4.gt(a3, zero)), 48);
    v128.store(dst, v128.and(a4, f32x4.gt(a4, zero)), 64);
    v128.store(dst, v128.and(a5, f32x4.gt(a5, zero)), 80);
    v128.store(dst, v128.and(a6, f32x4.gt(a6, zero)), 96);
    v128.store(dst, v128.and(a7, f32x4.gt(a7, zero)), 112);
  } else {
    const word =
      i32x4.bitmask(f32x4.gt(a0, zero)) |
      (i32x4.bitmask(f32x4.gt(a1, zero)) << 4) |
      (i32x4.bitmask(f32x4.gt(a2, zero)) << 8) |
      (i32x4.bitmask(f32x4.gt(a3, zero)) << 12) |
      (i32x4.bitmask(f32x4.gt(a4, zero)) << 16) |
      (i32x4.bitmask(f32x4.gt(a5, zero)) << 20) |
      (i32x4.bitmask(f32x4.gt(a6, zero)) << 24) |
      (i32x4.bitmask(f32x4.gt(a7, zero)) << 28);
    store<i32>(dst, word);
  }
}

/** Pre-activation of the single neuron at column byte offset wCol (scalar, same rounding). */
function neuron1(nz: usize, p0: i32, p1: i32, wCol: usize, b: f32): f32 {
  let z: f32 = 0;
  let q = nz + ((<usize>p0) << 3);
  const qEnd = nz + ((<usize>p1) << 3);
  while (q < qEnd) {
    z = z + load<f32>(q, 4) * load<f32>(wCol + <usize>load<u32>(q));
    q += 8;
  }
  return z + b;
}

/**
 * The first layer for rows [0, rows) whose non-zeros are listed at nz/rowStart (see
 * collectNonZeros): W^T at wT (dim × width f32), bias at b. Threshold mode (relu = 0) writes bit
 * rows of wordsPerRow u32 at out (which must be zero-filled beforehand); ReLU mode writes rows of
 * width f32. Neurons are processed in blocks of blockNeurons (a multiple of 32) so that the W^T
 * block stays in cache while all rows pass over it.
 */
function firstLayer(
  nz: usize,
  rowStart: usize,
  rows: i32,
  width: i32,
  wT: usize,
  b: usize,
  out: usize,
  wordsPerRow: i32,
  blockNeurons: i32,
  relu: bool,
): void {
  const full = width & ~31;
  const outRowBytes = relu ? (<usize>width) << 2 : (<usize>wordsPerRow) << 2;
  for (let i0 = 0; i0 < full; i0 += blockNeurons) {
    const i1 = min(i0 + blockNeurons, full);
    for (let r = 0; r < rows; r++) {
      const p0 = load<i32>(rowStart + ((<usize>r) << 2));
      const p1 = load<i32>(rowStart + ((<usize>r) << 2), 4);
      const outRow = out + <usize>r * outRowBytes;
      for (let i = i0; i < i1; i += 32) {
        const col = (<usize>i) << 2;
        const dst = relu ? outRow + col : outRow + ((<usize>(i >> 5)) << 2);
        tile32(nz, p0, p1, wT + col, b + col, dst, relu);
      }
    }
  }
  if (full == width) return;
  for (let r = 0; r < rows; r++) {
    const p0 = load<i32>(rowStart + ((<usize>r) << 2));
    const p1 = load<i32>(rowStart + ((<usize>r) << 2), 4);
    const outRow = out + <usize>r * outRowBytes;
    let word: i32 = 0;
    for (let i = full; i < width; i++) {
      const col = (<usize>i) << 2;
      const z = neuron1(nz, p0, p1, wT + col, load<f32>(b + col));
      if (relu) {
        store<f32>(outRow + col, z > 0 ? z : 0);
      } else if (z > 0) {
        word |= 1 << (i & 31);
      }
    }
    if (!relu) store<i32>(outRow + ((<usize>(full >> 5)) << 2), word);
  }
}

/** Threshold first layer over pre-collected non-zeros; see firstLayer. */
export function thresholdLayer(
  nz: usize,
  rowStart: usize,
  rows: i32,
  width: i32,
  wT: usize,
  b: usize,
  out: usize,
  wordsPerRow: i32,
  blockNeurons: i32,
): void {
  memory.fill(out, 0, <usize>rows * ((<usize>wordsPerRow) << 2));
  firstLayer(nz, rowStart, rows, width, wT, b, out, wordsPerRow, blockNeurons, false);
}

/** ReLU first layer over pre-collected non-zeros; see firstLayer. */
export function reluLayer(
  nz: usize,
  rowStart: usize,
  rows: i32,
  width: i32,
  wT: usize,
  b: usize,
  out: usize,
  blockNeurons: i32,
): void {
  firstLayer(nz, rowStart, rows, width, wT, b, out, 0, blockNeurons, true);
}
