// Whole constructions (Thm 3.1, 5.1, 6.2, Remark 3.3) built and verified exactly on many data
// sets: dimensions 1, 2, 10, 784; C = 2, 10, N; N from 1 to 10^4; tiny separation; points far
// from the origin; MNIST subsets.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  scalePixels,
  normalizeRadius,
  stratifiedNestedSubsets,
  subset,
  binarySubproblem,
} from "../src/data/preprocess.js";
import { evaluateExact, evaluateReference } from "../src/vys/exactEval.js";
import { closestPair } from "../src/vys/geometry.js";
import { type MemorizeOptions, memorize } from "../src/vys/memorize.js";
import { type MemorizationProblem, problemFromDataset } from "../src/vys/problem.js";
import {
  crossoverSize,
  measuredSubnetworkParameters,
  paperPointsPerInterval,
  parameterModel,
  predictParameters,
} from "../src/vys/split.js";
import { checkFloat64, verifyNetwork } from "../src/vys/verify.js";
import { loadMnist } from "../src/node/loaders.js";
import { Rng } from "../src/random/rng.js";

/** Random points (Gaussian, float32 or float64) with labels 1..C. */
function randomProblem(
  N: number,
  d: number,
  C: number,
  seed: number,
  f64 = false,
): MemorizationProblem {
  const rng = new Rng(seed, 77);
  const points = f64 ? new Float64Array(N * d) : new Float32Array(N * d);
  for (let i = 0; i < points.length; i++) points[i] = rng.normal() / Math.sqrt(d);
  const labels = Int32Array.from({ length: N }, () => 1 + rng.below(C));
  return { name: `random(N=${N}, d=${d}, C=${C})`, points, dim: d, labels, classes: C };
}

/** Builds, verifies exactly, and checks the width claim; returns the result. */
function buildAndVerify(p: MemorizationProblem, options: MemorizeOptions = {}) {
  const result = memorize(p, { crossover: false, compareSplits: false, ...options });
  const v = verifyNetwork(result.network, p);
  assert.ok(
    v.ok,
    `${p.name} ${JSON.stringify(options)}: ${v.points - v.correct} wrong, first ${JSON.stringify(v.failures[0])}`,
  );
  assert.equal(v.correct, Math.floor(p.points.length / p.dim));
  if (result.report.theorem === "3.1") assert.ok(result.report.network.width <= 12);
  return result;
}

test("Thm 3.1 memorizes random data exactly: d ∈ {1, 2, 10, 784}, C ∈ {2, 10, N}, N from 1", () => {
  let seed = 0;
  for (const d of [1, 2, 10]) {
    for (const N of [1, 2, 3, 5, 17, 64, 250]) {
      for (const C of [2, 10, N]) {
        buildAndVerify(randomProblem(N, d, C, seed++), {
          split: seed % 2 === 0 ? "paper" : "optimal",
        });
      }
    }
  }
  for (const N of [1, 40, 200]) buildAndVerify(randomProblem(N, 784, 10, seed++));
  buildAndVerify(randomProblem(1000, 2, 1000, seed++)); // C = N = 1000
});

test("Thm 3.1 at N = 10 000 (d = 2, C = 10): exact on every point, width 12", () => {
  const r = buildAndVerify(randomProblem(10000, 2, 10, 5), { split: "optimal" });
  assert.equal(r.report.network.width, 12);
});

test("points with tiny separation δ and points far from the origin", () => {
  const rng = new Rng(21);
  // float64 points 1e-12 apart on a line in R^3, and a cluster in R^2 with δ ≈ 1e-9
  const N = 200;
  const line = new Float64Array(N * 3);
  for (let i = 0; i < N; i++) {
    line[3 * i] = 0.3 + i * 1e-12;
    line[3 * i + 1] = -0.7 + i * 3e-12;
    line[3 * i + 2] = 0.1;
  }
  const labels = Int32Array.from({ length: N }, () => 1 + rng.below(3));
  const tiny = buildAndVerify({ name: "tiny", points: line, dim: 3, labels, classes: 3 });
  assert.ok((tiny.report.data.separation as number) < 5e-12);
  const cluster = new Float64Array(2 * N);
  for (let i = 0; i < cluster.length; i++) cluster[i] = rng.uniform() * 1e-7;
  buildAndVerify({ name: "cluster", points: cluster, dim: 2, labels, classes: 3 });
  // float32 points one ulp apart near 1
  const ulp = new Float32Array(2 * N);
  for (let i = 0; i < N; i++) {
    ulp[2 * i] = 1 + i * 2 ** -23;
    ulp[2 * i + 1] = 1;
  }
  buildAndVerify({ name: "ulp", points: ulp, dim: 2, labels, classes: 3 });
  // far from the origin: ‖x‖ ≈ 1e6 (float64) and 1e4 (float32)
  const far = new Float64Array(N * 4);
  for (let i = 0; i < far.length; i++) far[i] = 1e6 + rng.normal();
  const farResult = buildAndVerify({ name: "far", points: far, dim: 4, labels, classes: 3 });
  assert.ok(farResult.report.data.radius > 1e6);
  const far32 = new Float32Array(N * 2);
  for (let i = 0; i < far32.length; i++) far32[i] = -1e4 + rng.normal();
  buildAndVerify({ name: "far32", points: far32, dim: 2, labels, classes: 3 });
});

