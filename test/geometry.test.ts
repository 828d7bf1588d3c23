// The geometry module (`memonet analyze`): coverings with known M⁻, M⁺, δ; Proposition 13's lower
// bound; Monte-Carlo mean widths against closed forms; the distance kernel identical on every
// backend; bad input.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DataError, makeDataset, type Dataset } from "../src/data/dataset.js";
import { makeMoons, makeParallelLines } from "../src/data/generators.js";
import { normalizeRadius } from "../src/data/preprocess.js";
import {
  analyzeDataset,
  availableDistanceBackends,
  getDistanceKernel,
  meanWidthOfPoints,
  nearestByClass,
  referenceDistanceKernel,
  type AnalysisReport,
} from "../src/geometry/index.js";
import { OptionError } from "../src/dfg/params.js";
import { referenceKernels } from "../src/ops/index.js";
import "../src/backends/native/distances.js";
import { Rng } from "../src/random/rng.js";
import { spanRank } from "../src/geometry/span.js";
import { KdTree } from "../src/geometry/kdTree.js";
import { kernelBallSearch } from "../src/geometry/covering.js";
import { boundedBallSearch } from "../src/geometry/boundedBallSearch.js";
import { projectionBound } from "../src/geometry/projectionBound.js";
import { squaredDistance } from "../src/backends/reference/distances.js";

const kernel = referenceDistanceKernel;

function dataset(name: string, rows: number[][], labels: number[]): Dataset {
  return makeDataset(
    name,
    Float32Array.from(rows.flat()),
    rows[0].length,
    Int32Array.from(labels),
    ["a", "b"],
  );
}

/**
 * `size` points in R^dim, point i of class i mod |classes|, drawn around e_class with N(0, spread²)
 * coordinates (Rng(seed)), normalized to radius 1.
 */
function gaussianClasses(
  size: number,
  dim: number,
  classes: string[],
  spread: number,
  seed: number,
): Dataset {
  const rng = new Rng(seed);
  const features = new Float32Array(size * dim);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    labels[i] = i % classes.length;
    for (let k = 0; k < dim; k++)
      features[i * dim + k] = rng.normal() * spread + (k === labels[i] ? 1 : 0);
  }
  return normalizeRadius(makeDataset(`gauss${classes.length}`, features, dim, labels, classes));
}

/** Every covering of the report passed the brute-force check of coverage and (1). */
function assertChecked(r: AnalysisReport): void {
  for (const p of r.problems) {
    for (const side of [p.negative, p.positive]) {
      assert.equal(side.covers, true, `${r.data}: class ${side.className} not covered`);
      assert.equal(side.condition1, true, `${r.data}: class ${side.className} violates (1)`);
      assert.equal(side.centers.length, side.m);
      assert.equal(side.sizes.reduce((a, b) => a + b, 0) >= side.points, true);
    }
  }
}

test("two well-separated clusters: M⁻ = M⁺ = 1 and δ = the distance of the centers (2-D tree and 5-D kernel)", () => {
  for (const dim of [2, 5]) {
    const at = (x: number, y: number) => [x, y, ...new Array<number>(dim - 2).fill(0)];
    const ds = dataset(
      `clusters-${dim}`,
      [at(-1, 0), at(-1, 0.01), at(-0.99, 0), at(1, 0), at(1, 0.01), at(0.99, 0.01)],
      [0, 0, 0, 1, 1, 1],
    );
    const r = analyzeDataset(ds, { kernel, lambda: 1 });
    assert.equal(r.basic.method, dim === 2 ? "k-d tree" : "kernel:reference");
    for (const p of r.problems) {
      assert.equal(p.negative.m, 1);
      assert.equal(p.positive.m, 1);
      // Farthest-first picks (−1, 0) and (1, 0.01): δ = √(4 + 10⁻⁴).
      assert.ok(Math.abs(p.delta - Math.sqrt(4.0001)) < 1e-6, `δ = ${p.delta}`);
    }
    assertChecked(r);
  }
});

