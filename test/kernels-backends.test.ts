// Every fast backend (wasm, native where it is built) against the reference, bit for bit,
// including the batched maskedMinMany and whole models.

import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import assert from "node:assert/strict";
import { getKernels, availableBackends, type BackendChoice } from "../src/ops/index.js";
import { getKernel, hasKernel } from "../src/backends/registry.js";
import {
  KERNEL_NAMES,
  type KernelName,
  type KernelSignatures,
  type ValueMatrix,
} from "../src/backends/types.js";
import { kernelsOn, type BoundKernels } from "../src/ops/kernels.js";
import {
  NATIVE_ADDON_PATH,
  createNativeKernels,
  nativeTables,
} from "../src/backends/native/index.js";
import { existsSync } from "node:fs";
import { referenceKernels } from "../src/ops/index.js";
import { wordsPerRowFor, type BitMatrix, type Kernels } from "../src/backends/types.js";
import { Rng } from "../src/random/rng.js";
import { popcount32 } from "../src/backends/bits.js";
import { makeRandomLabels } from "../src/data/generators.js";
import { normalizeRadius } from "../src/data/preprocess.js";
import { modelToJson } from "../src/dfg/modelFile.js";
import type { InterpolationModel } from "../src/dfg/model.js";
import { HyperplaneSampler, kernelLayout, sampleFirstLayer } from "../src/dfg/firstLayer.js";
import { predictRows } from "../src/dfg/predict.js";
import { checkSeparation } from "../src/dfg/separation.js";
import { fitNet, sparsify } from "./helpers.js";

// Every native kernel table this CPU runs (not only the one auto picks): each is checked alike.
const supportedTables = existsSync(NATIVE_ADDON_PATH)
  ? nativeTables()
      .filter((t) => t.supported)
      .map((t) => t.name)
  : [];
const fast: Kernels[] = [
  ...availableBackends()
    .filter((b) => b !== "reference")
    .map((b) => getKernels(b)),
  ...supportedTables
    .slice(1)
    .map((simd) => kernelsOn("native", createNativeKernels(undefined, { simd }))),
];

function randomBits(rng: Rng, rows: number, bits: number, density: number): BitMatrix {
  const wordsPerRow = wordsPerRowFor(bits);
  const data = new Uint32Array(rows * wordsPerRow);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < bits; i++) {
      if (rng.uniform() < density) data[r * wordsPerRow + (i >>> 5)] |= 1 << (i & 31);
    }
  }
  return { rows, bits, wordsPerRow, data };
}

test(
  "the native backend is chosen by auto where it is built",
  { skip: !existsSync(NATIVE_ADDON_PATH) && "native kernels not built here" },
  () => {
    assert.ok(availableBackends().includes("native"), "native kernels are not built");
    assert.match(getKernels("auto").name, /^native/);
  },
);

test("maskedMinMany, maskedMin and maskedBelow equal the reference (1..20 masks)", () => {
  const rng = new Rng(1);
  for (const bits of [1, 33, 512, 1000, 1537]) {
    const m = randomBits(rng, 300, bits, 0.5);
    const words = m.wordsPerRow;
    const rows = Int32Array.from(rng.permutation(300).subarray(0, 250));
    for (const k of [1, 3, 8, 16, 20]) {
      const masks = randomBits(rng, k, bits, 0.3).data;
      for (const stopAt of [0, 5, -1, 1e9]) {
        const want = new Int32Array(k);
        referenceKernels.maskedMinMany(m, masks, k, rows, rows.length, stopAt, want);
        for (const kernels of fast) {
          const got = new Int32Array(k);
          kernels.maskedMinMany(m, masks, k, rows, rows.length, stopAt, got);
          if (stopAt < 0) assert.deepEqual(got, want, `${kernels.name} bits ${bits} k ${k}`);
          for (let q = 0; q < k; q++) {
            // With early stopping both report a value <= stopAt where the true minimum is.
            if (want[q] <= stopAt) assert.ok(got[q] <= stopAt, kernels.name);
            else assert.equal(got[q], want[q], `${kernels.name} bits ${bits} k ${k} q ${q}`);
          }
        }
      }
      const mask = masks.subarray(0, words);
      for (const bound of [0, 1, 7.5, bits / 4, Infinity]) {
        const want = new Int32Array(rows.length);
        const wn = referenceKernels.maskedBelow(m, mask, rows, rows.length, bound, want);
        for (const kernels of fast) {
          const got = new Int32Array(rows.length);
          const gn = kernels.maskedBelow(m, mask, rows, rows.length, bound, got);
          assert.equal(gn, wn, `${kernels.name} below ${bound}`);
          assert.deepEqual(got.subarray(0, gn), want.subarray(0, wn));
          assert.equal(
            kernels.maskedMin(m, mask, rows, rows.length, -1),
            referenceKernels.maskedMin(m, mask, rows, rows.length, -1),
          );
        }
      }
    }
  }
});

