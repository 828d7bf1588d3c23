// The data of experiment trials: Fig. 9's nested subsets are cut from the subproblem normalized
// once (the paper's data.py), not renormalized one by one unless asked.

import { test } from "node:test";
import assert from "node:assert/strict";
import { DatasetCache } from "../src/sweeps/datasets.js";
import {
  binarySubproblem,
  normalizeRadius,
  radius,
  scalePixels,
  stratifiedNestedSubsets,
  subset,
} from "../src/data/preprocess.js";
import { loadMnist } from "../src/node/loaders.js";

test("Fig. 9 subsets: cut from MNIST 1 vs 9 normalized once; normalizeSubsets renormalizes each", async () => {
  const spec = { kind: "mnist", classes: ["1", "9"], seed: 0 } as const;
  const cache = new DatasetCache();
  const whole = normalizeRadius(binarySubproblem(scalePixels(await loadMnist()), "1", "9"));
  assert.equal((await cache.get(spec, undefined)).features.length, whole.features.length);
  const radii: number[] = [];
  for (const size of [1483, 7417, 14835]) {
    const ds = await cache.get(spec, size);
    const [rows] = stratifiedNestedSubsets(whole, [size], 0);
    // Bit for bit the rows of the normalized subproblem.
    assert.deepEqual(ds.features, subset(whole, rows).features);
    radii.push(radius(ds));
    const each = await cache.get({ ...spec, normalizeSubsets: true }, size);
    assert.ok(Math.abs(radius(each) - 1) < 1e-6);
  }
  assert.ok(radii[0] < 0.999 && radii[0] > 0.9, `radius of the 10% subset: ${radii[0]}`);
  assert.ok(Math.abs(radii[2] - 1) < 1e-6);
});
