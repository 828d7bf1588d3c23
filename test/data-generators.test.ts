// Synthetic data sets: two moons, parallel lines, Prop. 13's alternating points, random sets.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Dataset } from "../src/data/dataset.js";
import { DataError } from "../src/data/dataset.js";
import {
  makeAlternatingPoints,
  makeLinePoints,
  makeMoons,
  makeParallelLines,
  makeRandomLabels,
} from "../src/data/generators.js";
import { classCounts, normalizeRadius, radius } from "../src/data/preprocess.js";

function point(ds: Dataset, i: number): number[] {
  return Array.from(ds.features.subarray(i * ds.dim, (i + 1) * ds.dim));
}

/** Index of the nearest other point of every point (brute force). */
function nearestNeighbours(ds: Dataset): Int32Array {
  const out = new Int32Array(ds.size);
  for (let i = 0; i < ds.size; i++) {
    let best = Infinity;
    for (let j = 0; j < ds.size; j++) {
      if (j === i) continue;
      let s = 0;
      for (let k = 0; k < ds.dim; k++) {
        const d = ds.features[i * ds.dim + k] - ds.features[j * ds.dim + k];
        s += d * d;
      }
      if (s < best) {
        best = s;
        out[i] = j;
      }
    }
  }
  return out;
}

test("makeMoons: shape, class sizes, and noise-free points exactly on the two half circles", () => {
  const ds = makeMoons(1001, 0, 42);
  assert.equal(ds.size, 1001);
  assert.equal(ds.dim, 2);
  // Class 0 (X⁻) is scikit-learn's label 1, the inner moon, as in the paper's code.
  assert.deepEqual(ds.classNames, ["1", "0"]);
  assert.deepEqual(classCounts(ds), [501, 500]);
  // The multiset of points is exactly sklearn's: t = linspace(0, π, n) on each half circle.
  const inner = (cls: number): boolean => cls === 0;
  const expected = (cls: number, n: number): string[] =>
    Array.from({ length: n }, (_, i) => {
      const t = i === n - 1 ? Math.PI : i * (Math.PI / (n - 1));
      const x = inner(cls) ? 1 - Math.cos(t) : Math.cos(t);
      const y = inner(cls) ? 1 - Math.sin(t) - 0.5 : Math.sin(t);
      return `${Math.fround(x)},${Math.fround(y)}`;
    }).sort();
  for (const [cls, n] of [
    [0, 501],
    [1, 500],
  ]) {
    const got: string[] = [];
    for (let i = 0; i < ds.size; i++) if (ds.labels[i] === cls) got.push(point(ds, i).join(","));
    assert.deepEqual(got.sort(), expected(cls, n));
  }
  for (let i = 0; i < ds.size; i++) {
    const [x, y] = point(ds, i);
    const r = inner(ds.labels[i]) ? Math.hypot(x - 1, y - 0.5) : Math.hypot(x, y);
    assert.ok(Math.abs(r - 1) < 1e-6, `point ${i} is off its circle: r = ${r}`);
    assert.ok(inner(ds.labels[i]) ? y <= 0.5 : y >= 0);
  }
  // Shuffled: the labels are not sorted.
  assert.notDeepEqual(Array.from(ds.labels.subarray(0, 501)), new Array(501).fill(0));
});

test("makeMoons: same seed gives the same data; noise has the requested standard deviation", () => {
  const a = makeMoons(1000, 0.1, 7);
  const b = makeMoons(1000, 0.1, 7);
  assert.deepEqual(a.features, b.features);
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(makeMoons(1000, 0.1, 8).features, a.features);
  // Same seed, no noise: same permutation, so the difference is the noise itself.
  const clean = makeMoons(1000, 0, 7);
  assert.deepEqual(clean.labels, a.labels);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < a.features.length; i++) {
    const d = a.features[i] - clean.features[i];
    s += d;
    s2 += d * d;
  }
  const n = a.features.length;
  const mean = s / n;
  const sd = Math.sqrt(s2 / n - mean * mean);
  assert.ok(Math.abs(mean) < 0.01, `noise mean ${mean}`);
  assert.ok(Math.abs(sd - 0.1) < 0.01, `noise sd ${sd}`);
  const unit = normalizeRadius(makeMoons(1000, 0.05, 0));
  assert.ok(Math.abs(radius(unit) - 1) < 1e-6);
  assert.throws(() => makeMoons(0, 0, 1), DataError);
  assert.throws(() => makeMoons(10, -1, 1), /noise must be a finite number >= 0/);
});