test("parallel lines (Sec. 4.6): one component per point, δ = the smallest distance between the classes", () => {
  const ds = normalizeRadius(makeParallelLines(20, 0.1));
  const r = analyzeDataset(ds, { kernel, lambda: 1 });
  for (const p of r.problems) {
    assert.equal(p.negative.m, p.negative.points);
    assert.equal(p.positive.m, p.positive.points);
    assert.ok(p.negative.sizes.every((s) => s === 1));
    // δ comes from the kernel (norms − 2·dot), the tree uses Σ(a−b)²: equal up to rounding.
    assert.ok(Math.abs(p.delta - r.basic.minCrossDistance) < 1e-12);
    assert.equal(p.omega, 0); // singleton components have mean width 0
  }
  assertChecked(r);
});

test("Proposition 13: alternating points need a neuron per X⁻ point (built n̂ >= M⁻ = N⁻)", () => {
  const M = 6;
  const rows = Array.from({ length: 2 * M - 1 }, (_, i) => [i / (2 * M - 2)]);
  const ds = dataset(
    "alternating",
    rows,
    rows.map((_, i) => i % 2),
  );
  const r = analyzeDataset(ds, { kernel, lambda: 1, fit: { kernels: referenceKernels, n: 200 } });
  assert.equal(r.problems.length, 1);
  const p = r.problems[0];
  assert.equal(p.negative.m, p.negative.points);
  assert.equal(p.positive.m, p.positive.points);
  assert.ok(
    p.built.algorithm1 !== null && p.built.algorithm1 >= p.negative.m,
    `n̂ = ${p.built.algorithm1}`,
  );
  assert.equal(r.fits[0].interpolates, true);
  assertChecked(r);
});

test("coverings of moons and of 3-class Gaussian data satisfy coverage and (1); both greedy orders reported", () => {
  const moons = normalizeRadius(makeMoons(600, 0.1, 3));
  const gauss = gaussianClasses(300, 8, ["x", "y", "z"], 0.3, 9);
  for (const ds of [moons, gauss]) {
    for (const constant of [0.5, 1, 2]) {
      const r = analyzeDataset(ds, { kernel, constant, lambda: 1.5 });
      assert.equal(r.problems.length, ds.classNames.length);
      for (const p of r.problems) {
        assert.deepEqual(Object.keys(p.negative.mByOrder).sort(), ["farthest-first", "random"]);
        assert.equal(p.negative.m, Math.min(...Object.values(p.negative.mByOrder)));
        assert.ok(
          p.predicted.n > 0 &&
            p.predicted.nLow <= p.predicted.n &&
            p.predicted.n <= p.predicted.nHigh,
        );
      }
      assertChecked(r);
    }
  }
});

test("largest-first: a valid covering (coverage and (1)), never more centers than there are points", () => {
  const moons = normalizeRadius(makeMoons(500, 0.1, 4));
  const gauss = gaussianClasses(240, 6, ["x", "y"], 0.4, 11);
  for (const ds of [moons, gauss]) {
    const all = analyzeDataset(ds, {
      kernel,
      lambda: 1,
      orders: ["farthest-first", "largest-first", "random"],
    });
    assertChecked(all);
    for (const p of all.problems) {
      assert.deepEqual(Object.keys(p.negative.mByOrder).sort(), [
        "farthest-first",
        "largest-first",
        "random",
      ]);
      assert.equal(p.negative.m, Math.min(...Object.values(p.negative.mByOrder)));
      assert.ok(p.negative.m <= p.negative.points);
    }
    const only = analyzeDataset(ds, { kernel, lambda: 1, orders: ["largest-first"] });
    assertChecked(only);
    assert.equal(only.problems[0].negative.order, "largest-first");
    assert.equal(only.problems[0].negative.m, all.problems[0].negative.mByOrder["largest-first"]);
  }
});