test("MNIST subsets: 10 classes (N = 1000) and 1 vs 9 (N = 500), exactly", async () => {
  const mnist = scalePixels(await loadMnist({ split: "all" }));
  const [ten] = stratifiedNestedSubsets(mnist, [1000], 3);
  const r = buildAndVerify(problemFromDataset(normalizeRadius(subset(mnist, ten))));
  assert.equal(r.report.data.dim, 784);
  assert.equal(r.report.data.classes, 10);
  const pair = binarySubproblem(mnist, "1", "9");
  const [two] = stratifiedNestedSubsets(pair, [500], 4);
  buildAndVerify(problemFromDataset(normalizeRadius(subset(pair, two))), { split: "optimal" });
});

test("Thm 5.1 (depth parameter L) and Thm 6.2 (bit parameter B) verified across budgets", () => {
  const p = randomProblem(150, 3, 5, 31);
  for (const L of [1, 2, 5, 12]) {
    const r = buildAndVerify(p, { depth: L, split: L % 2 === 0 ? "optimal" : "paper" });
    assert.equal(r.report.theorem, "5.1");
    assert.equal(r.report.split.subsets, Math.ceil(150 / (L * L)));
  }
  for (const B of [1, 3, 7, 12]) {
    const r = buildAndVerify(p, { bits: B, split: B % 2 === 0 ? "optimal" : "paper" });
    assert.equal(r.report.theorem, "6.2");
    assert.equal(r.report.split.subsets, Math.ceil(150 / (B * B)));
    assert.ok(r.report.network.width <= 14); // F₃'s 12 plus the carried x and running sum
  }
  // Larger depth budget: fewer, wider-apart subsets; bit budget shrinks the crafted integers.
  const q = randomProblem(600, 2, 10, 32);
  const small = buildAndVerify(q, { bits: 4 });
  const large = buildAndVerify(q, { bits: 24 });
  assert.ok(small.report.network.bitComplexity < large.report.network.bitComplexity);
  assert.ok(small.report.network.depth > large.report.network.depth);
  const shallow = buildAndVerify(q, { depth: 4 });
  assert.ok(shallow.report.network.depth < large.report.network.depth);
  assert.ok(shallow.report.network.width > 12);
});

test("Remark 3.3: real targets memorized to within ε/2 (Thm 3.1, 5.1, 6.2)", () => {
  const rng = new Rng(41);
  const N = 120;
  const points = new Float32Array(N * 2);
  for (let i = 0; i < points.length; i++) points[i] = rng.normal();
  const targets = Float64Array.from({ length: N }, () => (rng.uniform() - 0.3) * 7);
  for (const epsilon of [0.5, 0.01, 2 ** -20]) {
    const p: MemorizationProblem = { name: "regression", points, dim: 2, targets, epsilon };
    for (const opt of [{}, { depth: 3 }, { bits: 3 }]) {
      const r = buildAndVerify(p, opt);
      assert.equal(r.output.kind, "regression");
      for (let i = 0; i < 5; i++) {
        const out = evaluateExact(r.network, points.subarray(2 * i, 2 * i + 2))[0];
        const err = Math.abs(Number(out.m) * 2 ** out.e - targets[i]);
        assert.ok(err <= epsilon / 2 + 1e-12, `ε=${epsilon}: error ${err}`);
      }
    }
  }
});

test("the fast evaluator and the reference evaluator agree on a whole network, on and off the data", () => {
  const p = randomProblem(30, 2, 4, 51);
  const r = memorize(p, { crossover: false, compareSplits: false });
  const rng = new Rng(52);
  for (let i = 0; i < 30; i++) {
    const x = p.points.subarray(2 * i, 2 * i + 2);
    assert.deepEqual(evaluateExact(r.network, x), evaluateReference(r.network, x));
    const y = [rng.normal(), rng.normal()];
    assert.deepEqual(evaluateExact(r.network, y), evaluateReference(r.network, y));
  }
});

