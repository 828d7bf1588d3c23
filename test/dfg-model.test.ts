// The model: determinism, predict/score, statistics, the model file, and bad input.

import { test } from "node:test";
import assert from "node:assert/strict";
import { makeMoons, makeRandomLabels } from "../src/data/generators.js";
import { makeDataset } from "../src/data/dataset.js";
import { normalizeRadius, subset } from "../src/data/preprocess.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { modelStats, type InterpolationModel } from "../src/dfg/model.js";
import { getKernels } from "../src/ops/index.js";
import { ModelFileError, modelFromJson, modelToJson } from "../src/dfg/modelFile.js";
import { computeActivations } from "../src/dfg/firstLayer.js";
import { maskedScores } from "../src/dfg/maskedScores.js";
import { decideByMargin, marginDecider } from "../src/dfg/predict.js";
import { fitNet } from "./helpers.js";

const moons = normalizeRadius(makeMoons(600, 0.05, 3));
const multi = normalizeRadius(makeRandomLabels(300, 5, 3, 2));

test("same seed, data and options give a bit-identical model; another seed does not", async () => {
  for (const activation of ["threshold", "relu"] as const) {
    const a = await fitNet(multi, { n: 400, lambda: 0.7, seed: 11, activation });
    const b = await fitNet(multi, { n: 400, lambda: 0.7, seed: 11, activation });
    const c = await fitNet(multi, { n: 400, lambda: 0.7, seed: 12, activation });
    const strip = (m: typeof a.model) =>
      modelToJson({
        ...m,
        info: { ...m.info, fitSeconds: 0, firstLayerSeconds: 0, secondLayerSeconds: 0 },
      });
    assert.equal(strip(a.model), strip(b.model));
    assert.notEqual(strip(a.model), strip(c.model));
  }
});

test("training accuracy from the construction equals score() on the training set", async () => {
  for (const [ds, lambda, n] of [
    [moons, 0, 300],
    [moons, 1, 30],
    [multi, 0, 50],
    [multi, 1, 2000],
  ] as const) {
    for (const activation of ["threshold", "relu"] as const) {
      const net = await fitNet(ds, { n, lambda, seed: 1, activation });
      assert.equal(await net.score(ds), net.model.info.trainingAccuracy, `${ds.name} λ=${lambda}`);
      assert.equal(net.model.info.interpolates, net.model.info.trainingAccuracy === 1);
    }
  }
});

test("binary output rule: class 0 (X⁻) iff some second-layer neuron fires", async () => {
  const net = await fitNet(moons, { n: 200, lambda: 1, seed: 0 });
  const m = net.model;
  assert.equal(m.mode, "binary");
  assert.equal(m.subnetworks.length, 1);
  assert.equal(m.subnetworks[0].classIndex, 0);
  // Every accepted candidate is a point of X⁻ and is detected.
  const predicted = await net.predict(moons);
  for (const row of m.subnetworks[0].candidates) {
    assert.equal(moons.labels[row], 0);
    assert.equal(predicted[row], 0);
  }
});

test("statistics: widths and the parameter count follow the stated rule", async () => {
  const net = await fitNet(multi, { n: 100, lambda: 1, seed: 5 });
  const s = modelStats(net.model);
  const total = s.secondLayerWidths.reduce((a, b) => a + b, 0);
  assert.equal(s.inputDim, 5);
  assert.equal(s.firstLayerWidth, 100);
  assert.equal(s.secondLayerWidth, total);
  assert.equal(s.parameters, 100 * 5 + 100 + total * 100 + total + total);
  assert.ok(s.nonzeroParameters > 0 && s.nonzeroParameters <= s.parameters);
});

