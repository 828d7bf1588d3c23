// Smaller networks: greedy set cover, reverse-delete pruning, first-layer pruning.

import { test } from "node:test";
import "../src/backends/native/index.js";
import assert from "node:assert/strict";
import {
  makeAlternatingPoints,
  makeLinePoints,
  makeMoons,
  makeParallelLines,
  makeRandomLabels,
} from "../src/data/generators.js";
import { normalizeRadius, scalePixels, subset } from "../src/data/preprocess.js";
import type { Dataset } from "../src/data/dataset.js";
import type { FitParams, InterpolationModel, SelectionStrategy } from "../src/dfg/model.js";
import { SELECTION_STRATEGIES } from "../src/dfg/model.js";
import { modelFromJson, modelToJson } from "../src/dfg/modelFile.js";
import { OptionError } from "../src/dfg/params.js";
import { greedyCover, reverseDelete, type Covers } from "../src/dfg/selection.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { loadMnist } from "../src/node/loaders.js";
import { availableBackends, getKernels } from "../src/ops/index.js";
import { fitNet } from "./helpers.js";

/** The data sets of the claims tests, with parameters under which Algorithm 2 interpolates. */
function claimSets(): { ds: Dataset; params: Partial<FitParams> }[] {
  return [
    { ds: normalizeRadius(makeMoons(1000, 0.05, 0)), params: { n: 500, lambda: 1 } },
    { ds: normalizeRadius(makeParallelLines(20, 0.05, 0)), params: { n: 2000, lambda: 1 } },
    { ds: makeAlternatingPoints(5, 3), params: { algorithm: 1, n: 0, lambda: 2 } },
    { ds: normalizeRadius(makeLinePoints(200, 1)), params: { algorithm: 1, n: 0, lambda: 1 } },
    {
      ds: normalizeRadius(makeRandomLabels(300, 10, 5, 4)),
      params: { algorithm: 1, n: 0, lambda: 1 },
    },
  ];
}

test("every strategy interpolates on the claims data sets; greedy and pruning never widen", async () => {
  for (const { ds, params } of claimSets()) {
    for (const activation of ["threshold", "relu"] as const) {
      const widths = new Map<SelectionStrategy, number>();
      for (const selection of SELECTION_STRATEGIES) {
        const net = await fitNet(ds, { ...params, activation, seed: 1, selection });
        const what = `${ds.name} ${activation} ${selection}`;
        assert.equal(net.model.info.interpolates, true, what);
        assert.equal(await net.score(ds), 1, what);
        assert.equal(net.model.params.selection, selection);
        widths.set(selection, net.stats().secondLayerWidth);
      }
      const w = (s: SelectionStrategy) => widths.get(s) ?? NaN;
      const what = `${ds.name} ${activation}: ${JSON.stringify([...widths])}`;
      assert.ok(w("greedy") <= w("random"), what);
      assert.ok(w("greedy+prune") <= w("greedy"), what);
      assert.ok(w("random+prune") <= w("random"), what);
    }
  }
});

test("random selection is unchanged by the option (default = explicit random, bit for bit)", async () => {
  const ds = normalizeRadius(makeMoons(500, 0.1, 3));
  const a = await fitNet(ds, { n: 300, lambda: 1, seed: 4 });
  const b = await fitNet(ds, { n: 300, lambda: 1, seed: 4, selection: "random" });
  assert.deepEqual(a.model.subnetworks, b.model.subnetworks);
  assert.equal(a.model.params.selection, "random");
});

test("greedy cover: most new points first, ties by index; reverse delete keeps the union", () => {
  // Neuron covers over 6 points: 0: {0,1,2}, 1: {2,3}, 2: {3,4,5}, 3: {0,1,2,3}, 4: {4,5}.
  const lists = [
    [0, 1, 2],
    [2, 3],
    [3, 4, 5],
    [0, 1, 2, 3],
    [4, 5],
  ];
  const offsets = [0];
  for (const l of lists) offsets.push(offsets[offsets.length - 1] + l.length);
  const covers: Covers = {
    count: lists.length,
    offsets: Int32Array.from(offsets),
    slots: Int32Array.from(lists.flat()),
  };
  // 3 covers 4 points; then 2 and 4 both add {4, 5}: the tie goes to the lower index, 2.
  assert.deepEqual([...greedyCover(covers, 6)], [3, 2]);
  // Reverse delete of all five, last first: 4 (4,5 also in 2) goes, 3 ({0..3} also in 0, 1/2) goes,
  // 2 stays (4, 5 only there now), 1 goes (2 in 0, 3 in 2), 0 stays.
  assert.deepEqual([...reverseDelete(covers, Int32Array.of(0, 1, 2, 3, 4), 6)], [0, 2]);
});

