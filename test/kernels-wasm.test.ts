// The wasm backend against the reference, bit for bit, on random inputs of many shapes, on one
// thread and with helper threads.

import { test } from "node:test";
import assert from "node:assert/strict";

import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

import { availableBackends, getKernels } from "../src/ops/index.js";
import { referenceKernels } from "../src/ops/index.js";
import { kernelsOn } from "../src/ops/kernels.js";
import type {
  BitMatrix,
  DenseLayerT,
  Kernels,
  ValueMatrix,
  Workspace,
} from "../src/backends/types.js";
import { coverWordsFor, wordsPerRowFor } from "../src/backends/types.js";
import { popcount32 } from "../src/backends/bits.js";
import { createWasmKernels, type WasmKernels } from "../src/backends/wasm/index.js";
// Node's worker factory, so that instances with threads > 1 get helper threads.
import "../src/backends/wasm/node/threads.js";
import { Rng } from "../src/random/rng.js";
import { kernelLayout } from "../src/dfg/firstLayer.js";
import { fitModel } from "../src/dfg/fit.js";
import type { InterpolationModel } from "../src/dfg/model.js";
import { modelToJson } from "../src/dfg/modelFile.js";
import { makeMoons, makeRandomLabels } from "../src/data/generators.js";
import { normalizeRadius } from "../src/data/preprocess.js";
import { sparsify } from "./helpers.js";

/** Seeded uniform numbers in [0, 1) from the project's Rng, so failures reproduce. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.uniform();
}

const wasm: Kernels = getKernels("wasm");

/** Random bits with the given density in the first `bits` bits of each row, padding zero. */
function randomBits(
  random: () => number,
  rows: number,
  bits: number,
  density: number,
  data: Uint32Array,
): BitMatrix {
  const wordsPerRow = wordsPerRowFor(bits);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < bits; i++) {
      if (random() < density) data[r * wordsPerRow + (i >>> 5)] |= 1 << (i & 31);
    }
  }
  return { rows, bits, wordsPerRow, data };
}

/** A random mask over wordsPerRow words (bits beyond `bits` set too: data padding is zero). */
function randomMask(random: () => number, words: number, density: number, out: Uint32Array) {
  for (let w = 0; w < words; w++) {
    let v = 0;
    for (let b = 0; b < 32; b++) if (random() < density) v |= 1 << b;
    out[w] = v;
  }
  return out;
}

/** A random list of row indices (with repeats) of length `count` into `out`. */
function randomRows(random: () => number, rows: number, count: number, out: Int32Array) {
  for (let k = 0; k < count; k++) out[k] = Math.floor(random() * rows);
  return out;
}

/** Copies `source` into a fresh array of the workspace. */
function inWorkspace<T extends Uint32Array | Int32Array | Float32Array>(
  ws: Workspace,
  source: T,
): T {
  const copy =
    source instanceof Float32Array
      ? ws.f32(source.length)
      : source instanceof Int32Array
        ? ws.i32(source.length)
        : ws.u32(source.length);
  copy.set(source);
  return copy as T;
}

test("backends: auto picks wasm here, reference always exists, unknown names throw", () => {
  assert.deepEqual(availableBackends(), ["reference", "wasm"]);
  // Node's worker factory is loaded: MEMONET_THREADS or as many threads as cores (in the name).
  const env = Number(process.env.MEMONET_THREADS);
  const threads = Number.isInteger(env) && env >= 1 ? Math.min(64, env) : availableParallelism();
  assert.equal(getKernels().name, threads > 1 ? `wasm (${threads} threads)` : "wasm");
  assert.equal(getKernels("reference"), referenceKernels);
  assert.equal(getKernels("wasm"), wasm);
  assert.throws(() => getKernels("gpu" as "auto"), /kernel backend "gpu" is not available here/);
});

