// The first layer by row groups over 64-neuron weight panels packed from W (W^T is never needed),
// in three chunked phases that the TypeScript side spreads over threads:
//   1. groupBlock: the rows of one block are ordered by (non-zeros / 8, span of their non-zero
//      columns) and taken greedily in groups of GROUP rows whose non-zero columns overlap most
//      (each next member: of the 16 first untaken rows in that order, the one adding the fewest
//      new columns); writes each group's members and the size of its union of columns;
//   2. fillBlock: each group's union (increasing column j) with the GROUP members' x_j side by side;
//   3. panelChunk: one panel of 64 neurons for a range of groups: 4 rows × 8 neurons per register
//      tile, every weight vector loaded once for the group's 4 rows.
// A row adds fl(0 · w) = ±0 at the union columns where it is zero, which changes no sum but the
// sign of an exact zero, which neither activation tells apart; so every row's pre-activations are
// exactly the reference's sparse sums fl32(... fl32(0 + fl32(x_j W_ij)) ...) + b_i in increasing
// j, whatever the grouping (it only decides which rows share loads). That needs finite weights
// (0 · ∞ is NaN): with a non-finite weight the TypeScript side asks for groups of one row.
// Products and sums stay separate (no fused multiply-add in WebAssembly SIMD).

/** Rows per group (the tile height). */
const GROUP: i32 = 4;
/** Neurons per panel. */
const PANEL: i32 = 64;
/** Untaken rows (in key order) considered for each next member of a group. */
const WINDOW: i32 = 16;
/** Bytes of one column of a panel: 64 f32. */
const PANEL_COL_BYTES: usize = 256;

/** 1 when all `count` f32 at p are finite, else 0. */
export function allFinite(p: usize, count: i32): i32 {
  const exponent = i32x4.splat(0x7f800000);
  let bad = i32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(p + ((<usize>i) << 2));
    bad = v128.or(bad, i32x4.eq(v128.and(v, exponent), exponent));
  }
  if (v128.any_true(bad)) return 0;
  for (; i < count; i++) {
    if ((load<i32>(p + ((<usize>i) << 2)) & 0x7f800000) == 0x7f800000) return 0;
  }
  return 1;
}

/** u64 words of a row's non-zero bitmap. */
// @ts-ignore: decorator
@inline
function bitmapWords(dim: i32): i32 {
  return (dim + 63) >> 6;
}

/** Bytes of scratch that groupBlock needs for a block of `rows` rows of `dim` columns. */
export function groupScratchBytes(rows: i32, dim: i32): i32 {
  const w = bitmapWords(dim);
  return rows * (w * 8 + 8 + 4 + 4 + 1) + w * 8 + 64;
}

/** Sorts order[0 .. n) by (key[order], order) (bottom-up merge sort through tmp). */
function sortByKey(order: usize, tmp: usize, key: usize, n: i32): void {
  let src = order;
  let dst = tmp;
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      let a = lo;
      let b = mid;
      for (let t = lo; t < hi; t++) {
        let takeA = a < mid;
        if (takeA && b < hi) {
          const ia = load<i32>(src + ((<usize>a) << 2));
          const ib = load<i32>(src + ((<usize>b) << 2));
          const ka = load<i64>(key + ((<usize>ia) << 3));
          const kb = load<i64>(key + ((<usize>ib) << 3));
          takeA = ka < kb || (ka == kb && ia < ib);
        }
        const from = takeA ? a++ : b++;
        store<i32>(dst + ((<usize>t) << 2), load<i32>(src + ((<usize>from) << 2)));
      }
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  if (src != order) memory.copy(order, src, (<usize>n) << 2);
}

/**
 * Phase 1 for rows [r0, r1) of x (row-major, dim columns): group g (local index) gets its
 * members (row indices of x, -1 where a group has fewer than `group` rows; `group` is 4, or 1
 * for groups of one row) at members + 16 g, and the size of its union of non-zero columns at
 * unionCounts + 4 g. With bits != 0, also clears the rows' bit rows (words u32 each, row r at
 * bits + r · words · 4). `scratch` holds groupScratchBytes(r1 - r0, dim) bytes.
 */