test("first-layer pruning keeps interpolation and never widens either layer", async () => {
  for (const { ds, params } of claimSets()) {
    for (const selection of ["random", "greedy+prune"] as const) {
      const base = await fitNet(ds, { ...params, seed: 2, selection });
      const pruned = await fitNet(ds, { ...params, seed: 2, selection, pruneFirst: true });
      const what = `${ds.name} ${selection}`;
      assert.equal(pruned.model.info.interpolates, true, what);
      assert.equal(await pruned.score(ds), 1, what);
      assert.equal(pruned.model.info.unprunedFirstLayerWidth, base.model.firstLayer.width, what);
      assert.ok(pruned.model.firstLayer.width <= base.model.firstLayer.width, what);
      assert.equal(pruned.stats().secondLayerWidth, base.stats().secondLayerWidth, what);
    }
  }
  // On Two Moons with n = 500 most hyperplanes are not needed.
  const moons = claimSets()[0];
  const net = await fitNet(moons.ds, { ...moons.params, seed: 0, pruneFirst: true });
  assert.ok(net.model.firstLayer.width < 250, `pruned width ${net.model.firstLayer.width}`);
});

test("MNIST 10 classes (1500-image subset): greedy+prune narrower than random, interpolates", async () => {
  const mnist = scalePixels(await loadMnist({ split: "train" }));
  const ds = normalizeRadius(
    subset(
      mnist,
      Array.from({ length: 1500 }, (_, i) => i),
    ),
  );
  const random = await fitNet(ds, { n: 500, lambda: 0.5, seed: 0 });
  const greedy = await fitNet(ds, { n: 500, lambda: 0.5, seed: 0, selection: "greedy+prune" });
  assert.equal(greedy.model.info.interpolates, true);
  assert.equal(await greedy.score(ds), 1);
  assert.ok(greedy.stats().secondLayerWidth < random.stats().secondLayerWidth);
});

test("greedy and pruned models are bit-identical on every backend (threshold and ReLU)", async () => {
  const strip = (m: InterpolationModel) =>
    modelToJson({
      ...m,
      info: { ...m.info, fitSeconds: 0, firstLayerSeconds: 0, secondLayerSeconds: 0, backend: "" },
    });
  const ds = normalizeRadius(makeRandomLabels(600, 8, 3, 17));
  for (const activation of ["threshold", "relu"] as const) {
    for (const selection of ["greedy", "greedy+prune", "random+prune"] as const) {
      const params = { n: 400, lambda: 0.5, seed: 5, activation, selection };
      const want = strip((await fitNet(ds, params)).model);
      for (const backend of availableBackends()) {
        const got = strip((await fitNet(ds, params, getKernels(backend))).model);
        assert.equal(got, want, `${backend} ${activation} ${selection}`);
      }
    }
  }
});

test("selection in model files: kept in params, old files (without it) load as random", async () => {
  const ds = normalizeRadius(makeMoons(300, 0.1, 1));
  const net = await fitNet(ds, { n: 100, lambda: 1, selection: "greedy+prune", pruneFirst: true });
  const back = modelFromJson(modelToJson(net.model), "m.json");
  assert.equal(back.params.selection, "greedy+prune");
  assert.equal(back.params.pruneFirst, true);
  assert.equal(await InterpolatingNetwork.fromModel(back).score(ds), 1);
  const old = JSON.parse(modelToJson(net.model)) as { params: Record<string, unknown> };
  delete old.params.selection;
  delete old.params.pruneFirst;
  assert.equal(modelFromJson(JSON.stringify(old), "old.json").params.selection, "random");
});

test("bad selection options are OptionErrors naming the option", () => {
  assert.throws(
    () => new InterpolatingNetwork({ selection: "best" as SelectionStrategy }),
    (e: unknown) =>
      e instanceof OptionError && /selection must be one of random, greedy/.test(e.message),
  );
  assert.throws(
    () => new InterpolatingNetwork({ activation: "relu", pruneFirst: true }),
    (e: unknown) => e instanceof OptionError && /pruneFirst needs the threshold/.test(e.message),
  );
});
