#!/usr/bin/env node
// Writes golden inputs and outputs of every native kernel, computed by the TypeScript reference
// backend (dist/, so run `npm run build` first), for the C++ test program src/backends/native/cpp/test/harness.cc
// (which checks every kernel table against them, natively and under qemu for aarch64).
//
// Usage: node scripts/native-goldens.mjs <out.bin>
// Format: records of [u32 name length][name][u8 type: 0 f32, 1 u32, 2 i32, 3 f64, 4 u8]
// [u32 element count][elements, little-endian].

import { Buffer } from "node:buffer";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "src");
const { referenceKernels: ref } = await import(join(dist, "ops", "index.js"));
const { popcount32 } = await import(join(dist, "backends", "bits.js"));
const { wordsPerRowFor } = await import(join(dist, "backends", "types.js"));
const { Rng } = await import(join(dist, "random", "rng.js"));

const records = [];
const TYPES = [Float32Array, Uint32Array, Int32Array, Float64Array, Uint8Array];
function put(name, array) {
  const type = TYPES.findIndex((T) => array instanceof T);
  if (type < 0) throw new Error(`${name}: unsupported array`);
  const head = Buffer.alloc(4 + name.length + 1 + 4);
  head.writeUInt32LE(name.length, 0);
  head.write(name, 4, "latin1");
  head.writeUInt8(type, 4 + name.length);
  head.writeUInt32LE(array.length, 5 + name.length);
  // A copy: arrays may change after they are recorded.
  records.push(head, Buffer.from(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)));
}

const rng = new Rng(2026, 10);
const normals = (n) => Float32Array.from({ length: n }, () => rng.normal());

// First layer: sparse rows (70% zeros, some rows all zero) and dense rows; widths that are not
// multiples of 64; more rows than one row group block.
const layers = [
  { name: "sparse", rows: 301, dim: 100, width: 200, zero: 0.7 },
  { name: "dense", rows: 130, dim: 37, width: 12, zero: 0 },
  { name: "wide", rows: 67, dim: 50, width: 515, zero: 0.4 },
];
for (const c of layers) {
  const x = normals(c.rows * c.dim);
  for (let i = 0; i < x.length; i++) if (rng.uniform() < c.zero || (i / c.dim) % 29 === 3) x[i] = 0;
  const weights = normals(c.width * c.dim);
  const bias = Float32Array.from({ length: c.width }, () => rng.uniformIn(-0.5, 0.5));
  const weightsT = new Float32Array(weights.length);
  for (let i = 0; i < c.width; i++) {
    for (let j = 0; j < c.dim; j++) weightsT[j * c.width + i] = weights[i * c.dim + j];
  }
  const layer = { dim: c.dim, width: c.width, weights, weightsT, bias };
  const wordsPerRow = wordsPerRowFor(c.width);
  const bits = {
    rows: c.rows,
    bits: c.width,
    wordsPerRow,
    data: new Uint32Array(c.rows * wordsPerRow),
  };
  ref.thresholdLayer(x, c.rows, layer, bits, 0);
  const relu = new Float32Array(c.rows * c.width);
  ref.reluLayer(x, c.rows, layer, relu, 0);
  put(`layer.${c.name}.shape`, Int32Array.of(c.rows, c.dim, c.width, wordsPerRow));
  put(`layer.${c.name}.x`, x);
  put(`layer.${c.name}.w`, weights);
  put(`layer.${c.name}.b`, bias);
  put(`layer.${c.name}.bits`, bits.data);
  put(`layer.${c.name}.relu`, relu);
}