test("span rank: exact dimension of span(X − c) for known sets, and the report's Remark 12 bound uses it", () => {
  const dim = 6;
  const rows: number[][] = [[0, 0, 0, 0, 0, 0]];
  // Eight points in the plane spanned by (1,1,0,0,0,0) and (0,0,1,-1,0,0), around the origin.
  for (let i = 1; i <= 8; i++) rows.push([i, i, (i * i) % 5, -((i * i) % 5), 0, 0]);
  rows.push([3, 3, 3, -3, 0, 0]);
  const f = Float32Array.from(rows.flat());
  const all = rows.map((_, i) => i);
  assert.equal(spanRank(f, dim, all, 0), 2);
  assert.equal(spanRank(f, dim, [0], 0), 0);
  assert.equal(spanRank(f, dim, [0, 1], 0), 1);
  // Around a non-origin center the set is affine: the rank of the differences.
  assert.equal(spanRank(f, dim, all, 3), 2);
  // Random points in general position span min(count, dim) dimensions.
  const rng = new Rng(5);
  const g = Float32Array.from({ length: 10 * dim }, () => rng.normal());
  assert.equal(spanRank(g, dim, [1, 2, 3], 0), 3);
  assert.equal(
    spanRank(
      g,
      dim,
      Array.from({ length: 10 }, (_, i) => i),
      0,
    ),
    dim,
  );
  // A coordinate that never varies caps the rank.
  const h = Float32Array.from({ length: 10 * dim }, (_, i) => (i % dim === 5 ? 0.5 : rng.normal()));
  assert.equal(
    spanRank(
      h,
      dim,
      Array.from({ length: 10 }, (_, i) => i),
      0,
    ),
    dim - 1,
  );
  // Integer combinations of 7 integer vectors in 40-D (exact in float32), more points than the
  // rank and in an order that makes later vectors nearly dependent on the basis: the rank is 7.
  const bigDim = 40;
  const base = Array.from({ length: 7 }, () =>
    Array.from({ length: bigDim }, () => Math.floor(rng.uniform() * 9) - 4),
  );
  const combos = Array.from({ length: 60 }, (_, i) =>
    Array.from({ length: bigDim }, (_, k) =>
      base.reduce((sum, b, j) => sum + b[k] * ((((i + 1) * (j + 3)) % 7) - 3), 0),
    ),
  );
  const cf = Float32Array.from([...base, ...combos].flat());
  const cRows = Array.from({ length: 67 }, (_, i) => 66 - i);
  assert.equal(spanRank(cf, bigDim, cRows, 66), 7);
  // Nearly parallel but independent vectors (angle about 1e-3): the re-orthogonalized residual
  // keeps both.
  const near = Float32Array.from([0, 0, 0, 1, 1, 1, 1, 1, 1.0009765625]);
  assert.equal(spanRank(near, 3, [0, 1, 2], 0), 2);
  const r = analyzeDataset(normalizeRadius(makeMoons(300, 0.1, 2)), { kernel, lambda: 1 });
  for (const side of [r.problems[0].negative, r.problems[0].positive]) {
    assert.equal(side.spanRanks.length, side.m);
    side.spanRanks.forEach((k, l) => assert.ok(k <= Math.min(2, side.sizes[l] - 1) && k >= 0));
  }
});

test("the k-d tree and the blocked kernel find the same nearest distances", () => {
  const ds = normalizeRadius(makeMoons(700, 0.1, 1));
  const tree = nearestByClass(ds, { kernel });
  const dense = nearestByClass(ds, { kernel, treeMaxDim: 0, block: 64 });
  assert.equal(tree.method, "k-d tree");
  for (let i = 0; i < tree.nearest2.length; i++) {
    assert.ok(
      Math.abs(tree.nearest2[i] - dense.nearest2[i]) <= 1e-12 * (1 + tree.nearest2[i]),
      `entry ${i}`,
    );
  }
  assert.ok(Math.abs(tree.minDistance - dense.minDistance) < 1e-9);
  assert.ok(Math.abs(tree.minAngle - dense.minAngle) < 1e-6);
});