test("first layer: threshold bits and ReLU values equal the reference exactly", () => {
  const rng = new Rng(2);
  // Dense and sparse inputs (the native backend groups sparse rows: odd row counts, widths that
  // are not multiples of 64, and more rows than one block of row groups are all covered).
  for (const [rows, dim, width, zeros] of [
    [50, 1, 1, 0.3],
    [40, 3, 300, 0.3],
    [30, 784, 256, 0.3],
    [20, 784, 1000, 0.3],
    [9, 100, 5000, 0.3],
    [50, 1, 1, 0.9],
    [7, 3, 300, 0.9],
    [37, 784, 1000, 0.85],
    [2051, 50, 70, 0.8],
    [8300, 12, 100, 0.7], // more rows than one native chunk of row groups
    [5, 100, 5000, 0.95],
  ] as const) {
    const x = new Float32Array(rows * dim);
    for (let i = 0; i < x.length; i++)
      x[i] = rng.uniform() < zeros ? 0 : rng.normal() * 10 ** (rng.below(6) - 3);
    const layer = kernelLayout(sampleFirstLayer(dim, width, 0.7, rows));
    const wpr = wordsPerRowFor(width);
    const want: BitMatrix = {
      rows,
      bits: width,
      wordsPerRow: wpr,
      data: new Uint32Array(rows * wpr),
    };
    referenceKernels.thresholdLayer(x, rows, layer, want, 0);
    const wantRelu = new Float32Array(rows * width);
    referenceKernels.reluLayer(x, rows, layer, wantRelu, 0);
    for (const kernels of fast) {
      const got: BitMatrix = { ...want, data: new Uint32Array(rows * wpr).fill(0xffffffff) };
      kernels.thresholdLayer(x, rows, layer, got, 0);
      assert.deepEqual(got.data, want.data, `${kernels.name} ${rows}x${dim}->${width} ${zeros}`);
      const relu = new Float32Array(rows * width);
      kernels.reluLayer(x, rows, layer, relu, 0);
      assert.deepEqual(
        new Uint32Array(relu.buffer),
        new Uint32Array(wantRelu.buffer),
        kernels.name,
      );
    }
  }
});

const noNative = { skip: !existsSync(NATIVE_ADDON_PATH) && "native kernels not built here" };

test("native kernels reject bad row indices instead of reading out of bounds", noNative, () => {
  const native = getKernels("native");
  const m = randomBits(new Rng(3), 10, 64, 0.5);
  assert.throws(
    () => native.maskedMin(m, new Uint32Array(m.wordsPerRow), Int32Array.of(0, 10), 2, 0),
    /native\.maskedMin: rows\[1\] = 10 is not a row of bits \(0\.\.9\)/,
  );
  assert.throws(
    () =>
      native.maskedBelow(
        m,
        new Uint32Array(m.wordsPerRow),
        Int32Array.of(-1),
        1,
        3,
        new Int32Array(1),
      ),
    /native\.maskedBelow: rows\[0\] = -1 is not a row of bits/,
  );
  assert.throws(
    () =>
      native.maskedBelow(
        m,
        new Uint32Array(m.wordsPerRow),
        Int32Array.of(1),
        2,
        3,
        new Int32Array(1),
      ),
    /native\.maskedBelow: count = 2 is not an integer in \[0, 1\]/,
  );
});

