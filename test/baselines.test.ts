// memonet compare: the projection construction, the SGD width search and the comparison table.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { compareMethods, type CompareRow } from "../src/baselines/compare.js";
import {
  fitProjection,
  predictProjection,
  projectionStats,
  scoreProjection,
} from "../src/baselines/projection.js";
import { searchSgdWidth } from "../src/baselines/sgd.js";
import { DataError, makeDataset, type Dataset } from "../src/data/dataset.js";
import {
  makeAlternatingPoints,
  makeLinePoints,
  makeMoons,
  makeParallelLines,
  makeRandomLabels,
} from "../src/data/generators.js";
import {
  binarySubproblem,
  normalizeRadius,
  scalePixels,
  stratifiedNestedSubsets,
  subset,
} from "../src/data/preprocess.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { modelStats } from "../src/dfg/model.js";
import { OptionError } from "../src/dfg/params.js";
import { referenceKernels } from "../src/ops/index.js";
import { decomposeNumber } from "../src/vys/dyadic.js";
import { memorize } from "../src/vys/memorize.js";
import { problemFromDataset } from "../src/vys/problem.js";
import { findStageOne } from "../src/vys/stageOne.js";
import { loadMnist } from "../src/node/loaders.js";
import { useTfjsWasm } from "../src/node/tfjs.js";

async function mnist1v9(size: number): Promise<Dataset> {
  const ds = binarySubproblem(scalePixels(await loadMnist({ split: "train" })), "1", "9");
  const [rows] = stratifiedNestedSubsets(ds, [size], 0);
  return normalizeRadius(subset(ds, rows));
}

/** Label changes along the direction stage I picks, counted from exact integer projections. */
function labelChanges(ds: Dataset, seed: number): number {
  const { direction } = findStageOne(ds.features, ds.dim, { seed });
  let minExp = 0;
  for (const v of ds.features) if (v !== 0) minExp = Math.min(minExp, decomposeNumber(v).e);
  const proj = Array.from({ length: ds.size }, (_, i) => {
    let s = 0n;
    for (let k = 0; k < ds.dim; k++) {
      const v = ds.features[i * ds.dim + k];
      if (v === 0) continue;
      const { m, e } = decomposeNumber(v);
      s += direction[k] * (BigInt(m) << BigInt(e - minExp));
    }
    return { s, label: ds.labels[i] };
  });
  proj.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : 0));
  let changes = 0;
  for (let t = 1; t < proj.length; t++) {
    assert.notEqual(proj[t].s, proj[t - 1].s, "the direction separates the points");
    if (proj[t].label !== proj[t - 1].label) changes++;
  }
  return changes;
}

test("projection construction interpolates, with one neuron per label change", async () => {
  const sets: Dataset[] = [
    normalizeRadius(makeMoons(500, 0.05, 0)),
    makeParallelLines(20, 0.1),
    makeRandomLabels(300, 10, 2, 1),
    makeRandomLabels(300, 10, 5, 2),
    makeAlternatingPoints(12, 3),
    makeLinePoints(200, 3),
    await mnist1v9(1500),
  ];
  for (const ds of sets) {
    for (const seed of [0, 1]) {
      const net = fitProjection(ds, { seed });
      assert.equal(scoreProjection(net, ds), 1, `${ds.name}, seed ${seed}`);
      const stats = projectionStats(net);
      assert.equal(stats.neurons, labelChanges(ds, seed), `${ds.name}, seed ${seed}`);
      assert.ok(stats.neurons <= ds.size - 1);
    }
  }
  // Prop. 13's alternating points: every neighbouring pair differs, so 2·M⁻ − 2 changes at most.
  const alt = makeAlternatingPoints(10);
  assert.equal(projectionStats(fitProjection(alt)).neurons, alt.size - 1);
});

test("projection construction: duplicate points across classes are a DataError", () => {
  const ds = makeDataset(
    "dup",
    Float32Array.from([0, 0, 1, 1, 0, 0]),
    2,
    Int32Array.from([0, 1, 0]),
    ["a", "b"],
  );
  assert.throws(() => fitProjection(ds), DataError);
  const net = fitProjection(makeMoons(50, 0.05, 0));
  assert.throws(() => predictProjection(net, new Float32Array(3)), DataError);
});

test("sgd width search: reproducible for a seed, and honest when the budget runs out", async () => {
  await useTfjsWasm();
  const ds = normalizeRadius(makeMoons(80, 0.05, 0));
  const options = { maxEpochs: 60, startWidth: 4, maxWidth: 32, bisectionSteps: 1 };
  const a = await searchSgdWidth(ds, { ...options, seed: 3 });
  const b = await searchSgdWidth(ds, { ...options, seed: 3 });
  const strip = (r: typeof a) => r.attempts.map(({ seconds: _s, ...rest }) => rest);
  assert.deepEqual(strip(a), strip(b));
  assert.deepEqual(a.network.weights, b.network.weights);
  assert.equal(a.width, b.width);
  if (a.reached) assert.equal(a.trainingAccuracy, 1);
  // Random labels in 10 dimensions with one epoch and width <= 2: cannot be learned.
  const hard = makeRandomLabels(200, 10, 2, 0);
  const r = await searchSgdWidth(hard, { maxEpochs: 1, startWidth: 1, maxWidth: 2 });
  assert.equal(r.reached, false);
  assert.ok(r.trainingAccuracy < 1);
  assert.deepEqual(
    r.attempts.map((x) => x.width),
    [1, 2],
  );
  await assert.rejects(() => searchSgdWidth(ds, { maxEpochs: 0 }), OptionError);
  // The progress the CLI and the benchmark show: every epoch of every width attempt.
  const events: string[] = [];
  const rows = await compareMethods(hard, null, {
    methods: ["sgd"],
    sgd: {
      maxEpochs: 1,
      startWidth: 1,
      maxWidth: 2,
      onProgress: (e) => events.push(`${e.phase} ${e.done}/${e.total} ${e.unit}`),
    },
  });
  assert.deepEqual(events, ["sgd, width 1 1/1 epochs", "sgd, width 2 1/1 epochs"]);
  assert.equal(rows[0].interpolates, false);
  assert.equal(rows[0].guaranteed, false);
  assert.match(rows[0].details, /budget ran out/);
});