/** Points for the k-d tree tests: random, with exact duplicates and rows sharing coordinates. */
function treePoints(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n * dim; i++) x[i] = Math.round((rng.uniform() - 0.5) * 64) / 16;
  for (let i = 0; i < n / 10; i++) {
    const a = Math.floor(rng.uniform() * n);
    const b = Math.floor(rng.uniform() * n);
    x.copyWithin(a * dim, b * dim, (b + 1) * dim);
  }
  return x;
}

test("k-d tree: nearest, ball rows and ball counts equal a brute-force scan (d = 1, 2, 3)", () => {
  for (const dim of [1, 2, 3]) {
    const n = 600;
    const x = treePoints(n, dim, 10 + dim);
    const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
    const tree = new KdTree(x, dim, rows);
    const rng = new Rng(dim);
    let hint = -1;
    for (let q = 0; q < n; q++) {
      const d2 = Array.from(rows, (r) => squaredDistance(x, q * dim, x, r * dim, dim));
      const exclude = q % 2 === 0 ? q : -1;
      let best = Infinity;
      rows.forEach((r, i) => {
        if (r !== exclude) best = Math.min(best, d2[i]);
      });
      assert.equal(tree.nearest(x, q, exclude, hint), best, `d = ${dim}, nearest of row ${q}`);
      hint = tree.lastRow;
      // Radii on the boundary of some point (ties must be inside), between points, and huge.
      for (const r2 of [d2[Math.floor(rng.uniform() * d2.length)], rng.uniform() * 2, 0, 1e9]) {
        const want = rows.filter((_, i) => d2[i] <= r2);
        const got = Int32Array.from(tree.ballRows(x, q, r2)).sort();
        assert.deepEqual(Array.from(got), Array.from(want), `d = ${dim}, ball of row ${q}`);
        assert.equal(tree.ballCount(x, q, r2), want.length);
        let visited = 0;
        tree.ball(x, q, r2, (row, s) => {
          assert.equal(s, squaredDistance(x, q * dim, x, row * dim, dim));
          visited++;
        });
        assert.equal(visited, want.length);
      }
    }
  }
  const empty = new KdTree(new Float32Array(4), 2, new Int32Array(0));
  assert.equal(empty.nearest(new Float32Array(2), 0), Infinity);
  assert.equal(empty.ballRows(new Float32Array(2), 0, 1).length, 0);
});

test("k-d tree geometry: smallest angle and closest pair as by brute force, ties included", () => {
  // Rays with several points (angle 0, ties), −0 coordinates, and the origin (no angle).
  const pts = [
    [1, 0],
    [2, -0],
    [0, 0],
    [-1, 1],
    [-2, 2],
    [0.5, 0.25],
    [0, -1],
    [-1, -0.001],
    [1, 0.5],
  ];
  for (const scale of [1, 0.37]) {
    const rows = pts.map(([a, b]) => [a * scale, b * scale]);
    const ds = dataset(
      "rays",
      rows,
      rows.map((_, i) => i % 2),
    );
    const got = nearestByClass(ds, { kernel });
    // Brute force: the old definition (sorted polar angles, ties by index, the first least gap).
    const theta = rows.map(([a, b]) => Math.atan2(b, a));
    const order = rows
      .map((_, i) => i)
      .filter((i) => rows[i][0] !== 0 || rows[i][1] !== 0)
      .sort((a, b) => theta[a] - theta[b] || a - b);
    let angle = Infinity;
    let pair = [-1, -1];
    order.forEach((a, t) => {
      const b = order[(t + 1) % order.length];
      const gap = theta[b] - theta[a] + (t === order.length - 1 ? 2 * Math.PI : 0);
      if (gap < angle) {
        angle = gap;
        pair = a < b ? [a, b] : [b, a];
      }
    });
    assert.equal(got.minAngle, Math.min(angle, Math.PI));
    assert.deepEqual(got.minAnglePair, pair);
    const dense = nearestByClass(ds, { kernel, treeMaxDim: 0 });
    assert.ok(Math.abs(got.minDistance - dense.minDistance) < 1e-9);
  }
  // All points on one ray but the last: the least gap is 0 between the two lowest indices.
  const ray = dataset(
    "ray",
    [
      [3, 3],
      [1, 1],
      [2, 2],
      [-1, 0.5],
    ],
    [0, 1, 0, 1],
  );
  const r = nearestByClass(ray, { kernel });
  assert.equal(r.minAngle, 0);
  assert.deepEqual(r.minAnglePair, [0, 1]);
});