test("report: data quantities, both splits, bounds, and the exact parameter model", () => {
  const p = randomProblem(300, 5, 7, 61);
  const r = memorize(p, { split: "paper" });
  const rep = r.report;
  assert.equal(rep.data.size, 300);
  assert.equal(rep.data.dim, 5);
  assert.equal(rep.data.classes, 7);
  // δ: against brute force
  let best = Infinity;
  for (let i = 0; i < 300; i++) {
    for (let j = i + 1; j < 300; j++) {
      let s = 0;
      for (let k = 0; k < 5; k++) s += (p.points[5 * i + k] - p.points[5 * j + k]) ** 2;
      best = Math.min(best, Math.sqrt(s));
    }
  }
  assert.equal(rep.data.separation, best);
  assert.equal(closestPair({ points: p.points, dim: 5, count: 300 }).distance, best);
  assert.equal(rep.lowerBounds.vc, Math.sqrt(300));
  assert.equal(rep.parametersPerSqrtN, rep.network.parameters / Math.sqrt(300));
  assert.ok(rep.splits !== null);
  assert.equal(rep.splits.paper.parameters, rep.network.parameters);
  assert.ok(rep.splits.optimal.parameters <= rep.splits.paper.parameters);
  assert.ok(rep.stageOne.projectedMax < rep.stageOne.paperR, "data-driven R below the worst case");
  // Parameters = first layer + the exact affine model of F₃ ∘ F₂.
  const n = paperPointsPerInterval(300);
  const model = parameterModel(rep.stageOne.rho, rep.stageOne.c, false);
  assert.equal(
    rep.network.parameters,
    rep.stageOne.directionNonZeros + predictParameters(model, 300, n),
  );
  // Crossover: the first N (>= 64) where the model's count drops below N.
  const cross = rep.crossover?.optimal as number;
  assert.ok(cross > 64);
  assert.equal(
    crossoverSize(rep.stageOne.directionNonZeros, rep.stageOne.rho, rep.stageOne.c, 300, "optimal"),
    cross,
  );
});

test("the affine parameter model is exact, and parameters grow like √N (up to logs)", () => {
  for (const [rho, c, chain] of [
    [20, 4, false],
    [7, 9, false],
    [33, 1, true],
  ] as const) {
    const model = parameterModel(rho, c, chain);
    for (const [size, n] of [
      [10, 2],
      [50, 7],
      [101, 10],
      [64, 31],
      [333, 3],
    ]) {
      assert.equal(
        measuredSubnetworkParameters(size, n, rho, c, chain),
        predictParameters(model, size, n),
      );
    }
  }
  // Paper split, ρ growing like 2 log₂ N: the fitted exponent of parameters vs N is well below 1.
  const sizes = [1e2, 1e3, 1e4, 1e5];
  const counts = sizes.map((N) => {
    const rho = Math.ceil(2 * Math.log2(N)) + 1;
    return predictParameters(parameterModel(rho, 4, false), N, paperPointsPerInterval(N));
  });
  const xs = sizes.map(Math.log);
  const ys = counts.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / 4;
  const my = ys.reduce((a, b) => a + b) / 4;
  const slope =
    xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) /
    xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  assert.ok(slope > 0.45 && slope < 0.7, `exponent ${slope}`);
});

test("float64 evaluation breaks the construction, and the check says where", () => {
  const p = randomProblem(200, 2, 10, 71);
  const r = memorize(p, { crossover: false, compareSplits: false });
  const f = checkFloat64(r.network, p);
  assert.ok(f.correct < f.points);
  assert.ok(f.inexactWeights > 0);
  assert.ok(f.divergence !== null);
  assert.ok(
    f.divergence.spans.some((s) => s.startsWith("stage III")),
    f.divergence.spans.join(),
  );
});

test("bit complexity of the composed network: n·max(ρ, c) + 3 (biases), + 2 (weights)", () => {
  // Lemma A.5 alone needs n·max(ρ,c) + 2 bits; composed, Lemma A.7's first layer 4z − 2 absorbs
  // the constant of the folded stage II output (|bias| in [4, 6): three integer bits).
  for (const [N, d, C, seed] of [
    [100, 10, 10, 1],
    [400, 5, 2, 2],
  ]) {
    for (const split of ["paper", "optimal"] as const) {
      const { report } = memorize(randomProblem(N, d, C, seed), { split });
      const n = Math.max(...Object.values(report.split.pointsPerInterval));
      const nBits = n * Math.max(report.stageOne.rho, report.stageOne.c);
      assert.equal(report.network.biasBitComplexity, nBits + 3, `N = ${N}, ${split}`);
      assert.ok(report.network.weightBitComplexity <= nBits + 2, `N = ${N}, ${split}`);
    }
  }
});