test("whole models: every backend builds the bit-identical model", async () => {
  const strip = (m: InterpolationModel) =>
    modelToJson({
      ...m,
      info: { ...m.info, fitSeconds: 0, firstLayerSeconds: 0, secondLayerSeconds: 0, backend: "" },
    });
  // Dense data, and sparse data (the native backend's row groups).
  const dense = normalizeRadius(makeRandomLabels(2500, 30, 4, 6));
  const sparse = normalizeRadius(sparsify(makeRandomLabels(2500, 60, 4, 7), 0.75, 8));
  for (const ds of [dense, sparse]) {
    for (const params of [
      { n: 1200, lambda: 0.5, seed: 1 },
      { n: 600, lambda: 0, seed: 2, activation: "relu" as const },
    ]) {
      const want = strip((await fitNet(ds, params)).model);
      for (const kernels of fast) {
        assert.equal(
          strip((await fitNet(ds, params, kernels)).model),
          want,
          `${kernels.name} ${ds.name}`,
        );
      }
    }
  }
});

test(
  "native: the model is the same on every kernel table with 1, 2 and 3 threads",
  noNative,
  () => {
    const dist = new URL("../src/", import.meta.url).href;
    const script = `
    import { createHash } from "node:crypto";
    const { makeRandomLabels } = await import("${dist}data/generators.js");
    const { normalizeRadius } = await import("${dist}data/preprocess.js");
    const { fitModel } = await import("${dist}dfg/fit.js");
    const { modelToJson } = await import("${dist}dfg/modelFile.js");
    const { createNativeKernels } = await import("${dist}backends/native/index.js");
    const { kernelsOn } = await import("${dist}ops/kernels.js");
    const dense = makeRandomLabels(3000, 20, 3, 11);
    // Sparse rows (every third feature kept) take the native backend's row-group path.
    const sparse = { ...dense, features: dense.features.map((v, i) => (i % 3 === 0 ? v : 0)) };
    const hash = createHash("sha256");
    for (const ds of [dense, sparse]) {
      const m = fitModel(normalizeRadius(ds), { n: 900, lambda: 0.4, seed: 5 }, { kernels: kernelsOn("native", createNativeKernels()) });
      hash.update(modelToJson({ ...m, info: { ...m.info, fitSeconds: 0, firstLayerSeconds: 0, secondLayerSeconds: 0, backend: "" } }));
    }
    console.log(hash.digest("hex"));
  `;
    // Every kernel table this CPU runs (MEMONET_SIMD), each with 1, 2 and 3 threads.
    assert.ok(supportedTables.includes("portable"));
    const settings = supportedTables.flatMap((simd) =>
      ["1", "2", "3"].map((threads) => ({ MEMONET_THREADS: threads, MEMONET_SIMD: simd })),
    );
    const hashes = settings.map((env) => {
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        encoding: "utf8",
        env: { ...process.env, ...env },
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    });
    assert.match(hashes[0], /^[0-9a-f]{64}$/);
    for (const h of hashes) assert.equal(h, hashes[0]);
  },
);