test("the distance tile kernel gives identical bits on every backend", () => {
  const backends = availableDistanceBackends();
  assert.ok(backends.includes("wasm"), "the wasm distance kernel must load");
  const rng = new Rng(4);
  const shapes: [number, number, number, number][] = [
    [1, 1, 1, 0],
    [3, 5, 2, 0],
    [7, 13, 17, 0.6],
    [33, 70, 784, 0.8],
    [9, 8, 64, 1],
    // Several panel blocks and group chunks of the native tiling, then smaller tiles again (its
    // per-thread buffers are reused: no stale padding may leak).
    [70, 203, 784, 0.8],
    [131, 900, 20, 0.3],
    [5, 3, 784, 0.5],
  ];
  for (const [ar, br, dim, zeros] of shapes) {
    const a = new Float32Array(ar * dim);
    const b = new Float32Array(br * dim);
    for (const x of [a, b])
      for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < zeros ? 0 : rng.normal();
    b.set(a.subarray(0, Math.min(a.length, b.length))); // identical rows: distance exactly 0
    const expected = new Float64Array(ar * br);
    referenceDistanceKernel.squaredDistances(a, ar, b, br, dim, expected);
    assert.equal(expected[0], 0);
    for (const name of backends) {
      const out = new Float64Array(ar * br).fill(NaN);
      getDistanceKernel(name).squaredDistances(a, ar, b, br, dim, out);
      for (let q = 0; q < out.length; q++) {
        assert.ok(
          Object.is(out[q], expected[q]),
          `${name}, ${ar}×${br}×${dim}, entry ${q}: ${out[q]} vs ${expected[q]}`,
        );
      }
    }
  }
  assert.throws(
    () =>
      referenceDistanceKernel.squaredDistances(
        new Float32Array(3),
        2,
        new Float32Array(2),
        1,
        2,
        new Float64Array(2),
      ),
    /reference\.squaredDistances: a has 3 values/,
  );
});

/** E max_i |g_i| for g ~ N(0, I_d): ∫₀^∞ 1 − (2Φ(t) − 1)^d dt, by the trapezoid rule. */
function expectedMaxAbs(d: number): number {
  const erf = (x: number) => {
    // Abramowitz–Stegun 7.1.26 (error < 1.5e-7).
    const t = 1 / (1 + 0.3275911 * x);
    const y =
      1 -
      ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
        t *
        Math.exp(-x * x);
    return y;
  };
  let sum = 0;
  const h = 1e-3;
  for (let t = 0; t < 10; t += h) {
    const f = (u: number) => 1 - erf(u / Math.SQRT2) ** d;
    sum += ((f(t) + f(t + h)) / 2) * h;
  }
  return sum;
}

/** Φ(t) via the error function of expectedMaxAbs's approximation. */
function normalTail2(t: number): number {
  // P(|g| > t) = 2(1 − Φ(t)) = 1 − erf(t/√2), Abramowitz–Stegun 7.1.26.
  const x = t / Math.SQRT2;
  const u = 1 / (1 + 0.3275911 * x);
  return (
    ((((1.061405429 * u - 1.453152027) * u + 1.421413741) * u - 0.284496736) * u + 0.254829592) *
    u *
    Math.exp(-x * x)
  );
}

/**
 * w(A) for A = the k-sparse vectors with entries ±1/√k (every support, every sign): sup over A of
 * |⟨g, x⟩| is (1/√k)·(sum of the k largest |g_i|), whose mean is (1/√k)·∫₀^∞ E min(N_t, k) dt with
 * N_t = #{i : |g_i| > t} ~ Binomial(d, P(|g| > t)).
 */