export function groupBlock(
  x: usize,
  dim: i32,
  r0: i32,
  r1: i32,
  group: i32,
  scratch: usize,
  members: usize,
  unionCounts: usize,
  bits: usize,
  words: i32,
): void {
  const n = r1 - r0;
  if (n <= 0) return;
  if (bits != 0) {
    const rowBytes = (<usize>words) << 2;
    memory.fill(bits + <usize>r0 * rowBytes, 0, <usize>n * rowBytes);
  }
  const w = bitmapWords(dim);
  const wBytes = (<usize>w) << 3;
  const bitmap = scratch;
  const key = bitmap + <usize>n * wBytes;
  const order = key + ((<usize>n) << 3);
  const tmp = order + ((<usize>n) << 2);
  const taken = tmp + ((<usize>n) << 2);
  const uni = (taken + <usize>n + 7) & ~(<usize>7);
  const rowBytes = (<usize>dim) << 2;
  memory.fill(bitmap, 0, <usize>n * wBytes);
  for (let t = 0; t < n; t++) {
    const xr = x + <usize>(r0 + t) * rowBytes;
    const bm = bitmap + <usize>t * wBytes;
    let count: i32 = 0;
    let first: i32 = -1;
    let last: i32 = -1;
    for (let j = 0; j < dim; j++) {
      if (!(load<f32>(xr + ((<usize>j) << 2)) == 0)) {
        const at = bm + ((<usize>(j >> 6)) << 3);
        store<u64>(at, load<u64>(at) | ((<u64>1) << (<u64>(j & 63))));
        count++;
        if (first < 0) first = j;
        last = j;
      }
    }
    store<i64>(key + ((<usize>t) << 3), ((<i64>(count >> 3)) << 32) | <i64>(last - first));
    store<i32>(order + ((<usize>t) << 2), t);
    store<u8>(taken + <usize>t, 0);
  }
  sortByKey(order, tmp, key, n);
  const groups = (n + group - 1) / group;
  let seed: i32 = 0;
  for (let g = 0; g < groups; g++) {
    const mem = members + ((<usize>g) << 4);
    for (let q = 0; q < GROUP; q++) store<i32>(mem + ((<usize>q) << 2), -1);
    memory.fill(uni, 0, wBytes);
    while (load<u8>(taken + <usize>load<i32>(order + ((<usize>seed) << 2))) != 0) seed++;
    let t = load<i32>(order + ((<usize>seed) << 2));
    let size: i32 = 0;
    for (;;) {
      store<u8>(taken + <usize>t, 1);
      store<i32>(mem + ((<usize>size) << 2), r0 + t);
      size++;
      const bm = bitmap + <usize>t * wBytes;
      for (let k = 0; k < w; k++) {
        const at = uni + ((<usize>k) << 3);
        store<u64>(at, load<u64>(at) | load<u64>(bm + ((<usize>k) << 3)));
      }
      if (size >= group) break;
      // The next member: of the WINDOW first untaken rows after the seed, the one adding the
      // fewest columns to the union (the first such in key order).
      let best: i32 = -1;
      let bestCost: i32 = 0;
      let seen: i32 = 0;
      for (let p = seed + 1; p < n && seen < WINDOW; p++) {
        const c = load<i32>(order + ((<usize>p) << 2));
        if (load<u8>(taken + <usize>c) != 0) continue;
        seen++;
        const cm = bitmap + <usize>c * wBytes;
        let cost: i32 = 0;
        for (let k = 0; k < w; k++) {
          const off = (<usize>k) << 3;
          cost += <i32>popcnt(load<u64>(cm + off) & ~load<u64>(uni + off));
        }
        if (best < 0 || cost < bestCost) {
          best = c;
          bestCost = cost;
        }
      }
      if (best < 0) break;
      t = best;
    }
    let union: i32 = 0;
    for (let k = 0; k < w; k++) union += <i32>popcnt(load<u64>(uni + ((<usize>k) << 3)));
    store<i32>(unionCounts + ((<usize>g) << 2), union);
  }
}

/**
 * Phase 2 for groups [g0, g1): group g's union (written from index unionStart[g] on, i32 at
 * unionStart) as column byte offsets j · 256 into a panel at cols (i32) and the members' x_j at
 * vals (4 f32 per column, 0 for missing members).
 */
export function fillBlock(
  x: usize,
  dim: i32,
  members: usize,
  unionStart: usize,
  g0: i32,
  g1: i32,
  cols: usize,
  vals: usize,
): void {
  const rowBytes = (<usize>dim) << 2;
  for (let g = g0; g < g1; g++) {
    const mem = members + ((<usize>g) << 4);
    const m0 = load<i32>(mem, 0);
    const m1 = load<i32>(mem, 4);
    const m2 = load<i32>(mem, 8);
    const m3 = load<i32>(mem, 12);
    // Missing members read row m0 with a zero factor, so that every lane has a valid address.
    const x0 = x + <usize>m0 * rowBytes;
    const x1 = x + <usize>(m1 >= 0 ? m1 : m0) * rowBytes;
    const x2 = x + <usize>(m2 >= 0 ? m2 : m0) * rowBytes;
    const x3 = x + <usize>(m3 >= 0 ? m3 : m0) * rowBytes;
    const keep = i32x4(-1, m1 >= 0 ? -1 : 0, m2 >= 0 ? -1 : 0, m3 >= 0 ? -1 : 0);
    let p = load<i32>(unionStart + ((<usize>g) << 2));
    for (let j = 0; j < dim; j++) {
      const off = (<usize>j) << 2;
      let v = f32x4.splat(load<f32>(x0 + off));
      v = f32x4.replace_lane(v, 1, load<f32>(x1 + off));
      v = f32x4.replace_lane(v, 2, load<f32>(x2 + off));
      v = f32x4.replace_lane(v, 3, load<f32>(x3 + off));
      v = v128.and(v, keep);
      // A column of the union: some member's x_j is not zero (NaN counts as non-zero).
      if (v128.any_true(v128.not(f32x4.eq(v, f32x4.splat(0))))) {
        store<i32>(cols + ((<usize>p) << 2), j << 8);
        v128.store(vals + ((<usize>p) << 4), v);
        p++;
      }
    }
  }
}

