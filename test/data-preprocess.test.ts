// Preprocessing: scaling, radius, subproblems, subsets, nested stratified subsets, checks.

import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError, makeDataset } from "../src/data/dataset.js";
import { makeRandomLabels } from "../src/data/generators.js";
import {
  binarySubproblem,
  checkDisjointClasses,
  checkFinite,
  classCounts,
  concatDatasets,
  findClassConflicts,
  normalizeRadius,
  radius,
  scalePixels,
  stratifiedNestedSubsets,
  subset,
} from "../src/data/preprocess.js";

const small = makeDataset(
  "small",
  new Float32Array([0, 0, 255, 0, 0, 51, 3, 4, 102, 102]),
  2,
  new Int32Array([0, 2, 2, 1, 0]),
  ["a", "b", "c"],
);

test("scalePixels, radius and normalizeRadius return new data sets", () => {
  const before = small.features.slice();
  const scaled = scalePixels(small);
  assert.deepEqual(
    Array.from(scaled.features),
    [0, 0, 1, 0, 0, 0.2, 3 / 255, 4 / 255, 0.4, 0.4].map(Math.fround),
  );
  assert.equal(radius(small), 255);
  const unit = normalizeRadius(small);
  assert.ok(Math.abs(radius(unit) - 1) < 1e-6);
  const two = normalizeRadius(small, 2);
  assert.ok(Math.abs(radius(two) - 2) < 1e-6);
  assert.deepEqual(small.features, before, "input unchanged");
  assert.deepEqual(unit.labels, small.labels);
  assert.notEqual(unit.labels, small.labels, "labels copied");
  const zero = makeDataset("zero", new Float32Array(4), 2, new Int32Array(2), ["x"]);
  assert.throws(
    () => normalizeRadius(zero),
    /zero: cannot normalize the radius: all 2 points are 0/,
  );
  assert.throws(() => scalePixels(small, 0), /pixel maximum must be a positive number/);
});

test("binarySubproblem: first class is label 0 (X⁻), by name or index; errors", () => {
  const cb = binarySubproblem(small, "c", "b");
  assert.deepEqual(cb.classNames, ["c", "b"]);
  assert.equal(cb.name, "small c vs b");
  assert.deepEqual(Array.from(cb.labels), [0, 0, 1]);
  assert.deepEqual(Array.from(cb.features), [255, 0, 0, 51, 3, 4]);
  assert.deepEqual(binarySubproblem(small, 0, 1).labels, new Int32Array([0, 1, 0]));
  assert.throws(() => binarySubproblem(small, "a", "a"), /two different classes, got "a" twice/);
  assert.throws(() => binarySubproblem(small, "a", 0), /two different classes/);
  assert.throws(
    () => binarySubproblem(small, "a", "z"),
    /no class named "z"; classes are "a", "b", "c"/,
  );
  assert.throws(
    () => binarySubproblem(small, "a", 3),
    /class index 3 does not exist; expected 0\.\.2/,
  );
  const noB = subset(small, [0, 1, 2]);
  assert.throws(() => binarySubproblem(noB, "a", "b"), /class "b" has no points/);
});

test("subset, concatDatasets and classCounts", () => {
  const s = subset(small, [4, 0, 4]);
  assert.deepEqual(Array.from(s.features), [102, 102, 0, 0, 102, 102]);
  assert.deepEqual(Array.from(s.labels), [0, 0, 0]);
  assert.deepEqual(classCounts(s), [3, 0, 0]);
  assert.throws(() => subset(small, [0, 5]), /subset index 1 is 5, expected an integer in 0\.\.4/);
  const both = concatDatasets([small, s], "both");
  assert.equal(both.size, 8);
  assert.deepEqual(classCounts(both), [5, 1, 2]);
  const other = makeDataset("o", new Float32Array(3), 3, new Int32Array(1), ["a", "b", "c"]);
  assert.throws(() => concatDatasets([small, other], "x"), /d = 2.*d = 3/);
});