function expectedKSparseWidth(d: number, k: number): number {
  const binom = (n: number, j: number) => {
    let c = 1;
    for (let i = 1; i <= j; i++) c = (c * (n - j + i)) / i;
    return c;
  };
  const f = (t: number) => {
    const q = normalTail2(t);
    let e = 0;
    for (let j = 0; j <= d; j++) e += Math.min(j, k) * binom(d, j) * q ** j * (1 - q) ** (d - j);
    return e;
  };
  let sum = 0;
  const h = 1e-3;
  for (let t = 0; t < 10; t += h) sum += ((f(t) + f(t + h)) / 2) * h;
  return sum / Math.sqrt(k);
}

/** The points of A = {k-sparse, entries ±1/√k} in R^d, row-major. */
function kSparsePoints(d: number, k: number): Float64Array {
  const out: number[] = [];
  const choose = (start: number, picked: number[]) => {
    if (picked.length === k) {
      for (let signs = 0; signs < 1 << k; signs++) {
        const x = new Array<number>(d).fill(0);
        picked.forEach((i, j) => (x[i] = ((signs >> j) & 1 ? -1 : 1) / Math.sqrt(k)));
        out.push(...x);
      }
      return;
    }
    for (let i = start; i < d; i++) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  return Float64Array.from(out);
}

test("Monte-Carlo mean width of general k-sparse sets against the closed form, within the CI", () => {
  for (const [d, k, seed] of [
    [8, 2, 4],
    [8, 3, 5],
    [10, 4, 6],
  ]) {
    const est = meanWidthOfPoints(kSparsePoints(d, k), d, 3000, seed);
    const exact = expectedKSparseWidth(d, k);
    assert.ok(
      est.low <= exact && exact <= est.high,
      `d = ${d}, k = ${k}: ${exact} not in [${est.low}, ${est.high}]`,
    );
    assert.ok(est.high - est.low < 0.1 * exact, `d = ${d}, k = ${k}: interval too wide`);
  }
  // k = 1 is the cross-polytope {±e_i}: E max|g_i|.
  assert.ok(Math.abs(expectedKSparseWidth(10, 1) - expectedMaxAbs(10)) < 1e-6);
});

test("Monte-Carlo mean widths: a segment, a disc and a 1-sparse set against closed forms, within the CI", () => {
  const segment = meanWidthOfPoints(Float64Array.from([1, 0, 0, -1, 0, 0]), 3, 4000, 1);
  const disc = meanWidthOfPoints(
    Float64Array.from({ length: 2 * 4096 }, (_, i) =>
      (i % 2 === 0 ? Math.cos : Math.sin)((2 * Math.PI * (i >> 1)) / 4096),
    ),
    2,
    4000,
    2,
  );
  const d = 10;
  const sparse = meanWidthOfPoints(
    Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0)),
    d,
    4000,
    3,
  );
  const cases: [string, typeof segment, number][] = [
    ["segment [−e₁, e₁]: √(2/π)", segment, Math.sqrt(2 / Math.PI)],
    ["unit disc: √(π/2)", disc, Math.sqrt(Math.PI / 2)],
    ["{e₁, …, e₁₀}: E max|g_i|", sparse, expectedMaxAbs(d)],
  ];
  for (const [what, est, exact] of cases) {
    assert.ok(
      est.low <= exact && exact <= est.high,
      `${what}: ${exact} not in [${est.low}, ${est.high}]`,
    );
    assert.ok(est.high - est.low < 0.1 * exact, `${what}: interval too wide`);
  }
  // Centering: the width of A − c, not of A.
  const shifted = meanWidthOfPoints(Float64Array.from([6, 5, 4, 5]), 2, 500, 1, { center: [5, 5] });
  const plain = meanWidthOfPoints(Float64Array.from([1, 0, -1, 0]), 2, 500, 1);
  assert.equal(shifted.estimate, plain.estimate);
});

