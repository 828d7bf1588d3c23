import { test } from "node:test";
import assert from "node:assert/strict";
import { makeMoons } from "../src/data/generators.js";
import { normalizeRadius, scalePixels, subset } from "../src/data/preprocess.js";
import { applyPreprocessing } from "../src/data/preprocessing.js";
import { cutBase, DATA_DEFAULTS } from "../src/data/spec.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { resolveParams } from "../src/dfg/params.js";
import { referenceKernels } from "../src/ops/index.js";
import { loadDataSpec } from "../src/node/dataSpec.js";

test("the estimator records the preprocessing it was fitted after and applies it to raw data", async () => {
  const raw = makeMoons(300, 0.05, 1);
  const ds = normalizeRadius(raw);
  assert.ok(ds.preprocessing !== undefined && ds.preprocessing.pixelMax === undefined);
  const net = new InterpolatingNetwork(
    { n: 400, lambda: 1, seed: 0 },
    { kernels: referenceKernels },
  );
  await net.fit(ds);
  assert.deepEqual(net.model.preprocessing, ds.preprocessing);
  assert.equal(await net.score(ds), 1);
  // Raw data get the training transform: the same predictions as the normalized data.
  assert.deepEqual(await net.predict(raw), await net.predict(ds));
  assert.deepEqual(applyPreprocessing(raw, ds.preprocessing).features, ds.features);
  // Subsets keep the record, so they are not transformed twice.
  const part = subset(ds, [0, 1, 2]);
  assert.deepEqual(part.preprocessing, ds.preprocessing);
  assert.deepEqual(
    Array.from(await net.predict(part)),
    Array.from(await net.predict(ds)).slice(0, 3),
  );
});

test("pixel and radius scaling compose into one record", () => {
  const ds = makeMoons(50, 0.05, 0);
  const both = normalizeRadius(scalePixels(ds, 4));
  assert.equal(both.preprocessing?.pixelMax, 4);
  assert.deepEqual(applyPreprocessing(ds, both.preprocessing).features, both.features);
});

test("one data recipe: the CLI's loader and the pure steps give the same data", async () => {
  const { dataset, preprocessing } = await loadDataSpec({ kind: "moons", size: 200 });
  const direct = normalizeRadius(makeMoons(200, DATA_DEFAULTS.moonsNoise, DATA_DEFAULTS.seed));
  assert.deepEqual(dataset.features, direct.features);
  assert.deepEqual(preprocessing, direct.preprocessing);
  // A moons pool is normalized as a whole; its first N points are not renormalized.
  const pool = normalizeRadius(makeMoons(500, 0.05, 0));
  const cut = cutBase(pool, { kind: "moons", pool: 500, size: 100 });
  assert.deepEqual(cut.dataset.features, pool.features.subarray(0, 200));
});

test("Algorithm 1's default n_min is 0 in the library, as in the CLI", () => {
  assert.equal(resolveParams({ algorithm: 1 }).n, 0);
  assert.equal(resolveParams({}).n, 1000);
  assert.equal(resolveParams({ algorithm: 1, n: 50 }).n, 50);
});

test("decisionFunction counts the neurons that fire; positive exactly where class 0 is predicted", async () => {
  const ds = normalizeRadius(makeMoons(200, 0.05, 3));
  const net = new InterpolatingNetwork(
    { n: 300, lambda: 1, seed: 2 },
    { kernels: referenceKernels },
  );
  await net.fit(ds);
  const [counts] = await net.decisionFunction(ds);
  const predicted = await net.predict(ds);
  for (let i = 0; i < ds.size; i++) assert.equal(counts[i] > 0, predicted[i] === 0, `row ${i}`);
  const maps = await net.neuronFiring(ds);
  assert.equal(maps.length, net.model.subnetworks[0].width);
});