// Each worker has its own native context (pool and scratch buffers); the timeout guards against
// a hang should two callers ever share one pool.
test(
  "native: worker threads may call the addon at the same time",
  { ...noNative, timeout: 120_000 },
  async () => {
    const dist = new URL("../src/", import.meta.url).href;
    // Each worker samples layers and computes sparse activations many times (long native calls,
    // so that the two workers' calls overlap) and hashes everything.
    const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { createHash } = require("node:crypto");
    (async () => {
      const { HyperplaneSampler, computeActivations } = await import("${dist}dfg/firstLayer.js");
      const { createNativeKernels } = await import("${dist}backends/native/index.js");
    const { kernelsOn } = await import("${dist}ops/kernels.js");
      const { Rng } = await import("${dist}random/rng.js");
      const kernels = kernelsOn("native", createNativeKernels());
      const rows = 3000, dim = 200, rng = new Rng(workerData.seed);
      const x = new Float32Array(rows * dim).map(() => (rng.uniform() < 0.8 ? 0 : rng.normal()));
      const hash = createHash("sha256");
      for (let rep = 0; rep < 12; rep++) {
        const layer = new HyperplaneSampler(dim, 0.5, workerData.seed + rep, kernels).layer(3000);
        const acts = computeActivations(x, rows, layer, "threshold", kernels, kernels.workspace());
        hash.update(new Uint8Array(layer.weights.buffer, layer.weights.byteOffset, layer.weights.byteLength));
        hash.update(new Uint8Array(acts.positive.data.buffer, acts.positive.data.byteOffset, acts.positive.data.byteLength));
      }
      parentPort.postMessage(hash.digest("hex"));
    })();
  `;
    const run = (seed: number) =>
      new Promise<string>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { seed } });
        w.once("message", resolve);
        w.once("error", reject);
      });
    // Two workers with different data at the same time, then each alone.
    const together = await Promise.all([run(1), run(2)]);
    const alone = [await run(1), await run(2)];
    assert.deepEqual(together, alone);
    assert.notEqual(alone[0], alone[1]);
  },
);

test(
  "native: MEMONET_SIMD picks a kernel table, and names the available ones otherwise",
  noNative,
  () => {
    for (const simd of supportedTables) {
      assert.match(
        createNativeKernels(undefined, { simd }).name,
        new RegExp(`^native \\(${simd}, `),
      );
    }
    assert.match(getKernels("native").name, new RegExp(`^native \\(${supportedTables[0]}, `));
    assert.throws(
      () => createNativeKernels(undefined, { simd: "sse9" }),
      new RegExp(`MEMONET_SIMD=sse9 .*available: ${supportedTables.join(", ")}, auto`),
    );
  },
);

test("native hyperplane sampling continues the TypeScript stream bit for bit", noNative, () => {
  for (const simd of supportedTables) {
    const native = kernelsOn("native", createNativeKernels(undefined, { simd }));
    for (const [dim, widths, lambda, seed] of [
      [784, [1, 7, 100], 0.5, 0],
      [3, [1, 2, 3, 500], 1, 9],
      [1, [5, 6], 0, 3],
      [2, [999], 2.5, 12],
    ] as const) {
      const js = new HyperplaneSampler(dim, lambda, seed);
      const fastSampler = new HyperplaneSampler(dim, lambda, seed, native);
      for (const width of widths) {
        // Growing in steps (as Algorithm 1 does) must give the same hyperplanes as one draw.
        const a = js.layer(width);
        const b = fastSampler.layer(width);
        assert.deepEqual(b.weights, a.weights, `dim ${dim} width ${width}`);
        assert.deepEqual(b.bias, a.bias, `dim ${dim} width ${width}`);
        const once = new HyperplaneSampler(dim, lambda, seed, native).layer(width);
        assert.deepEqual(once.weights, a.weights, `dim ${dim} width ${width} in one draw`);
        assert.deepEqual(once.bias, a.bias, `dim ${dim} width ${width} in one draw`);
      }
    }
  }
});

test("predictions on new data (ambiguous rows included) are the same with every backend", async () => {
  const train = normalizeRadius(makeRandomLabels(1500, 8, 5, 21));
  const fresh = normalizeRadius(makeRandomLabels(2000, 8, 5, 22));
  for (const params of [
    { n: 300, lambda: 0.5, seed: 3 },
    { n: 40, lambda: 0.2, seed: 4 },
    { n: 200, lambda: 1, seed: 5, activation: "relu" as const },
  ]) {
    const net = await fitNet(train, params);
    const want = predictRows(net.model, fresh.features, fresh.size, referenceKernels);
    // Not a trivial case: many rows fire in no class or in several.
    assert.ok(new Set(want).size === 5);
    for (const kernels of fast) {
      assert.deepEqual(
        predictRows(net.model, fresh.features, fresh.size, kernels),
        want,
        kernels.name,
      );
    }
  }
});

test("native maskedAnyBelow equals the per-neuron definition", noNative, () => {
  for (const simd of supportedTables) {
    const native = kernelsOn("native", createNativeKernels(undefined, { simd }));
    const rng = new Rng(8);
    for (const bits of [64, 1000, 5000]) {
      const m = randomBits(rng, 400, bits, 0.5);
      const k = 5;
      const masks = randomBits(rng, k, bits, 0.2).data;
      // About 1.5 standard deviations below the mean popcount (0.1·bits): some rows fire, most not.
      const typical = Math.round(0.1 * bits - 1.5 * Math.sqrt(0.09 * bits));
      const thresholds = Float64Array.from({ length: k }, () => typical + 0.5 * rng.below(2));
      const rows = Int32Array.from(rng.permutation(400));
      const got = new Uint8Array(400);
      native.maskedAnyBelow?.(m, masks, thresholds, k, rows, 400, got);
      let fired = 0;
      for (let t = 0; t < 400; t++) {
        let want = 0;
        for (let q = 0; q < k; q++) {
          const mask = masks.subarray(q * m.wordsPerRow, (q + 1) * m.wordsPerRow);
          if (referenceKernels.maskedMin(m, mask, Int32Array.of(rows[t]), 1, -1) < thresholds[q])
            want = 1;
        }
        assert.equal(got[t], want, `bits ${bits} row ${t}`);
        fired += want;
      }
      assert.ok(fired > 0 && fired < 400, `bits ${bits}: ${fired} fired`);
    }
  }
});

test("coverage on every native table with 1, 2 and 3 threads, and on wasm, equals the reference", () => {
  const rng = new Rng(21);
  const others: Kernels[] = [
    ...availableBackends()
      .filter((b) => b !== "reference" && b !== "native")
      .map((b) => getKernels(b)),
    ...supportedTables.flatMap((simd) =>
      [1, 2, 3].map((threads) =>
        kernelsOn("native", createNativeKernels(undefined, { simd, threads })),
      ),
    ),
  ];
  for (const bits of [100, 1000, 5000]) {
    const m = randomBits(rng, 3000, bits, 0.5);
    const k = 70; // more than one group of masks on every table, and a partial group
    const masks = randomBits(rng, k, bits, 0.25).data;
    // Bounds around the typical count, so that about half of the points are covered.
    const typical = 0.125 * bits;
    const bounds = Float64Array.from({ length: k }, (_, q) =>
      q === 5 ? 0 : Math.round(typical + (rng.uniform() - 0.5) * Math.sqrt(bits)) + (q % 3) / 2,
    );
    for (const count of [31, 2049, 6000]) {
      const rows = Int32Array.from({ length: count }, () => rng.below(m.rows));
      const words = Math.ceil(count / 32);
      const want = new Uint32Array(k * words);
      referenceKernels.coverage(m, masks, k, bounds, rows, count, want);
      let set = 0;
      for (const w of want) set += popcount32(w);
      assert.ok(set > 0.1 * k * count && set < 0.9 * k * count, `${set} of ${k * count} covered`);
      for (const kernels of others) {
        const got = new Uint32Array(k * words).fill(0xffffffff);
        kernels.coverage(m, masks, k, bounds, rows, count, got);
        assert.deepEqual(got, want, `${kernels.name}: bits ${bits}, ${count} rows`);
      }
    }
  }
  assert.ok(others.length >= 1, "no fast backend to compare");
});

test("native separation check equals the TypeScript one (Algorithm 1)", noNative, () => {
  for (const simd of supportedTables) {
    const native = kernelsOn("native", createNativeKernels(undefined, { simd }));
    const rng = new Rng(13);
    for (const [bits, density] of [
      [40, 0.5],
      [64, 0.05],
      [700, 0.01],
      [1100, 0.2],
    ] as const) {
      const m = randomBits(rng, 300, bits, density);
      const perm = rng.permutation(300);
      const neg = Int32Array.from(perm.subarray(0, 120));
      const pos = Int32Array.from(perm.subarray(120));
      const want = checkSeparation(m, neg, pos, false);
      assert.deepEqual(checkSeparation(m, neg, pos, false, native), want, `bits ${bits}`);
      const quick = checkSeparation(m, neg, pos, true, native);
      assert.equal(quick.separated, want.separated);
      if (!want.separated) assert.equal(quick.separated || quick.unseparatedPairs, 1);
    }
    // Fully separated case: every negative row 0, every positive row with bit 5 set.
    const words = wordsPerRowFor(100);
    const data = new Uint32Array(20 * words);
    for (let r = 10; r < 20; r++) data[r * words] = 1 << 5;
    const m: BitMatrix = { rows: 20, bits: 100, wordsPerRow: words, data };
    const neg = Int32Array.from({ length: 10 }, (_, i) => i);
    const pos = Int32Array.from({ length: 10 }, (_, i) => 10 + i);
    assert.deepEqual(checkSeparation(m, neg, pos, false, native), {
      separated: true,
      requiredWidth: 6,
    });
    assert.throws(
      () => checkSeparation(m, Int32Array.of(0), Int32Array.of(25), false, native),
      /native\.separation: row 25 is not a row of bits/,
    );
  }
});

// --- The registry: every kernel in the reference, each backend's kernels against it. ---

/** Bit patterns of float arrays (so that -0, NaN and rounding differences all count). */
function bitsOf(a: Float32Array | Float64Array): Uint32Array {
  return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/** Random ReLU outputs: non-negative float32 values, a fraction of them 0. */
function randomValues(rng: Rng, rows: number, width: number, zeros: number): ValueMatrix {
  const data = new Float32Array(rows * width);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() < zeros ? 0 : rng.uniform() * 3;
  return { rows, width, data };
}

/**
 * Random calls of one kernel: each case runs `run` (a kernel of some backend) on fresh copies of
 * its inputs and returns everything it produced, in a form assert.deepEqual compares exactly.
 */
type KernelCase<K extends KernelName> = (run: KernelSignatures[K]) => unknown;
type Cases = { [K in KernelName]: (rng: Rng) => KernelCase<K>[] };

function popcountInputs(rng: Rng, bits: number, density: number) {
  const m = randomBits(rng, 200, bits, density);
  const k = 1 + rng.below(20);
  const masks = randomBits(rng, k, bits, 0.3).data;
  const rows = Int32Array.from(rng.permutation(200).subarray(0, 150 + rng.below(50)));
  // Thresholds near the typical popcount, so that some rows fire and others do not.
  const typical = 0.3 * density * bits;
  const thresholds = Float64Array.from({ length: k }, () => Math.round(typical * rng.uniform()));
  return { m, k, masks, rows, thresholds };
}

function reluInputs(rng: Rng, width: number) {
  const values = randomValues(rng, 200, width, 0.5);
  const k = 1 + rng.below(20);
  const masks = randomBits(rng, k, width, 0.3).data;
  const rows = Int32Array.from(rng.permutation(200).subarray(0, 150 + rng.below(50)));
  const thresholds = Float64Array.from({ length: k }, () => width * 0.2 * rng.uniform());
  return { values, k, masks, rows, thresholds };
}

const WIDTHS = [1, 33, 512, 1000, 1537];

const cases: Cases = {
  thresholdLayer: (rng) =>
    [
      [20, 1, 1, 0.3],
      [30, 784, 256, 0.85],
      [9, 100, 1000, 0.3],
      [300, 50, 70, 0.8],
    ].map(([rows, dim, width, zeros]) => (run) => {
      const x = new Float32Array(rows * dim).map(() => (rng.uniform() < zeros ? 0 : rng.normal()));
      const layer = kernelLayout(sampleFirstLayer(dim, width, 0.7, rows));
      const wpr = wordsPerRowFor(width);
      const out = { rows: rows + 2, bits: width, wordsPerRow: wpr, data: new Uint32Array(0) };
      out.data = new Uint32Array((rows + 2) * wpr).fill(0xa5a5a5a5);
      run(x, rows, layer, out, 2);
      return out.data;
    }),
  reluLayer: (rng) =>
    [
      [20, 1, 1, 0.3],
      [30, 784, 256, 0.85],
      [9, 100, 1000, 0.3],
    ].map(([rows, dim, width, zeros]) => (run) => {
      const x = new Float32Array(rows * dim).map(() => (rng.uniform() < zeros ? 0 : rng.normal()));
      const layer = kernelLayout(sampleFirstLayer(dim, width, 0.7, rows));
      const out = new Float32Array((rows + 1) * width).fill(-1);
      run(x, rows, layer, out, 1);
      return bitsOf(out);
    }),
  maskedMin: (rng) =>
    WIDTHS.map((bits) => {
      const { m, masks, rows } = popcountInputs(rng, bits, 0.5);
      return (run) => [-1, 0].map((stopAt) => run(m, masks, rows, rows.length, stopAt));
    }),
  maskedMinMany: (rng) =>
    WIDTHS.map((bits) => {
      const { m, k, masks, rows } = popcountInputs(rng, bits, 0.5);
      return (run) =>
        [-1, 0].map((stopAt) => {
          const out = new Int32Array(k + 1).fill(-7);
          run(m, masks, k, rows, rows.length, stopAt, out);
          return out;
        });
    }),
  maskedBelow: (rng) =>
    WIDTHS.map((bits) => {
      const { m, masks, rows } = popcountInputs(rng, bits, 0.5);
      return (run) =>
        [0, 1, 7.5, bits / 4, Infinity, NaN].map((bound) => {
          const out = new Int32Array(rows.length + 1).fill(-7);
          return [run(m, masks, rows, rows.length, bound, out), out];
        });
    }),
  maskedAnyBelow: (rng) =>
    WIDTHS.map((bits) => {
      const { m, k, masks, rows, thresholds } = popcountInputs(rng, bits, 0.5);
      return (run) => {
        const out = new Uint8Array(rows.length + 1).fill(9);
        run(m, masks, thresholds, k, rows, rows.length, out);
        return out;
      };
    }),
  separation: (rng) =>
    [
      [40, 0.5],
      [64, 0.05],
      [700, 0.01],
      [1100, 0.2],
    ].map(([bits, density]) => {
      const m = randomBits(rng, 300, bits, density);
      const perm = rng.permutation(300);
      const neg = Int32Array.from(perm.subarray(0, 120));
      const pos = Int32Array.from(perm.subarray(120));
      // With stopAtFirstFailure only "some pair is unseparated" is specified.
      return (run) => [run(m, neg, pos, false), run(m, neg, pos, true).unseparated > 0];
    }),
  sampleHyperplanes: (rng) =>
    [
      [784, 7, 0.5],
      [3, 500, 1],
      [1, 5, 0],
    ].map(([dim, count, lambda]) => {
      const state = new Float64Array(5);
      new Rng(rng.below(1000), 1).saveState(state);
      return (run) => {
        const s = state.slice();
        const weights = new Float32Array(dim * count);
        const bias = new Float32Array(count);
        run(s, dim, count, lambda, weights, bias);
        return [bitsOf(s), bitsOf(weights), bitsOf(bias)];
      };
    }),
  reluMinMany: (rng) =>
    WIDTHS.map((width) => {
      const { values, k, masks, rows } = reluInputs(rng, width);
      return (run) =>
        [-1, 0].map((stopAt) => {
          const out = new Float64Array(k + 1).fill(-7);
          run(values, masks, k, rows, rows.length, stopAt, out);
          return bitsOf(out);
        });
    }),
  reluBelow: (rng) =>
    WIDTHS.map((width) => {
      const { values, masks, rows } = reluInputs(rng, width);
      return (run) =>
        [0, 0.5, width / 8, Infinity].map((bound) => {
          const out = new Int32Array(rows.length + 1).fill(-7);
          return [run(values, masks, rows, rows.length, bound, out), out];
        });
    }),
  reluAnyBelow: (rng) =>
    WIDTHS.map((width) => {
      const { values, k, masks, rows, thresholds } = reluInputs(rng, width);
      return (run) => {
        const out = new Uint8Array(rows.length + 1).fill(9);
        run(values, masks, thresholds, k, rows, rows.length, out);
        return out;
      };
    }),
  coverage: (rng) =>
    WIDTHS.map((bits) => {
      const { m, k, masks, thresholds } = popcountInputs(rng, bits, 0.5);
      // Bounds of every kind: typical ones, fractions, <= 0, ±Infinity and NaN; row lists of
      // lengths around word boundaries, with repeated rows.
      const bounds = Float64Array.from(thresholds, (t, q) =>
        q % 7 === 3 ? [0, -2, Infinity, -Infinity, NaN, 0.5][q % 6] : t + (q % 2) * 0.5,
      );
      return (run) =>
        [0, 1, 31, 32, 33, 150, 200].map((count) => {
          const rows = Int32Array.from({ length: count }, () => rng.below(m.rows));
          const out = new Uint32Array(k * Math.ceil(count / 32) + 1).fill(0xa5a5a5a5);
          run(m, masks, k, bounds, rows, count, out);
          return out;
        });
    }),
  reluCoverage: (rng) =>
    WIDTHS.map((width) => {
      const { values, k, masks, rows, thresholds } = reluInputs(rng, width);
      return (run) => {
        const out = new Uint32Array(k * Math.ceil(rows.length / 32) + 1).fill(0xa5a5a5a5);
        run(values, masks, k, thresholds, rows, rows.length, out);
        return out;
      };
    }),
};

test("the reference backend implements every kernel", () => {
  assert.deepEqual(Object.keys(cases).sort(), [...KERNEL_NAMES].sort());
  for (const kernel of KERNEL_NAMES) assert.ok(hasKernel("reference", kernel), kernel);
});

test("every backend's registered kernels agree with the reference bit for bit", () => {
  let compared = 0;
  for (const backend of availableBackends().filter((b) => b !== "reference")) {
    for (const kernel of KERNEL_NAMES) {
      if (!hasKernel(backend, kernel)) continue;
      const seed = 100 + KERNEL_NAMES.indexOf(kernel);
      // The same random inputs for both: the cases are drawn twice from the same seed.
      const want = cases[kernel](new Rng(seed)).map((c) =>
        (c as KernelCase<typeof kernel>)(getKernel(kernel, "reference") as never),
      );
      const got = cases[kernel](new Rng(seed)).map((c) =>
        (c as KernelCase<typeof kernel>)(getKernel(kernel, backend) as never),
      );
      assert.deepEqual(got, want, `${backend}.${kernel}`);
      compared++;
    }
  }
  // wasm registers at least the first-layer and popcount kernels.
  assert.ok(compared >= 6, `${compared} kernels compared`);
});

test("auto runs each kernel on the highest-priority backend that registered it", () => {
  const loaded = availableBackends().reverse(); // highest priority first
  for (const choice of ["auto", ...loaded] as const) {
    const { dispatch } = getKernels(choice) as BoundKernels;
    for (const kernel of KERNEL_NAMES) {
      const order = choice === "auto" ? loaded : [choice, "reference" as const];
      const want = order.find((b) => hasKernel(b, kernel));
      assert.equal(dispatch.kernel(kernel).backend, want, `${choice}: ${kernel}`);
    }
  }
  assert.equal(getKernels("auto").name.split(" ")[0], loaded[0]);
});

test("ops check their arguments once, naming backend and kernel, for every backend", () => {
  const m = randomBits(new Rng(4), 3, 40, 0.5);
  const mask = new Uint32Array(m.wordsPerRow);
  for (const choice of availableBackends()) {
    const kernels = getKernels(choice);
    const backend = (kernels as BoundKernels).dispatch.kernel("maskedMin").backend;
    assert.throws(
      () => kernels.maskedMin(m, mask, Int32Array.of(0, 3), 2, -1),
      new RegExp(`^RangeError: ${backend}\\.maskedMin: rows\\[1\\] = 3 is not a row of bits`),
    );
    const values = randomValues(new Rng(5), 3, 40, 0.5);
    assert.throws(
      () =>
        kernels.reluBelow(values, mask.subarray(0, 1), Int32Array.of(0), 1, 1, new Int32Array(1)),
      /\.reluBelow: mask has 1 elements, needs 16/,
    );
    assert.throws(
      () => kernels.separation(m, Int32Array.of(0), Int32Array.of(7), false),
      /\.separation: row 7 is not a row of bits \(0\.\.2\)/,
    );
  }
});

test("ReLU scoring through each backend gives identical models and predictions", async () => {
  const strip = (m: InterpolationModel) =>
    modelToJson({
      ...m,
      info: { ...m.info, fitSeconds: 0, firstLayerSeconds: 0, secondLayerSeconds: 0, backend: "" },
    });
  const binary = normalizeRadius(makeRandomLabels(800, 12, 2, 31));
  const multi = normalizeRadius(sparsify(makeRandomLabels(900, 40, 4, 32), 0.6, 33));
  const fresh = normalizeRadius(makeRandomLabels(700, 12, 2, 34));
  const choices = ["reference", ...availableBackends().filter((b) => b !== "reference"), "auto"];
  for (const [ds, params] of [
    [binary, { n: 300, lambda: 0.5, seed: 6, activation: "relu" as const }],
    [binary, { algorithm: 1 as const, n: 0, lambda: 1, seed: 7, activation: "relu" as const }],
    [multi, { n: 500, lambda: 0.3, seed: 8, activation: "relu" as const }],
  ] as const) {
    const models = await Promise.all(
      choices.map((c) => fitNet(ds, params, getKernels(c as BackendChoice))),
    );
    const want = strip(models[0].model);
    models.forEach((m, i) => assert.equal(strip(m.model), want, `${choices[i]} ${ds.name}`));
    if (ds === binary) {
      const p = choices.map((c) =>
        predictRows(models[0].model, fresh.features, fresh.size, getKernels(c as BackendChoice)),
      );
      assert.ok(new Set(p[0]).size === 2);
      p.forEach((got, i) => assert.deepEqual(got, p[0], choices[i]));
    }
  }
});