test("bad input: one class, a point in both classes, c <= 0, λ <= 0, η outside (0, 1)", () => {
  const one = makeDataset("one", Float32Array.from([0, 1, 1, 0]), 2, Int32Array.from([0, 0]), [
    "a",
  ]);
  assert.throws(
    () => analyzeDataset(one, { kernel }),
    (e) => e instanceof DataError && /at least 2 classes/.test(e.message),
  );
  const dup = dataset(
    "dup",
    [
      [0, 1],
      [0.5, 0.5],
      [0, 1],
    ],
    [0, 1, 1],
  );
  assert.throws(
    () => analyzeDataset(dup, { kernel }),
    (e) => e instanceof DataError && /points 0 and 2/.test(e.message),
  );
  const ok = dataset(
    "ok",
    [
      [0, 1],
      [1, 0],
    ],
    [0, 1],
  );
  for (const [opts, pattern] of [
    [{ constant: 0 }, /'constant'.*> 0; got 0/],
    [{ constant: -1 }, /'constant'/],
    [{ lambda: 0 }, /'lambda'.*> 0; got 0/],
    [{ eta: 1 }, /'eta'/],
  ] as const) {
    assert.throws(
      () => analyzeDataset(ok, { kernel, ...opts }),
      (e) => e instanceof OptionError && pattern.test(e.message),
    );
  }
});

const bin = fileURLToPath(new URL("../../bin/memonet.js", import.meta.url));

test("memonet analyze: JSON report file, figure, and one-line errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "memonet-analyze-"));
  const out = join(dir, "report.json");
  const r = spawnSync(
    process.execPath,
    [
      bin,
      "analyze",
      "--data",
      "moons",
      "--size",
      "300",
      "--n",
      "200",
      "--out",
      out,
      "--figure",
      dir,
      "--no-progress",
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /M⁻/);
  const report = JSON.parse(readFileSync(out, "utf8")) as AnalysisReport;
  assert.equal(report.problems.length, 1);
  assert.equal(report.problems[0].negative.covers, true);
  assert.equal(report.fits.length, 2);
  assert.ok(existsSync(join(dir, "covering.svg")) && existsSync(join(dir, "covering.png")));
  const bad = join(dir, "bad.json");
  const e = spawnSync(
    process.execPath,
    [bin, "analyze", "--data", "moons", "--size", "100", "--lambda", "0", "--out", bad],
    { encoding: "utf8" },
  );
  assert.equal(e.status, 1);
  assert.match(
    e.stderr,
    /^memonet: error: the 'lambda' option of analyze must be a number > 0; got 0 instead\n$/,
  );
  assert.equal(existsSync(bad), false);
});