test("stratifiedNestedSubsets: nested, stratified within one point, seeded", () => {
  // 1000 points, classes of sizes 500, 300, 150, 50.
  const sizesByClass = [500, 300, 150, 50];
  const labels = new Int32Array(1000);
  let at = 0;
  sizesByClass.forEach((n, k) => labels.fill(k, at, (at += n)));
  const ds = makeDataset("strat", new Float32Array(1000), 1, labels, ["0", "1", "2", "3"]);
  const sizes = [1, 7, 10, 33, 100, 101, 555, 1000];
  const sets = stratifiedNestedSubsets(ds, sizes, 4);
  assert.equal(sets.length, sizes.length);
  for (let t = 0; t < sets.length; t++) {
    const set = sets[t];
    assert.equal(set.length, sizes[t]);
    assert.equal(new Set(set).size, set.length, "no repeats");
    for (let i = 1; i < set.length; i++) assert.ok(set[i] > set[i - 1], "sorted");
    if (t > 0) {
      const big = new Set(set);
      for (const i of sets[t - 1]) assert.ok(big.has(i), `set ${t - 1} ⊆ set ${t}`);
    }
    const counts = [0, 0, 0, 0];
    for (const i of set) counts[labels[i]]++;
    counts.forEach((c, k) => {
      const ideal = (sizes[t] * sizesByClass[k]) / 1000;
      assert.ok(Math.abs(c - ideal) < 1, `size ${sizes[t]}, class ${k}: ${c} vs ${ideal}`);
    });
  }
  assert.deepEqual(stratifiedNestedSubsets(ds, sizes, 4), sets);
  assert.notDeepEqual(stratifiedNestedSubsets(ds, [100], 5)[0], sets[4]);

  // Every prefix size at once, on uneven random classes.
  const rnd = makeRandomLabels(97, 1, 5, 2);
  const skewed = makeDataset(
    "skewed",
    rnd.features,
    1,
    rnd.labels.map((l, i) => (i % 3 === 0 ? 0 : l)),
    rnd.classNames,
  );
  const total = classCounts(skewed);
  const all = stratifiedNestedSubsets(
    skewed,
    Array.from({ length: 98 }, (_, s) => s),
    1,
  );
  for (const set of all) {
    const c = new Array<number>(5).fill(0);
    for (const i of set) c[skewed.labels[i]]++;
    c.forEach((v, k) => assert.ok(Math.abs(v - (set.length * total[k]) / 97) < 1));
  }
  assert.throws(() => stratifiedNestedSubsets(ds, [10, 5], 1), /must not decrease, got 10 then 5/);
  assert.throws(
    () => stratifiedNestedSubsets(ds, [1001], 1),
    /subset size 1001 must be an integer/,
  );
});

test("checkFinite names the first non-finite value", () => {
  checkFinite(small);
  const bad = makeDataset(
    "bad",
    new Float32Array([1, 2, 3, Infinity, NaN, 0]),
    3,
    new Int32Array(2),
    ["x"],
  );
  assert.throws(
    () => checkFinite(bad),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        "bad: point 1 (0-based), feature 0 (0-based) is Infinity, expected a finite number",
  );
});

test("checkDisjointClasses finds identical rows with different labels by hashing", () => {
  checkDisjointClasses(small);
  const features = new Float32Array([1, 2, 0, 5, 1, 2, 7, 7, -0, 5, 1, 2]);
  const labels = new Int32Array([0, 1, 0, 1, 0, 1]);
  const ds = makeDataset("dup", features, 2, labels, ["neg", "pos"]);
  // Rows 0, 2, 5 are (1, 2): row 2 has the same label as row 0 (fine), row 5 differs.
  // Rows 1 and 4 are (0, 5) and (−0, 5): equal, with different labels.
  assert.deepEqual(findClassConflicts(ds), [
    { first: 1, second: 4 },
    { first: 0, second: 5 },
  ]);
  assert.throws(
    () => checkDisjointClasses(ds),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        'dup: points 1 and 4 (0-based rows) have identical features but different labels ("pos" and "neg"): ' +
          "the classes must be disjoint; 2 such points in total",
  );
  // Same features with the same label are allowed.
  checkDisjointClasses(subset(ds, [0, 2, 1, 3]));

  // Many distinct rows: hashing, not pairwise comparison.
  const big = makeRandomLabels(50000, 20, 3, 1);
  const t0 = Date.now();
  checkDisjointClasses(big);
  assert.ok(Date.now() - t0 < 2000);
  const copy = subset(big, [...Array.from({ length: 50000 }, (_, i) => i), 123]);
  const relabelled = copy.labels.slice();
  relabelled[50000] = (relabelled[123] + 1) % 3;
  const withDup = makeDataset("big", copy.features, 20, relabelled, copy.classNames);
  assert.deepEqual(findClassConflicts(withDup), [{ first: 123, second: 50000 }]);
  assert.throws(() => checkDisjointClasses(withDup), /big: points 123 and 50000 \(0-based rows\)/);
});

test("scalePixels and normalizeRadius in place give the same numbers as the copies", () => {
  const ds = makeRandomLabels(500, 7, 3, 5);
  const copy = normalizeRadius(scalePixels(ds, 3), 2);
  const own = makeDataset("own", ds.features.slice(), ds.dim, ds.labels.slice(), ds.classNames);
  const same = normalizeRadius(scalePixels(own, 3, { inPlace: true }), 2, { inPlace: true });
  assert.equal(same, own);
  assert.deepEqual(same.features, copy.features);
  assert.notDeepEqual(ds.features, copy.features);
});