test("model file: round trip predicts identically; corrupt files give clear errors", async () => {
  const net = await fitNet(multi, { n: 150, lambda: 0.5, seed: 2 });
  const text = modelToJson(net.model);
  const loaded = modelFromJson(text, "m.json");
  assert.deepEqual(loaded.firstLayer.weights, net.model.firstLayer.weights);
  const again = InterpolatingNetwork.fromModel(loaded);
  assert.deepEqual(await again.predict(multi), await net.predict(multi));
  assert.equal(modelToJson(loaded), text);

  assert.throws(
    () => modelFromJson(text.slice(0, text.length / 2), "m.json"),
    /m\.json: not a valid JSON model file \(truncated/,
  );
  const doc = JSON.parse(text);
  const bad = (mutate: (d: typeof doc) => void, pattern: RegExp) => {
    const d = JSON.parse(text);
    mutate(d);
    assert.throws(() => modelFromJson(JSON.stringify(d), "m.json"), pattern);
  };
  bad((d) => (d.version = 99), /m\.json: version: this memonet reads version 1, the file has 99/);
  bad((d) => (d.format = "other"), /format: expected "memonet-interpolation-model"/);
  bad(
    (d) => (d.firstLayer.width = 151),
    /firstLayer\.weights\.shape: expected \[151, 5\], found \[150, 5\]/,
  );
  bad(
    (d) => (d.firstLayer.bias.base64 = d.firstLayer.bias.base64.slice(0, 40)),
    /firstLayer\.bias\.base64: expected 600 bytes of data, found 30/,
  );
  bad((d) => d.subnetworks.pop(), /subnetworks: expected 3 entries, found 2/);
  bad(
    (d) => (d.subnetworks[0].thresholds[0] = -1),
    /subnetworks\[0\]\.thresholds\[0\]: expected a positive number/,
  );
  bad((d) => (d.params.lambda = -1), /params: lambda .* >= 0/);
  bad((d) => delete d.activation, /activation: expected a string, found nothing \(missing\)/);
  assert.ok(doc.subnetworks.length === 3);
});

test("model file: info, preprocessing, finite weights and unique class names are checked", async () => {
  const net = await fitNet(multi, { n: 150, lambda: 0.5, seed: 2 });
  const text = modelToJson({ ...net.model, preprocessing: { scale: 0.5 } });
  const shape = JSON.parse(text);
  const bad = (mutate: (d: typeof shape) => void, pattern: RegExp) => {
    const d = JSON.parse(text);
    mutate(d);
    assert.throws(
      () => modelFromJson(JSON.stringify(d), "m.json"),
      (e: Error) => e instanceof ModelFileError && pattern.test(e.message),
      pattern.source,
    );
  };
  // info missing or mistyped (`memonet info` used to crash with a TypeError)
  bad((d) => delete d.info, /^m\.json: info: expected an object, found nothing \(missing\)$/);
  bad((d) => (d.info = [1]), /^m\.json: info: expected an object, found an array$/);
  bad((d) => (d.info.radius = "x"), /^m\.json: info\.radius: expected a finite number, found "x"$/);
  bad(
    (d) => (d.info.trainingAccuracy = 2),
    /info\.trainingAccuracy: expected a finite number in \[0, 1\]/,
  );
  bad((d) => (d.info.uncovered = [0]), /info\.uncovered: expected 3 entries, found 1/);
  bad((d) => (d.info.interpolates = "yes"), /info\.interpolates: expected true or false/);
  // preprocessing.scale <= 0 (gave silently wrong predictions)
  for (const scale of [0, -1, "1"]) {
    bad(
      (d) => (d.preprocessing.scale = scale),
      /^m\.json: preprocessing\.scale: expected a finite number/,
    );
  }
  bad(
    (d) => (d.preprocessing.pixelMax = 0),
    /preprocessing\.pixelMax: expected a finite number > 0/,
  );
  // a NaN or infinite weight, written as its float32 bytes
  for (const [value, shown] of [
    [NaN, "NaN"],
    [Infinity, "Infinity"],
  ] as const) {
    bad(
      (d) => {
        const bytes = Buffer.from(d.firstLayer.weights.base64, "base64");
        bytes.writeFloatLE(value, 4 * 7);
        d.firstLayer.weights.base64 = bytes.toString("base64");
      },
      new RegExp(`firstLayer\\.weights: entry 7 is ${shown}, expected a finite number`),
    );
  }
  // duplicate class names (labels would be matched to the wrong class)
  bad((d) => (d.classNames[2] = d.classNames[0]), /^m\.json: classNames\[2\]: "0" appears twice$/);
  // extra keys are not carried into the model (a deeply nested one reached `info --json`)
  const deep = JSON.parse(text);
  let nest: Record<string, unknown> = {};
  deep.params.extra = nest;
  for (let i = 0; i < 2000; i++) nest = nest.x = {};
  deep.info.extra = { y: 1 };
  const loaded = modelFromJson(JSON.stringify(deep), "m.json");
  assert.equal("extra" in loaded.params, false);
  assert.equal("extra" in loaded.info, false);
  assert.deepEqual(loaded.preprocessing, { scale: 0.5 });
});

test("bad input: options and data are rejected with messages naming the problem", async () => {
  assert.throws(
    () => new InterpolatingNetwork({ n: 0 }),
    /n \(the first-layer width\) must be an integer >= 1, got 0/,
  );
  assert.throws(() => new InterpolatingNetwork({ n: 2.5 }), /n \(the first-layer width\)/);
  assert.throws(
    () => new InterpolatingNetwork({ lambda: -0.1 }),
    /lambda \(the maximal bias\) must be a finite number >= 0, got -0.1/,
  );
  assert.throws(() => new InterpolatingNetwork({ lambda: NaN }), /lambda/);
  assert.throws(
    () => new InterpolatingNetwork({ seed: -3 }),
    /seed must be a non-negative integer/,
  );

  const single = makeDataset("one", new Float32Array([0, 1, 1, 0]), 2, new Int32Array([0, 0]), [
    "a",
  ]);
  await assert.rejects(fitNet(single, {}), /one: need at least 2 classes, got 1/);
  const emptyClass = makeDataset("e", new Float32Array([0, 1, 1, 0]), 2, new Int32Array([0, 0]), [
    "a",
    "b",
  ]);
  await assert.rejects(fitNet(emptyClass, {}), /e: class "b" has no points/);
  const nan = makeDataset("nan", new Float32Array([0, 1, NaN, 0]), 2, new Int32Array([0, 1]), [
    "a",
    "b",
  ]);
  await assert.rejects(fitNet(nan, {}), /nan: point 1 .* feature 0 .* NaN/);
  const dup = makeDataset(
    "dup",
    new Float32Array([0.5, 1, 0.2, 0, 0.5, 1]),
    2,
    new Int32Array([0, 1, 1]),
    ["a", "b"],
  );
  await assert.rejects(
    fitNet(dup, {}),
    /dup: points 0 and 2 .* identical features but different labels/,
  );

  const net = await fitNet(moons, { n: 50, lambda: 1 });
  await assert.rejects(net.predict(multi), /dimension 5, the model expects 2/);
  await assert.rejects(
    net.predict(new Float32Array(3)),
    /3 values are not a whole number of rows of dimension 2/,
  );
  await assert.rejects(net.predict(new Float32Array([0, Infinity])), /row 0, column 1 is Infinity/);
  await assert.rejects(new InterpolatingNetwork().predict(moons), /not fitted yet/);
  const renamed = makeDataset("x", subset(moons, [0, 1]).features, 2, new Int32Array([0, 1]), [
    "0",
    "zz",
  ]);
  await assert.rejects(net.score(renamed), /class "zz" is not one of the model's classes/);
});

test("the wasm and reference backends build bit-identical models and predictions", async () => {
  const wasm = getKernels("wasm");
  const strip = (m: InterpolationModel) =>
    modelToJson({
      ...m,
      info: { ...m.info, fitSeconds: 0, firstLayerSeconds: 0, secondLayerSeconds: 0, backend: "" },
    });
  for (const [ds, params] of [
    [moons, { n: 700, lambda: 1, seed: 4 }],
    [moons, { n: 300, lambda: 0, seed: 4, activation: "relu" }],
    [multi, { n: 900, lambda: 0.5, seed: 8 }],
    [multi, { algorithm: 1, n: 0, lambda: 1, seed: 2 }],
  ] as const) {
    const a = await fitNet(ds, params);
    const b = await fitNet(ds, params, wasm);
    assert.equal(b.model.info.backend, "wasm");
    assert.equal(strip(a.model), strip(b.model));
    assert.deepEqual(await a.predict(ds), await b.predict(ds));
  }
});

test("many one-point classes: the batched margin rule decides as decideByMargin, row by row", async () => {
  // 400 points, each its own class (issue 11: 3 000 such classes took 38 s outside the fit).
  const size = 400;
  const features = new Float32Array(size * 2);
  for (let i = 0; i < features.length; i++) features[i] = Math.sin(i * 12.9898) * 0.5;
  const names = Array.from({ length: size }, (_, k) => `c${k}`);
  const ds = makeDataset(
    "one-point",
    features,
    2,
    Int32Array.from(names, (_, k) => k),
    names,
  );
  for (const activation of ["threshold", "relu"] as const) {
    const net = await fitNet(ds, { n: 300, lambda: 0.5, seed: 1, activation });
    const model = net.model;
    const kernels = getKernels("reference");
    const workspace = kernels.workspace();
    try {
      const acts = computeActivations(
        features,
        size,
        model.firstLayer,
        activation,
        kernels,
        workspace,
      );
      const scores = maskedScores(acts, kernels);
      const masks = model.subnetworks.map((s) => s.masks);
      const decide = marginDecider(model, masks);
      for (let row = 0; row < size; row++) {
        assert.equal(decide(scores, row), decideByMargin(model, masks, scores, row), `row ${row}`);
      }
      // predict (batched rule) and the fit's training accuracy (batched too) agree.
      const predicted = await net.predict(ds);
      const right = predicted.filter((k, i) => k === ds.labels[i]).length;
      assert.equal(right / size, model.info.trainingAccuracy);
      assert.ok(
        model.subnetworks.some((s) => s.width === 0),
        "some classes have no neuron",
      );
    } finally {
      workspace.dispose();
    }
  }
});