/** Bytes of one participant's panel buffer: a 64-byte header, dim × 64 f32, 64 f32 of bias. */
export function panelBufferBytes(dim: i32): i32 {
  return 64 + dim * 256 + 256;
}

/**
 * Packs panel `t` (neurons [64 t, 64 t + 64) ∩ [0, width)) of W (width × dim, row-major) and b
 * into buf (zero beyond the width), unless buf already holds that panel of call `call`.
 */
function packPanel(w: usize, dim: i32, width: i32, bias: usize, t: i32, buf: usize, call: i32): void {
  if (load<i32>(buf, 0) == call && load<i32>(buf, 4) == t) return;
  const panel = buf + 64;
  const biasPanel = panel + <usize>dim * PANEL_COL_BYTES;
  const i0 = t * PANEL;
  const count = min(PANEL, width - i0);
  if (count < PANEL) memory.fill(panel, 0, <usize>dim * PANEL_COL_BYTES);
  const rowBytes = (<usize>dim) << 2;
  for (let c = 0; c < count; c++) {
    const wr = w + <usize>(i0 + c) * rowBytes;
    const dst = panel + ((<usize>c) << 2);
    for (let j = 0; j < dim; j++) {
      store<f32>(dst + <usize>j * PANEL_COL_BYTES, load<f32>(wr + ((<usize>j) << 2)));
    }
  }
  for (let c = 0; c < PANEL; c++) {
    store<f32>(biasPanel + ((<usize>c) << 2), c < count ? load<f32>(bias + ((<usize>(i0 + c)) << 2)) : 0);
  }
  store<i32>(buf, call, 0);
  store<i32>(buf, t, 4);
}

/** The bits 1[z > 0] of two f32x4 (8 neurons) as one byte. */
// @ts-ignore: decorator
@inline
function positiveByte(a: v128, b: v128): u64 {
  const zero = f32x4.splat(0);
  return <u64>(i32x4.bitmask(f32x4.gt(a, zero)) | (i32x4.bitmask(f32x4.gt(b, zero)) << 4));
}

/** Stores max(z, +0) of 8 neurons (two f32x4) at dst. */
// @ts-ignore: decorator
@inline
function storeRelu8(dst: usize, a: v128, b: v128): void {
  const zero = f32x4.splat(0);
  v128.store(dst, v128.and(a, f32x4.gt(a, zero)), 0);
  v128.store(dst, v128.and(b, f32x4.gt(b, zero)), 16);
}

/**
 * Phase 3: panel t for groups [g0, g1) (members/unionStart/cols/vals of phases 1–2). Threshold
 * mode (words > 0) writes each member row's two bit-row words of the panel (bits + r · words · 4
 * + 8 t); ReLU mode (words = 0) its ReLU values (values + (r · width + 64 t) · 4). `buf` is this
 * participant's panel buffer (panelBufferBytes), `call` numbers the first-layer call.
 */