test("makeParallelLines: every point's nearest neighbour is its partner in the other class", () => {
  for (const ds of [
    makeParallelLines(1000),
    makeParallelLines(1000, undefined, 3),
    makeParallelLines(2000, 1e-3, 5),
    makeParallelLines(20, 0.1),
  ]) {
    const m = ds.size / 2;
    assert.deepEqual(classCounts(ds), [m, m]);
    // Class 0 (X⁻), the line y = −distance/2, is the points the paper's data.py labels 1.
    assert.deepEqual(ds.classNames, ["1", "0"]);
    const nn = nearestNeighbours(ds);
    for (let i = 0; i < ds.size; i++) {
      assert.notEqual(ds.labels[nn[i]], ds.labels[i], `${ds.name}: point ${i}`);
      assert.equal(nn[i], i < m ? i + m : i - m);
    }
  }
  const paper = makeParallelLines(20, 0.1);
  assert.deepEqual(point(paper, 0), [-1, Math.fround(-0.05)]);
  assert.deepEqual(point(paper, 19), [1, Math.fround(0.05)]);
  const seeded = makeParallelLines(100, 1e-3, 9);
  assert.deepEqual(seeded.features, makeParallelLines(100, 1e-3, 9).features);
  assert.notDeepEqual(seeded.features, makeParallelLines(100, 1e-3, 10).features);
  assert.throws(() => makeParallelLines(11), /count must be even/);
  assert.throws(() => makeParallelLines(10, 0), /distance must be a positive number/);
});

test("makeAlternatingPoints: Prop. 13 centres alternate on [0, 1] in clusters", () => {
  const mMinus = 5;
  const ds = makeAlternatingPoints(mMinus);
  assert.equal(ds.dim, 1);
  assert.deepEqual(classCounts(ds), [5, 4]);
  assert.deepEqual(Array.from(ds.features), [0, 0.25, 0.5, 0.75, 1, 0.125, 0.375, 0.625, 0.875]);

  const p = 3;
  const clustered = makeAlternatingPoints(mMinus, p);
  assert.deepEqual(classCounts(clustered), [15, 12]);
  for (let l = 0; l < mMinus; l++) assert.equal(clustered.features[l * p], l / (mMinus - 1));
  const order = Array.from({ length: clustered.size }, (_, i) => i).sort(
    (a, b) => clustered.features[a] - clustered.features[b],
  );
  // Sorted by position the labels come in runs of exactly p, alternating, starting with X⁻.
  const sortedLabels = order.map((i) => clustered.labels[i]);
  const runs = sortedLabels.map((_, i) => Math.floor(i / p) % 2);
  assert.deepEqual(sortedLabels, runs);
  assert.ok(clustered.features.every((v) => v >= 0 && v <= 1));
  assert.equal(new Set(clustered.features).size, clustered.size);
});

test("makeRandomLabels and makeLinePoints: deterministic, balanced, on a line", () => {
  const r = makeRandomLabels(103, 7, 4, 1);
  assert.equal(r.dim, 7);
  assert.deepEqual(classCounts(r), [26, 26, 26, 25]);
  assert.deepEqual(r.features, makeRandomLabels(103, 7, 4, 1).features);
  assert.deepEqual(r.labels, makeRandomLabels(103, 7, 4, 1).labels);
  assert.notDeepEqual(r.labels, makeRandomLabels(103, 7, 4, 2).labels);

  const line = makeLinePoints(50, 3);
  assert.equal(line.dim, 2);
  assert.deepEqual(classCounts(line), [25, 25]);
  const [ux, uy] = point(line, 49);
  let previous = -Infinity;
  for (let i = 0; i < line.size; i++) {
    const [x, y] = point(line, i);
    assert.ok(Math.abs(x * uy - y * ux) < 1e-6, "collinear with the origin");
    const t = (x * ux + y * uy) / Math.hypot(ux, uy);
    assert.ok(t > previous + 1 / 50 - 1e-6, "sorted along the line, 1/N apart");
    previous = t;
    assert.equal(line.labels[i], i % 2);
  }
  assert.equal(makeLinePoints(10, 1, 5).dim, 5);
});