// Popcounts over a random bit matrix (rows of 700 bits, 40% set) with masks of 60% set bits.
const rowsN = 500;
const width = 700;
const words = wordsPerRowFor(width);
const data = new Uint32Array(rowsN * words);
for (let r = 0; r < rowsN; r++) {
  for (let i = 0; i < width; i++)
    if (rng.uniform() < 0.4) data[r * words + (i >> 5)] |= 1 << (i & 31);
}
const matrix = { rows: rowsN, bits: width, wordsPerRow: words, data };
const maskCount = 20;
const masks = new Uint32Array(maskCount * words);
for (let q = 0; q < maskCount; q++) {
  for (let i = 0; i < width; i++)
    if (rng.uniform() < 0.6) masks[q * words + (i >> 5)] |= 1 << (i & 31);
}
const list = Int32Array.from({ length: 900 }, () => rng.below(rowsN));
put("pop.shape", Int32Array.of(rowsN, width, words, maskCount));
put("pop.bits", data);
put("pop.masks", masks);
put("pop.rows", list);
const count = (q, r) => {
  let c = 0;
  for (let w = 0; w < words; w++) c += popcount32(masks[q * words + w] & data[r * words + w]);
  return c;
};
// minMany for k = 1, 3, 8, 16, 20 masks; stopAt = -1 (no early exit) and 150 (exits).
for (const k of [1, 3, 8, 16, 20]) {
  for (const stopAt of [-1, 150]) {
    const out = new Int32Array(k);
    ref.maskedMinMany(matrix, masks, k, list, list.length, stopAt, out);
    put(`pop.min.${k}.${stopAt}`, out);
  }
}
// below: the rows of `list` with count < bound, for a few bounds.
for (const bound of [140, 160.5, 175]) {
  const out = new Int32Array(list.length);
  const n = ref.maskedBelow(matrix, masks, list, list.length, bound, out);
  put(`pop.below.${bound}`, out.slice(0, n));
}
// anyBelow: 1 iff some mask q < k has count < thr[q].
const thresholds = Float64Array.from({ length: maskCount }, () => 120 + 50 * rng.uniform());
put("pop.thresholds", thresholds);
for (const k of [1, 7, 20]) {
  const out = Uint8Array.from(list, (r) => {
    for (let q = 0; q < k; q++) if (count(q, r) < thresholds[q]) return 1;
    return 0;
  });
  put(`pop.any.${k}`, out);
}
// coverage: bit t of mask q's row of ceil(count / 32) words is 1 iff count(q, list[t]) < bound,
// for k = 1, 7, 20 masks over the list and over its first 45 rows; bounds of every kind.
{
  const bounds = Float64Array.from(thresholds, (t, q) =>
    q === 3 ? 0 : q === 4 ? Infinity : q === 5 ? NaN : q === 6 ? -1 : t,
  );
  put("pop.coverBounds", bounds);
  for (const k of [1, 7, 20]) {
    for (const n of [45, list.length]) {
      const out = new Uint32Array(k * Math.ceil(n / 32));
      ref.coverage(matrix, masks, k, bounds, list, n, out);
      put(`pop.cover.${k}.${n}`, out);
    }
  }
}
// separation of negatives (rows 0..59) from positives (rows 60..139), by definition.
{
  const neg = Int32Array.from({ length: 60 }, (_, i) => i);
  const pos = Int32Array.from({ length: 80 }, (_, i) => 60 + i);
  // Row 5 made a superset of row 70 for one unseparated pair.
  for (let w = 0; w < words; w++) data[5 * words + w] |= data[70 * words + w];
  let maxFirst = -1;
  let unseparated = 0;
  let exNeg = -1;
  let exPos = -1;
  for (let a = 0; a < neg.length; a++) {
    for (let b = 0; b < pos.length; b++) {
      let first = -1;
      for (let i = 0; i < width && first < 0; i++) {
        const bit = (r) => (data[r * words + (i >> 5)] >>> (i & 31)) & 1;
        if (bit(neg[a]) === 0 && bit(pos[b]) === 1) first = i;
      }
      if (first < 0) {
        if (unseparated === 0) [exNeg, exPos] = [a, b];
        unseparated++;
      } else maxFirst = Math.max(maxFirst, first);
    }
  }
  put("sep.bits", data);
  put("sep.neg", neg);
  put("sep.pos", pos);
  put("sep.out", Float64Array.of(maxFirst, unseparated, exNeg, exPos));
}

// Sampling: continue a stream with a pending spare deviate, as the one-at-a-time loop does.
for (const [name, dim, n, lambda] of [
  ["small", 37, 300, 0.7],
  ["mnist", 784, 400, 0.5],
]) {
  const r = new Rng(7, dim);
  r.normal();
  const state = new Float64Array(5);
  r.saveState(state);
  const weights = new Float32Array(dim * n);
  const bias = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    r.fillNormal(weights.subarray(i * dim, (i + 1) * dim));
    bias[i] = r.uniformIn(-lambda, lambda);
  }
  const after = new Float64Array(5);
  r.saveState(after);
  put(`rng.${name}.args`, Float64Array.of(dim, n, lambda));
  put(`rng.${name}.state`, state);
  put(`rng.${name}.w`, weights);
  put(`rng.${name}.b`, bias);
  put(`rng.${name}.after`, after);
}

const out = process.argv[2];
if (!out) throw new Error("usage: node scripts/native-goldens.mjs <out.bin>");
writeFileSync(out, Buffer.concat(records));