test("maskedMin and maskedBelow equal the reference for many widths and masks", () => {
  const random = rng(1);
  const ws = wasm.workspace();
  try {
    for (const bits of [1, 31, 32, 33, 511, 512, 513, 1000, 5000]) {
      const n = bits >= 1000 ? 150 : 300;
      const words = wordsPerRowFor(bits);
      for (const density of [0.02, 0.5]) {
        const plain = randomBits(random, n, bits, density, new Uint32Array(n * words));
        const own: BitMatrix = { ...plain, data: inWorkspace(ws, plain.data) };
        for (let trial = 0; trial < 12; trial++) {
          const maskDensity = [0, 0.01, 0.1, 0.5, 1][trial % 5];
          const mask = randomMask(random, words, maskDensity, new Uint32Array(words));
          const count = [0, 1, n, Math.floor(random() * 2 * n)][trial % 4];
          const rows = randomRows(random, n, count, new Int32Array(count + 3));
          const stopAt = [-1, 0, 2 ** 31 - 1, Math.floor(random() * bits * maskDensity)][trial % 4];
          const bound = [0, 1, bits + 1, Math.floor(random() * bits * maskDensity * density * 2)][
            (trial >> 2) % 4
          ];
          const expectedMin = referenceKernels.maskedMin(plain, mask, rows, count, stopAt);
          const outRef = new Int32Array(count + 3).fill(-7);
          const expectedBelow = referenceKernels.maskedBelow(
            plain,
            mask,
            rows,
            count,
            bound,
            outRef,
          );
          const where = `bits ${bits} density ${density} trial ${trial}`;
          // In-workspace arrays (no copies) and plain arrays (copied) must both agree.
          const ownMask = inWorkspace(ws, mask);
          const ownRows = inWorkspace(ws, rows);
          for (const [matrix, m, r, label] of [
            [own, ownMask, ownRows, "workspace"],
            [plain, mask, rows, "plain"],
          ] as const) {
            assert.equal(
              wasm.maskedMin(matrix, m, r, count, stopAt),
              expectedMin,
              `${where} ${label}`,
            );
            const out = label === "plain" ? new Int32Array(count + 3) : ws.i32(count + 3);
            out.fill(-7);
            assert.equal(
              wasm.maskedBelow(matrix, m, r, count, bound, out),
              expectedBelow,
              `${where} ${label}`,
            );
            assert.deepEqual(Array.from(out), Array.from(outRef), `${where} ${label}`);
          }
        }
      }
    }
  } finally {
    ws.dispose();
  }
});

test("maskedMin stops at stopAt exactly where the reference does; odd bounds", () => {
  const random = rng(2);
  const bits = 700;
  const n = 400;
  const plain = randomBits(random, n, bits, 0.3, new Uint32Array(n * wordsPerRowFor(bits)));
  const mask = randomMask(random, plain.wordsPerRow, 0.2, new Uint32Array(plain.wordsPerRow));
  const rows = randomRows(random, n, n, new Int32Array(n));
  for (const stopAt of [-Infinity, NaN, 10.5, 30, 35, 40, 45, 2 ** 40, Infinity]) {
    assert.equal(
      wasm.maskedMin(plain, mask, rows, n, stopAt),
      referenceKernels.maskedMin(plain, mask, rows, n, stopAt),
      `stopAt ${stopAt}`,
    );
  }
  for (const bound of [-Infinity, NaN, -3, 0.5, 40.5, 2 ** 40, Infinity]) {
    const a = new Int32Array(n);
    const b = new Int32Array(n);
    assert.equal(
      wasm.maskedBelow(plain, mask, rows, n, bound, a),
      referenceKernels.maskedBelow(plain, mask, rows, n, bound, b),
      `bound ${bound}`,
    );
    assert.deepEqual(a, b);
  }
  // An `out` too short for every row: like the reference, extra results are dropped.
  const shortRef = new Int32Array(5);
  const shortWasm = new Int32Array(5);
  assert.equal(
    wasm.maskedBelow(plain, mask, rows, n, 1000, shortWasm),
    referenceKernels.maskedBelow(plain, mask, rows, n, 1000, shortRef),
  );
  assert.deepEqual(shortWasm, shortRef);
});

/** A random float32 value of the kinds that stress rounding: signs, tiny and denormal values. */
function randomValue(random: () => number): number {
  const u = random();
  if (u < 0.05) return (random() - 0.5) * 1e-38; // around the denormal boundary
  if (u < 0.08) return (random() - 0.5) * 1e-44; // denormal
  if (u < 0.1) return random() < 0.5 ? -0 : 0;
  return (random() - 0.5) * 4 * Math.exp(random() * 4 - 2);
}

/** A random layer with the given shape (plain arrays). */
function randomLayer(random: () => number, dim: number, width: number): DenseLayerT {
  const weights = new Float32Array(dim * width);
  for (let i = 0; i < weights.length; i++) weights[i] = randomValue(random);
  const bias = new Float32Array(width);
  for (let i = 0; i < width; i++) bias[i] = randomValue(random) * 0.3;
  return kernelLayout({ dim, width, weights, bias });
}

/** Random rows: a fraction `nonZero` of entries non-zero (uniform in (0,1] or signed values). */
function randomInputs(random: () => number, rows: number, dim: number, nonZero: number) {
  const x = new Float32Array(rows * dim);
  const signed = random() < 0.5;
  for (let i = 0; i < x.length; i++) {
    if (random() < nonZero) x[i] = signed ? randomValue(random) : 1 - random();
  }
  return x;
}