test("projection bound: a lower bound on every distance; the bounded ball search visits exactly the pairs the plain one visits, each point's centers in order", () => {
  const rng = new Rng(7);
  // 600 sparse-ish points in 80 dimensions with low-dimensional structure (like images).
  const n = 600;
  const dim = 80;
  const basis = new Float64Array(6 * dim);
  rng.fillNormal(basis);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const w = Array.from({ length: 6 }, () => rng.normal());
    for (let k = 0; k < dim; k++) {
      let v = 0;
      for (let j = 0; j < 6; j++) v += w[j] * basis[j * dim + k];
      v += 0.3 * rng.normal();
      x[i * dim + k] = v > 0.4 ? v : 0;
    }
  }
  const ds = makeDataset(
    "sparse",
    x,
    dim,
    Int32Array.from({ length: n }, (_, i) => i % 2),
    ["a", "b"],
  );
  const bound = projectionBound(ds, 8, 0);
  assert.ok(bound !== undefined);
  for (let i = 0; i < n; i += 7) {
    for (let j = 0; j < n; j += 3) {
      const exactD = Math.sqrt(squaredDistance(x, i * dim, x, j * dim, dim));
      const lb = Math.sqrt(
        squaredDistance(bound.coords, i * bound.dims, bound.coords, j * bound.dims, bound.dims),
      );
      assert.ok(lb <= exactD + bound.slack, `bound ${lb} above the distance ${exactD}`);
    }
  }
  assert.equal(projectionBound(ds, 79, 0), undefined, "no bound at k + 1 >= d");
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  for (const k of [kernel, getDistanceKernel("auto")]) {
    const plain = kernelBallSearch(ds, rows, k, 128);
    const bounded = boundedBallSearch(ds, rows, k, bound, 96);
    const centers = Int32Array.from({ length: 150 }, (_, i) => (i * 37) % n);
    // Radii: random, and exactly the kernel's value for some pair (the boundary must be visited).
    const tile = new Float64Array(1);
    const r2 = Array.from(centers, (c, i) => {
      if (i % 3 === 0) {
        const other = (c * 11 + 5) % n;
        k.squaredDistances(
          x.subarray(c * dim, (c + 1) * dim),
          1,
          x.subarray(other * dim, (other + 1) * dim),
          1,
          dim,
          tile,
        );
        return tile[0];
      }
      return i % 3 === 1 ? rng.uniform() * 20 : Infinity;
    });
    const targets = Int32Array.from({ length: 500 }, (_, i) => (i * 13 + 1) % n);
    const seen = (s: typeof plain) => {
      const out: number[] = [];
      s.visit(centers, r2, targets, (c, p) => out.push(c, p));
      return out;
    };
    const expected = seen(plain);
    assert.ok(expected.length > 2 * 1000, "the queries find points");
    const got = seen(bounded);
    // The same (center, point) pairs, and for each point its centers in increasing order (the
    // BallSearch contract, on which "the first center that covers a point" rests).
    const pairs = (v: number[]) =>
      Array.from({ length: v.length / 2 }, (_, i) => v[2 * i] * n + v[2 * i + 1]).sort(
        (a, b) => a - b,
      );
    assert.deepEqual(pairs(got), pairs(expected), `same pairs (${k.name})`);
    const last = new Map<number, number>();
    for (let i = 0; i < got.length; i += 2) {
      assert.ok((last.get(got[i + 1]) ?? -1) < got[i], "centers of a point in increasing order");
      last.set(got[i + 1], got[i]);
    }
  }
  // The analysis (which uses the bound above 48 dimensions) reports the same without it.
  const strip = (r: AnalysisReport) => ({ ...r, seconds: {} });
  const withBound = analyzeDataset(ds, { kernel, draws: 10, orders: ["farthest-first", "random"] });
  const without = analyzeDataset(ds, {
    kernel,
    draws: 10,
    orders: ["farthest-first", "random"],
    projectionBound: false,
  });
  assert.ok(withBound.problems[0].positive.m > 1 && withBound.problems[0].positive.m < n / 2);
  assert.deepEqual(strip(withBound), strip(without));
});

test("projection bound on degenerate data (rank 3 in 80 dimensions, fewer directions than asked): still a lower bound, and tight", () => {
  const rng = new Rng(11);
  const dim = 80;
  const n = 60;
  const base = new Float64Array(3 * dim);
  rng.fillNormal(base);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const w = [rng.normal(), rng.normal(), rng.normal()];
    for (let k = 0; k < dim; k++) {
      x[i * dim + k] = w[0] * base[k] + w[1] * base[dim + k] + w[2] * base[2 * dim + k];
    }
  }
  const ds = makeDataset(
    "rank 3",
    x,
    dim,
    Int32Array.from({ length: n }, (_, i) => i % 2),
    ["a", "b"],
  );
  const bound = projectionBound(ds, 12, 0)!;
  assert.ok(bound.coords.every((v) => Number.isFinite(v)));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.sqrt(squaredDistance(x, i * dim, x, j * dim, dim));
      const lb = Math.sqrt(
        squaredDistance(bound.coords, i * bound.dims, bound.coords, j * bound.dims, bound.dims),
      );
      assert.ok(lb <= d + bound.slack, `pair ${i}, ${j}: bound ${lb} above ${d}`);
      // Rank 3 lies inside the principal directions: the bound is the distance itself.
      assert.ok(Math.abs(lb - d) <= 1e-4 * (1 + d), `pair ${i}, ${j}: bound ${lb} far from ${d}`);
    }
  }
});