export function panelChunk(
  w: usize,
  dim: i32,
  width: i32,
  bias: usize,
  t: i32,
  g0: i32,
  g1: i32,
  members: usize,
  unionStart: usize,
  cols: usize,
  vals: usize,
  buf: usize,
  call: i32,
  bits: usize,
  words: i32,
  values: usize,
): void {
  packPanel(w, dim, width, bias, t, buf, call);
  const panel = buf + 64;
  const biasPanel = panel + <usize>dim * PANEL_COL_BYTES;
  const i0 = t * PANEL;
  const count = min(PANEL, width - i0);
  const subTiles = (count + 7) >> 3;
  const wordBytes = (<usize>words) << 2;
  const valueBytes = (<usize>width) << 2;
  for (let g = g0; g < g1; g++) {
    const mem = members + ((<usize>g) << 4);
    const p0 = load<i32>(unionStart + ((<usize>g) << 2));
    const p1 = load<i32>(unionStart + ((<usize>g) << 2), 4);
    let bits0: u64 = 0;
    let bits1: u64 = 0;
    let bits2: u64 = 0;
    let bits3: u64 = 0;
    for (let s = 0; s < subTiles; s++) {
      const sOff = (<usize>s) << 5;
      let a0 = f32x4.splat(0);
      let a1 = a0;
      let b0 = a0;
      let b1 = a0;
      let c0 = a0;
      let c1 = a0;
      let d0 = a0;
      let d1 = a0;
      let q = p0;
      while (q < p1) {
        const xv = v128.load(vals + ((<usize>q) << 4));
        const wp = panel + <usize>load<i32>(cols + ((<usize>q) << 2)) + sOff;
        const w0 = v128.load(wp, 0);
        const w1 = v128.load(wp, 16);
        const x0 = i32x4.shuffle(xv, xv, 0, 0, 0, 0);
        a0 = f32x4.add(a0, f32x4.mul(x0, w0));
        a1 = f32x4.add(a1, f32x4.mul(x0, w1));
        const x1 = i32x4.shuffle(xv, xv, 1, 1, 1, 1);
        b0 = f32x4.add(b0, f32x4.mul(x1, w0));
        b1 = f32x4.add(b1, f32x4.mul(x1, w1));
        const x2 = i32x4.shuffle(xv, xv, 2, 2, 2, 2);
        c0 = f32x4.add(c0, f32x4.mul(x2, w0));
        c1 = f32x4.add(c1, f32x4.mul(x2, w1));
        const x3 = i32x4.shuffle(xv, xv, 3, 3, 3, 3);
        d0 = f32x4.add(d0, f32x4.mul(x3, w0));
        d1 = f32x4.add(d1, f32x4.mul(x3, w1));
        q++;
      }
      const bv0 = v128.load(biasPanel + sOff, 0);
      const bv1 = v128.load(biasPanel + sOff, 16);
      a0 = f32x4.add(a0, bv0);
      a1 = f32x4.add(a1, bv1);
      b0 = f32x4.add(b0, bv0);
      b1 = f32x4.add(b1, bv1);
      c0 = f32x4.add(c0, bv0);
      c1 = f32x4.add(c1, bv1);
      d0 = f32x4.add(d0, bv0);
      d1 = f32x4.add(d1, bv1);
      if (words > 0) {
        const shift = <u64>(s << 3);
        bits0 |= positiveByte(a0, a1) << shift;
        bits1 |= positiveByte(b0, b1) << shift;
        bits2 |= positiveByte(c0, c1) << shift;
        bits3 |= positiveByte(d0, d1) << shift;
      } else {
        const col = <usize>(i0 + (s << 3));
        const full = (s << 3) + 8 <= count;
        storeReluRow(values, valueBytes, load<i32>(mem, 0), col, full, count - (s << 3), a0, a1);
        storeReluRow(values, valueBytes, load<i32>(mem, 4), col, full, count - (s << 3), b0, b1);
        storeReluRow(values, valueBytes, load<i32>(mem, 8), col, full, count - (s << 3), c0, c1);
        storeReluRow(values, valueBytes, load<i32>(mem, 12), col, full, count - (s << 3), d0, d1);
      }
    }
    if (words > 0) {
      const at = bits + ((<usize>t) << 3);
      const r0 = load<i32>(mem, 0);
      const r1 = load<i32>(mem, 4);
      const r2 = load<i32>(mem, 8);
      const r3 = load<i32>(mem, 12);
      if (r0 >= 0) store<u64>(at + <usize>r0 * wordBytes, bits0);
      if (r1 >= 0) store<u64>(at + <usize>r1 * wordBytes, bits1);
      if (r2 >= 0) store<u64>(at + <usize>r2 * wordBytes, bits2);
      if (r3 >= 0) store<u64>(at + <usize>r3 * wordBytes, bits3);
    }
  }
}

/** ReLU values of 8 neurons (from column `col`) of row r, if r >= 0; only `left` when not full. */
// @ts-ignore: decorator
@inline
function storeReluRow(
  values: usize,
  valueBytes: usize,
  r: i32,
  col: usize,
  full: bool,
  left: i32,
  a: v128,
  b: v128,
): void {
  if (r < 0) return;
  const dst = values + <usize>r * valueBytes + (col << 2);
  if (full) {
    storeRelu8(dst, a, b);
    return;
  }
  const zero = f32x4.splat(0);
  const ra = v128.and(a, f32x4.gt(a, zero));
  const rb = v128.and(b, f32x4.gt(b, zero));
  for (let i = 0; i < left; i++) {
    const v = i < 4 ? extractLane(ra, i) : extractLane(rb, i - 4);
    store<f32>(dst + ((<usize>i) << 2), v);
  }
}

/** Lane i (0..3) of an f32x4. */
function extractLane(v: v128, i: i32): f32 {
  if (i == 0) return f32x4.extract_lane(v, 0);
  if (i == 1) return f32x4.extract_lane(v, 1);
  if (i == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}