/** The float32 bit patterns of `a` (so that +0/-0 and NaN payloads compare exactly). */
function bitPatterns(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

test("thresholdLayer and reluLayer equal the reference bit for bit", () => {
  const random = rng(3);
  const shapes: [dim: number, width: number, rows: number][] = [
    [1, 1, 7],
    [1, 33, 5],
    [2, 1, 9],
    [2, 31, 20],
    [2, 32, 20],
    [3, 100, 10],
    [17, 257, 12],
    [784, 5, 6],
    [784, 64, 5],
    [784, 1000, 4],
    [784, 5000, 3],
    [3072, 33, 200], // more rows than one chunk of non-zero lists
    [3072, 300, 3],
  ];
  const ws = wasm.workspace();
  try {
    for (const [dim, width, rows] of shapes) {
      for (const nonZero of [0.19, 1]) {
        const where = `dim ${dim} width ${width} rows ${rows} nonZero ${nonZero}`;
        const layer = randomLayer(random, dim, width);
        const x = randomInputs(random, rows, dim, nonZero);
        const offset = 2;
        const words = wordsPerRowFor(width);
        const total = rows + offset + 1;
        const expectBits: BitMatrix = {
          rows: total,
          bits: width,
          wordsPerRow: words,
          data: new Uint32Array(total * words).fill(0xdeadbeef),
        };
        referenceKernels.thresholdLayer(x, rows, layer, expectBits, offset);
        const expectRelu = new Float32Array(total * width).fill(-1);
        referenceKernels.reluLayer(x, rows, layer, expectRelu, offset);
        const ownLayer: DenseLayerT = {
          dim,
          width,
          weights: inWorkspace(ws, layer.weights),
          weightsT: inWorkspace(ws, layer.weightsT),
          bias: inWorkspace(ws, layer.bias),
        };
        for (const own of [true, false]) {
          const label = `${where} ${own ? "workspace" : "plain"}`;
          const data = new Uint32Array(total * words).fill(0xdeadbeef);
          const bitsOut: BitMatrix = { ...expectBits, data: own ? inWorkspace(ws, data) : data };
          const reluInit = new Float32Array(total * width).fill(-1);
          const reluOut = own ? inWorkspace(ws, reluInit) : reluInit;
          const xs = own ? inWorkspace(ws, x) : x;
          const l = own ? ownLayer : layer;
          wasm.thresholdLayer(xs, rows, l, bitsOut, offset);
          wasm.reluLayer(xs, rows, l, reluOut, offset);
          assert.deepEqual(Array.from(bitsOut.data), Array.from(expectBits.data), label);
          assert.deepEqual(bitPatterns(reluOut), bitPatterns(expectRelu), label);
        }
      }
    }
  } finally {
    ws.dispose();
  }
});

test("popcount kernels reject row indices outside the bit matrix", () => {
  const ws = wasm.workspace();
  const bits: BitMatrix = { rows: 3, bits: 40, wordsPerRow: 16, data: ws.u32(48) };
  const mask = ws.u32(16);
  const rows = Int32Array.from([0, 2, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(
    () => wasm.maskedMin(bits, mask, rows, rows.length, -1),
    /wasm\.maskedMin: rows\[3\] = 3 is not a row of bits \(0\.\.2\)/,
  );
  rows[3] = -1;
  assert.throws(
    () => wasm.maskedBelow(bits, mask, rows, rows.length, 5, new Int32Array(12)),
    /wasm\.maskedBelow: rows\[3\] = -1/,
  );
  ws.dispose();
});

test("first-layer kernels reject arrays that are too short, naming kernel and backend", () => {
  const layer: DenseLayerT = {
    dim: 4,
    width: 3,
    weights: new Float32Array(12),
    weightsT: new Float32Array(12),
    bias: new Float32Array(3),
  };
  const out: BitMatrix = { rows: 2, bits: 3, wordsPerRow: 16, data: new Uint32Array(32) };
  assert.throws(
    () => wasm.thresholdLayer(new Float32Array(7), 2, layer, out, 0),
    /wasm\.thresholdLayer: x has 7 elements, needs 8/,
  );
  assert.throws(
    () => wasm.reluLayer(new Float32Array(8), 2, layer, new Float32Array(6), 1),
    /wasm\.reluLayer: out has 6 elements, needs 9/,
  );
});

test("workspace: zero-filled, reusable, several live at once, views survive memory growth", () => {
  const a = wasm.workspace();
  const small = a.u32(1000);
  small.fill(0xffffffff);
  a.dispose();
  const b = wasm.workspace();
  const again = b.u32(1000);
  assert.ok(
    again.every((v) => v === 0),
    "reused memory is zero-filled",
  );
  again.fill(7);
  const c = wasm.workspace();
  const big = c.f32(40_000_000); // 160 MB: grows the memory past its initial size
  big[big.length - 1] = 1.5;
  assert.equal(again[999], 7, "a view made before growth still reads the same memory");
  again[0] = 9;
  assert.equal(again[0], 9);
  // Growth keeps earlier arrays usable by the kernels without copies.
  const bits: BitMatrix = { rows: 1, bits: 32, wordsPerRow: 16, data: b.u32(16) };
  bits.data[0] = 0b1011;
  const mask = c.u32(16).fill(0xffffffff);
  assert.equal(wasm.maskedMin(bits, mask, c.i32(1), 1, -1), 3);
  c.dispose();
  b.dispose();
  assert.throws(() => b.u32(1), /wasm backend: workspace.u32\(\) after dispose\(\)/);
});

// ---------------------------------------------------------------------------------------------
// Helper threads: every kernel on 1, 2 and 3 threads, cut into many chunks (and, for arrays
// outside the workspace, into many gathered pieces), against the reference bit for bit.

/** Instances with 1, 2 and 3 threads whose calls are cut into up to 9 chunks of tiny work. */
async function threadedKernels(): Promise<
  { threads: number; instance: WasmKernels; k: Kernels }[]
> {
  const out = [];
  for (const threads of [1, 2, 3]) {
    const instance = createWasmKernels({ threads, chunkWork: 16, maxChunks: 9, pieceBytes: 3000 });
    assert.equal(await instance.whenReady(), threads - 1);
    out.push({ threads, instance, k: kernelsOn("wasm", instance) });
  }
  return out;
}

/** Random ReLU values (a fraction `zero` of them 0, the rest positive, some tiny). */
function randomValues(random: () => number, rows: number, width: number, zero: number) {
  const data = new Float32Array(rows * width);
  for (let i = 0; i < data.length; i++) {
    const u = random();
    data[i] = u < zero ? 0 : u < zero + 0.02 ? 1e-40 : random() * 3;
  }
  return data;
}

test("threads: the scoring kernels equal the reference on 1, 2 and 3 threads", async () => {
  const instances = await threadedKernels();
  const random = rng(11);
  try {
    for (const bits of [40, 600, 1000]) {
      const words = wordsPerRowFor(bits);
      const n = 500;
      const plain = randomBits(random, n, bits, 0.4, new Uint32Array(n * words));
      const values: ValueMatrix = {
        rows: n,
        width: bits,
        data: randomValues(random, n, bits, 0.5),
      };
      const maskCount = 7;
      const masks = new Uint32Array(maskCount * words);
      for (let q = 0; q < maskCount; q++) {
        randomMask(random, words, [0.02, 0.2, 0.5][q % 3], masks.subarray(q * words));
      }
      const count = 900;
      const rows = randomRows(random, n, count, new Int32Array(count));
      const thresholds = Float64Array.from({ length: maskCount }, () => random() * bits * 0.2);
      // The reference's answers for several stop values and bounds.
      const stops = [-1, 0, 3, bits * 0.05, bits * 0.1, 2 ** 31 - 1];
      const want = {
        mins: stops.map((s) => {
          const o = new Int32Array(maskCount);
          referenceKernels.maskedMinMany(plain, masks, maskCount, rows, count, s, o);
          return Array.from(o);
        }),
        reluMins: [...stops, Infinity, NaN].map((s) => {
          const o = new Float64Array(maskCount);
          referenceKernels.reluMinMany(values, masks, maskCount, rows, count, s, o);
          return Array.from(o);
        }),
        below: [0, bits * 0.05, bits * 0.1, Infinity].map((b) => {
          const o = new Int32Array(count);
          const m = masks.subarray(words, 2 * words);
          return [referenceKernels.maskedBelow(plain, m, rows, count, b, o), Array.from(o)];
        }),
        reluBelow: [0, 1, 10, Infinity].map((b) => {
          const o = new Int32Array(count);
          const m = masks.subarray(words, 2 * words);
          return [referenceKernels.reluBelow(values, m, rows, count, b, o), Array.from(o)];
        }),
        any: (() => {
          const o = new Uint8Array(count);
          referenceKernels.maskedAnyBelow(plain, masks, thresholds, maskCount, rows, count, o);
          return Array.from(o);
        })(),
        cover: (() => {
          const bounds = Float64Array.from(thresholds);
          bounds[1] = 0;
          bounds[2] = NaN;
          const o = new Uint32Array(maskCount * coverWordsFor(count));
          referenceKernels.coverage(plain, masks, maskCount, bounds, rows, count, o);
          return { bounds, out: Array.from(o) };
        })(),
        reluCover: (() => {
          const bounds = thresholds.map((t) => t / 10);
          bounds[1] = 0;
          bounds[2] = NaN;
          bounds[4] = Infinity;
          const o = new Uint32Array(maskCount * coverWordsFor(count));
          referenceKernels.reluCoverage(values, masks, maskCount, bounds, rows, count, o);
          return { bounds, out: Array.from(o) };
        })(),
        reluAny: (() => {
          const o = new Uint8Array(count);
          const t = thresholds.map((v) => v / 10);
          referenceKernels.reluAnyBelow(values, masks, t, maskCount, rows, count, o);
          return Array.from(o);
        })(),
      };
      for (const { threads, k } of instances) {
        const ws = k.workspace();
        try {
          for (const own of [true, false]) {
            const where = `bits ${bits} threads ${threads} ${own ? "workspace" : "plain"}`;
            const b: BitMatrix = own ? { ...plain, data: inWorkspace(ws, plain.data) } : plain;
            const v: ValueMatrix = own ? { ...values, data: inWorkspace(ws, values.data) } : values;
            const m = own ? inWorkspace(ws, masks) : masks;
            const r = own ? inWorkspace(ws, rows) : rows;
            stops.forEach((s, i) => {
              const o = new Int32Array(maskCount);
              k.maskedMinMany(b, m, maskCount, r, count, s, o);
              assert.deepEqual(Array.from(o), want.mins[i], `${where} maskedMinMany stopAt ${s}`);
              assert.equal(k.maskedMin(b, m, r, count, s), want.mins[i][0], `${where} maskedMin`);
            });
            [...stops, Infinity, NaN].forEach((s, i) => {
              const o = new Float64Array(maskCount);
              k.reluMinMany(v, m, maskCount, r, count, s, o);
              assert.deepEqual(Array.from(o), want.reluMins[i], `${where} reluMinMany stopAt ${s}`);
            });
            [0, bits * 0.05, bits * 0.1, Infinity].forEach((bound, i) => {
              const o = new Int32Array(count);
              const got = k.maskedBelow(b, m.subarray(words, 2 * words), r, count, bound, o);
              assert.deepEqual(
                [got, Array.from(o)],
                want.below[i],
                `${where} maskedBelow ${bound}`,
              );
            });
            [0, 1, 10, Infinity].forEach((bound, i) => {
              const o = new Int32Array(count);
              const got = k.reluBelow(v, m.subarray(words, 2 * words), r, count, bound, o);
              assert.deepEqual(
                [got, Array.from(o)],
                want.reluBelow[i],
                `${where} reluBelow ${bound}`,
              );
            });
            const o = new Uint8Array(count);
            k.maskedAnyBelow(b, m, thresholds, maskCount, r, count, o);
            assert.deepEqual(Array.from(o), want.any, `${where} maskedAnyBelow`);
            const cover = new Uint32Array(maskCount * coverWordsFor(count)).fill(0xffffffff);
            k.coverage(b, m, maskCount, want.cover.bounds, r, count, cover);
            assert.deepEqual(Array.from(cover), want.cover.out, `${where} coverage`);
            cover.fill(0xffffffff);
            k.reluCoverage(v, m, maskCount, want.reluCover.bounds, r, count, cover);
            assert.deepEqual(Array.from(cover), want.reluCover.out, `${where} reluCoverage`);
            k.reluAnyBelow(
              v,
              m,
              thresholds.map((t) => t / 10),
              maskCount,
              r,
              count,
              o,
            );
            assert.deepEqual(Array.from(o), want.reluAny, `${where} reluAnyBelow`);
          }
        } finally {
          ws.dispose();
        }
      }
    }
    for (const { threads, instance } of instances) {
      if (threads > 1)
        assert.ok(instance.helperChunks > 0, `${threads} threads: helpers ran chunks`);
    }
  } finally {
    for (const { instance } of instances) instance.close();
  }
});

test("threads: reluCoverage equals the reference for many mask and row counts, 1-3 threads", async () => {
  const instances = await threadedKernels();
  const random = rng(13);
  try {
    for (const [width, negative] of [
      [1, false],
      [40, false],
      [600, false],
      [1537, false],
      [100, true],
    ] as const) {
      const n = 300;
      const data = randomValues(random, n, width, 0.5);
      // Values outside the ReLU range too: the early stop after each word must match exactly.
      if (negative) {
        for (let i = 0; i < data.length; i++) if (random() < 0.3) data[i] = -random() * 4;
        data[7] = NaN;
        data[width + 3] = Infinity;
      }
      const values: ValueMatrix = { rows: n, width, data };
      const words = wordsPerRowFor(width);
      let covered = 0;
      let scored = 0;
      for (const maskCount of [1, 2, 9, 33]) {
        const masks = new Uint32Array(maskCount * words);
        for (let q = 0; q < maskCount; q++) {
          randomMask(random, words, [0.5, 0.1, 0.3][q % 3], masks.subarray(q * words));
        }
        // Bounds: the score of a random row (so that about half of the rows are covered), and
        // 0, NaN, ±Infinity.
        const score = new Float64Array(1);
        const bounds = Float64Array.from({ length: maskCount }, (_, q) => {
          if (q % 8 === 7) return [0, NaN, Infinity, -Infinity][(q >> 3) % 4];
          const row = Int32Array.of(Math.floor(random() * n));
          const mask = masks.subarray(q * words, (q + 1) * words);
          referenceKernels.reluMinMany(values, mask, 1, row, 1, -Infinity, score);
          return score[0];
        });
        for (const count of [0, 1, 31, 32, 33, 95, 1000, 2049]) {
          const rows = randomRows(random, n, count, new Int32Array(count));
          const outWords = coverWordsFor(count);
          const want = new Uint32Array(maskCount * outWords + 1).fill(0x5a5a5a5a);
          referenceKernels.reluCoverage(values, masks, maskCount, bounds, rows, count, want);
          for (let i = 0; i < maskCount * outWords; i++) covered += popcount32(want[i]);
          scored += maskCount * count;
          for (const { threads, k } of [...instances, { threads: 0, k: wasm }]) {
            const ws = k.workspace();
            try {
              for (const own of [true, false]) {
                const where = `width ${width}${negative ? " (negatives)" : ""}, ${maskCount} masks, ${count} rows, ${threads || "default"} threads, ${own ? "workspace" : "plain"}`;
                const v: ValueMatrix = own ? { ...values, data: inWorkspace(ws, data) } : values;
                const init = new Uint32Array(want.length).fill(0x5a5a5a5a);
                const got = own ? inWorkspace(ws, init) : init;
                k.reluCoverage(
                  v,
                  own ? inWorkspace(ws, masks) : masks,
                  maskCount,
                  bounds,
                  own ? inWorkspace(ws, rows) : rows,
                  count,
                  got,
                );
                assert.deepEqual(Array.from(got), Array.from(want), where);
              }
            } finally {
              ws.dispose();
            }
          }
        }
      }
      // The covers are neither empty nor everything (a kernel that answered all 0 would fail).
      const what = `width ${width}: ${covered} of ${scored} covered`;
      assert.ok(covered > 0.1 * scored && covered < 0.9 * scored, what);
    }
    // The early stop after each 32-neuron word, in every lane of a group of masks: a row whose
    // first word sums to exactly the bound is not covered although later (negative) values would
    // bring its sum below; one whose first word stays below it is.
    const width = 64;
    const data = new Float32Array(3 * width);
    data.fill(1, 0, 2); // row 0: 1 + 1 = 2 in word 0, then -5
    data[40] = -5;
    data.fill(0.75, width, width + 2); // row 1: 1.5 in word 0, then -5
    data[width + 40] = -5;
    data[2 * width + 33] = 2; // row 2: 0 in word 0, then 2
    const values: ValueMatrix = { rows: 3, width, data };
    const maskCount = 11;
    const masks = new Uint32Array(maskCount * 16);
    for (let q = 0; q < maskCount; q++) masks.fill(0xffffffff, q * 16, q * 16 + 2);
    const bounds = new Float64Array(maskCount).fill(2);
    const rows = Int32Array.of(0, 1, 2, 1, 0);
    const want = new Uint32Array(maskCount);
    referenceKernels.reluCoverage(values, masks, maskCount, bounds, rows, 5, want);
    assert.deepEqual(Array.from(want), new Array(maskCount).fill(0b01010));
    for (const { threads, k } of [...instances, { threads: 0, k: wasm }]) {
      const got = new Uint32Array(maskCount).fill(0xffffffff);
      k.reluCoverage(values, masks, maskCount, bounds, rows, 5, got);
      assert.deepEqual(Array.from(got), Array.from(want), `early stop, ${threads} threads`);
    }
    // Rows of width 0: every score is 0 (covered iff 0 < bound), in or outside the workspace.
    const empty: ValueMatrix = { rows: 3, width: 0, data: new Float32Array(0) };
    const zeroBounds = Float64Array.of(1, 0, -1, NaN, Infinity);
    const emptyWant = new Uint32Array(5);
    referenceKernels.reluCoverage(empty, masks, 5, zeroBounds, rows, 5, emptyWant);
    assert.deepEqual(Array.from(emptyWant), [31, 0, 0, 0, 31]);
    for (const { threads, k } of [...instances, { threads: 0, k: wasm }]) {
      const got = new Uint32Array(5).fill(0xffffffff);
      k.reluCoverage(empty, masks, 5, zeroBounds, rows, 5, got);
      assert.deepEqual(Array.from(got), Array.from(emptyWant), `width 0, ${threads} threads`);
    }
    for (const { threads, instance } of instances) {
      if (threads > 1) assert.ok(instance.helperChunks > 0, `${threads} threads: helpers ran`);
    }
  } finally {
    for (const { instance } of instances) instance.close();
  }
});

test("threads: a minimum stops at the first row <= stopAt even when a later chunk is lower", async () => {
  // Row counts 9, 9, ..., 5 (row 300), ..., 1 (row 700): with stopAt 6 the reference returns 5,
  // the running minimum where it stops, although a later chunk holds a 1.
  const instances = await threadedKernels();
  try {
    const n = 900;
    const bits = 64;
    const m: BitMatrix = { rows: n, bits, wordsPerRow: 16, data: new Uint32Array(n * 16) };
    const counts = Array.from({ length: n }, (_, r) => (r === 300 ? 5 : r === 700 ? 1 : 9));
    counts.forEach((c, r) => (m.data[r * 16] = 2 ** c - 1));
    const mask = new Uint32Array(16).fill(0xffffffff);
    const rows = Int32Array.from({ length: n }, (_, r) => r);
    const values: ValueMatrix = { rows: n, width: bits, data: new Float32Array(n * bits) };
    counts.forEach((c, r) => values.data.fill(1, r * bits, r * bits + c));
    assert.equal(referenceKernels.maskedMin(m, mask, rows, n, 6), 5);
    for (const { threads, k } of instances) {
      assert.equal(k.maskedMin(m, mask, rows, n, 6), 5, `${threads} threads`);
      assert.equal(k.maskedMin(m, mask, rows, n, 0), 1, `${threads} threads`);
      const o = new Float64Array(1);
      k.reluMinMany(values, mask, 1, rows, n, 6, o);
      assert.equal(o[0], 5, `${threads} threads relu`);
    }
  } finally {
    for (const { instance } of instances) instance.close();
  }
});

test("threads: the first layer (row groups) equals the reference on 1, 2 and 3 threads", async () => {
  const instances = await threadedKernels();
  const random = rng(12);
  try {
    for (const [dim, width, rows] of [
      [784, 300, 70],
      [3, 65, 2100],
      [40, 1000, 300],
      [100, 33, 9],
    ] as const) {
      for (const nonZero of [0.15, 1]) {
        const layer = randomLayer(random, dim, width);
        const x = randomInputs(random, rows, dim, nonZero);
        const words = wordsPerRowFor(width);
        const offset = 1;
        const total = rows + offset;
        const bitsWant: BitMatrix = {
          rows: total,
          bits: width,
          wordsPerRow: words,
          data: new Uint32Array(total * words).fill(0xffffffff),
        };
        referenceKernels.thresholdLayer(x, rows, layer, bitsWant, offset);
        const reluWant = new Float32Array(total * width).fill(-1);
        referenceKernels.reluLayer(x, rows, layer, reluWant, offset);
        for (const { threads, k } of instances) {
          const ws = k.workspace();
          try {
            for (const own of [true, false]) {
              const where = `${dim}x${width} rows ${rows} nonZero ${nonZero} threads ${threads} ${own}`;
              const data = new Uint32Array(total * words).fill(0xffffffff);
              const bitsOut: BitMatrix = { ...bitsWant, data: own ? inWorkspace(ws, data) : data };
              const relu = new Float32Array(total * width).fill(-1);
              const reluOut = own ? inWorkspace(ws, relu) : relu;
              const xs = own ? inWorkspace(ws, x) : x;
              k.thresholdLayer(xs, rows, layer, bitsOut, offset);
              k.reluLayer(xs, rows, layer, reluOut, offset);
              assert.deepEqual(Array.from(bitsOut.data), Array.from(bitsWant.data), where);
              assert.deepEqual(bitPatterns(reluOut), bitPatterns(reluWant), where);
            }
          } finally {
            ws.dispose();
          }
        }
      }
    }
    // A non-finite weight: rows are no longer grouped (0 · ∞ would be NaN), results still exact.
    const layer = randomLayer(random, 30, 70);
    layer.weights[5] = Infinity;
    layer.weights[100] = -Infinity;
    const x = randomInputs(random, 50, 30, 0.3);
    const want = new Float32Array(50 * 70);
    referenceKernels.reluLayer(x, 50, layer, want, 0);
    for (const { threads, k } of instances) {
      const got = new Float32Array(50 * 70);
      k.reluLayer(x, 50, layer, got, 0);
      assert.deepEqual(bitPatterns(got), bitPatterns(want), `non-finite, ${threads} threads`);
    }
  } finally {
    for (const { instance } of instances) instance.close();
  }
});

test("threads: whole models are identical to the reference's on 1, 2 and 3 threads", async () => {
  const instances = await threadedKernels();
  const strip = (m: InterpolationModel) =>
    modelToJson({
      ...m,
      info: { ...m.info, fitSeconds: 0, firstLayerSeconds: 0, secondLayerSeconds: 0, backend: "" },
    });
  try {
    const sparse = normalizeRadius(sparsify(makeRandomLabels(1500, 50, 3, 21), 0.7, 22));
    const moons = normalizeRadius(makeMoons(800, 0.1, 3));
    for (const [ds, params] of [
      [sparse, { n: 700, lambda: 0.5, seed: 1 }],
      [sparse, { n: 400, lambda: 0.2, seed: 2, activation: "relu" as const }],
      [moons, { algorithm: 1 as const, n: 0, lambda: 1, seed: 3 }],
      [moons, { n: 300, lambda: 1, seed: 4, activation: "relu" as const }],
    ] as const) {
      const want = strip(fitModel(ds, params, { kernels: referenceKernels }));
      for (const { threads, k } of instances) {
        assert.equal(strip(fitModel(ds, params, { kernels: k })), want, `${ds.name} ${threads}`);
      }
    }
  } finally {
    for (const { instance } of instances) instance.close();
  }
});

test("a ReLU fit with greedy selection is identical to the reference's, reluCoverage on wasm", async () => {
  const instances = await threadedKernels();
  const strip = (m: InterpolationModel) =>
    modelToJson({
      ...m,
      info: { ...m.info, fitSeconds: 0, firstLayerSeconds: 0, secondLayerSeconds: 0, backend: "" },
    });
  try {
    const sparse = normalizeRadius(sparsify(makeRandomLabels(1200, 50, 3, 31), 0.7, 32));
    const moons = normalizeRadius(makeMoons(900, 0.1, 5));
    for (const [ds, params] of [
      [sparse, { n: 400, lambda: 0.2, seed: 6, activation: "relu", selection: "greedy" }],
      [moons, { n: 300, lambda: 1, seed: 7, activation: "relu", selection: "greedy" }],
      [moons, { n: 300, lambda: 1, seed: 8, activation: "relu", selection: "greedy+prune" }],
    ] as const) {
      const want = strip(fitModel(ds, params, { kernels: referenceKernels }));
      for (const { threads, instance, k } of instances) {
        // Count the wasm reluCoverage calls: the fit must really run the kernel under test.
        let calls = 0;
        const kernel = instance.reluCoverage.bind(instance);
        instance.reluCoverage = (...a) => {
          calls++;
          kernel(...a);
        };
        try {
          const got = strip(fitModel(ds, params, { kernels: k }));
          assert.equal(got, want, `${ds.name} seed ${params.seed}, ${threads} threads`);
        } finally {
          instance.reluCoverage = kernel;
        }
        assert.ok(calls > 0, `${ds.name} seed ${params.seed}: reluCoverage ran on wasm`);
      }
      const got = strip(fitModel(ds, params, { kernels: wasm }));
      assert.equal(got, want, `${ds.name} seed ${params.seed}, the default wasm instance`);
    }
  } finally {
    for (const { instance } of instances) instance.close();
  }
});

test("threads: the Node.js worker factory starts helpers, as many as MEMONET_THREADS", () => {
  const dist = new URL("../src/", import.meta.url).href;
  const script = `
    await import("${dist}backends/wasm/node/threads.js");
    const { createWasmKernels } = await import("${dist}backends/wasm/index.js");
    const k = createWasmKernels();
    console.log(k.name, k.threads, await k.whenReady());
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, MEMONET_THREADS: "3" },
    timeout: 60_000,
  });
  // The process exits by itself although its helper threads never return.
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "wasm (3 threads) 3 2");
});