test("compare: the dfg and vys rows equal what fit and memorize report", async () => {
  const ds = normalizeRadius(makeMoons(300, 0.05, 1));
  const rows = await compareMethods(ds, ds, {
    methods: ["dfg", "dfg1", "vys", "projection"],
    seeds: 2,
    n: 200,
    lambda: 1,
    kernels: referenceKernels,
  });
  assert.deepEqual(
    rows.map((r) => `${r.method}:${r.seed}`),
    ["dfg:0", "dfg:1", "dfg1:0", "dfg1:1", "vys:0", "vys:1", "projection:0", "projection:1"],
  );
  for (const row of rows) {
    assert.equal(row.trainingAccuracy, 1, `${row.method} ${row.seed}`);
    assert.equal(row.testAccuracy, 1);
  }
  for (const seed of [0, 1]) {
    const net = await new InterpolatingNetwork(
      { n: 200, lambda: 1, seed },
      { kernels: referenceKernels },
    ).fit(ds);
    const s = modelStats(net.model);
    const row = rows.find((r) => r.method === "dfg" && r.seed === seed);
    assert.equal(row?.neurons, s.firstLayerWidth + s.secondLayerWidth);
    assert.equal(row?.parameters, s.nonzeroParameters);
    assert.equal(row?.interpolates, net.model.info.interpolates);
    const alg1 = await new InterpolatingNetwork(
      { algorithm: 1, n: 0, lambda: 1, seed },
      { kernels: referenceKernels },
    ).fit(ds);
    const s1 = modelStats(alg1.model);
    const row1 = rows.find((r) => r.method === "dfg1" && r.seed === seed);
    assert.equal(row1?.neurons, s1.firstLayerWidth + s1.secondLayerWidth);
    assert.equal(row1?.parameters, s1.nonzeroParameters);
    assert.equal(row1?.guaranteed, true);
    const m = memorize(problemFromDataset(ds), { seed }).report.network;
    const vys = rows.find((r) => r.method === "vys" && r.seed === seed);
    assert.equal(vys?.neurons, m.neurons);
    assert.equal(vys?.parameters, m.parameters + m.biases);
    assert.equal(vys?.depth, m.depth);
    assert.equal(vys?.precision, `${m.bitComplexity} bits`);
  }
});

test("compare: firstSeed runs the same builds as the matching seeds of a longer run", async () => {
  const ds = normalizeRadius(makeMoons(200, 0.05, 3));
  const all = await compareMethods(ds, null, { methods: ["projection", "dfg"], seeds: 3, n: 100 });
  const tail = await compareMethods(ds, null, {
    methods: ["projection", "dfg"],
    seeds: 2,
    firstSeed: 1,
    n: 100,
  });
  const build = (r: CompareRow) => [r.method, r.seed, r.neurons, r.parameters, r.details];
  assert.deepEqual(tail.map(build), all.filter((r) => r.seed >= 1).map(build));
  await assert.rejects(() => compareMethods(ds, null, { firstSeed: -1 }), OptionError);
});

test("compare: bad input gives clear errors", async () => {
  const ds = makeMoons(50, 0.05, 0);
  await assert.rejects(
    () => compareMethods(ds, null, { methods: ["nope" as "dfg"] }),
    (e: unknown) => e instanceof OptionError && /unknown method "nope"/.test(e.message),
  );
  await assert.rejects(() => compareMethods(ds, null, { seeds: 0 }), OptionError);
  const dup = makeDataset("dup", Float32Array.from([0, 1, 0, 1]), 2, Int32Array.from([0, 1]), [
    "a",
    "b",
  ]);
  await assert.rejects(() => compareMethods(dup, null, { methods: ["projection"] }), DataError);
  await assert.rejects(() => compareMethods(dup, null, { methods: ["vys"] }), DataError);
  const other = makeDataset("other", new Float32Array(2), 2, Int32Array.from([0]), ["zebra"]);
  await assert.rejects(
    () => compareMethods(ds, other, { methods: ["projection"] }),
    (e: unknown) => e instanceof DataError && /zebra/.test(e.message),
  );
  const cli = spawnSync(
    process.execPath,
    ["bin/memonet.js", "compare", "--data", "moons", "--methods", "dfg,magic"],
    { encoding: "utf8" },
  );
  assert.notEqual(cli.status, 0);
  assert.match(cli.stderr, /unknown method "magic"/);
  assert.doesNotMatch(cli.stderr, /\n\s+at /);
});
