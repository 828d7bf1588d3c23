// ONNX export, checked in onnxruntime-node: ORT's label equals memonet's prediction on every
// training point.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ort from "onnxruntime-node";
import type { Dataset } from "../src/data/dataset.js";
import {
  binarySubproblem,
  radius,
  scaleFeatures,
  scalePixels,
  subset,
} from "../src/data/preprocess.js";
import { makeMoons } from "../src/data/generators.js";
import { ExportError, toOnnx } from "../src/export/onnx.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import type { FitParams } from "../src/dfg/model.js";
import { saveModel } from "../src/node/modelStore.js";
import { loadMnist } from "../src/node/loaders.js";

const bin = fileURLToPath(new URL("../../bin/memonet.js", import.meta.url));

/** Fits on the raw pixels' preprocessing (as the CLI does); returns ORT's and memonet's labels. */
async function compare(raw: Dataset, params: Partial<FitParams>, margin = 0) {
  const px = scalePixels(raw);
  const scale = 1 / radius(px);
  const ds = scaleFeatures(px, scale);
  const net = await new InterpolatingNetwork(params).fit(ds);
  const model = { ...net.model, preprocessing: { pixelMax: 255, scale } };
  const session = await ort.InferenceSession.create(toOnnx(model, { margin }));
  const out = await session.run({
    x: new ort.Tensor("float32", raw.features, [raw.size, raw.dim]),
  });
  const ortLabels = Array.from(out.label.data as BigInt64Array, Number);
  const ours = await net.predict(ds);
  let disagree = 0;
  ortLabels.forEach((l, i) => {
    if (l !== ours[i]) disagree++;
  });
  return {
    disagree,
    interpolates: net.model.info.interpolates,
    size: raw.size,
    scores: out.scores,
  };
}

const first = (ds: Dataset, count: number) =>
  subset(
    ds,
    Array.from({ length: Math.min(count, ds.size) }, (_, i) => i),
  );

test("ONNX: MNIST 1 vs 9 and a 10-class subset, ORT equals memonet on every training point", async () => {
  const train = await loadMnist({ split: "train" });
  for (const [raw, n] of [
    [first(binarySubproblem(train, "1", "9"), 3000), 2000],
    [first(train, 3000), 1000],
  ] as const) {
    for (const selection of ["random", "greedy+prune"] as const) {
      const r = await compare(raw, { n, lambda: 0.5, seed: 0, selection });
      assert.equal(r.interpolates, true);
      assert.equal(r.disagree, 0, `${raw.name} ${selection}: ${r.disagree} of ${r.size} differ`);
      assert.deepEqual(r.scores.dims, [raw.size, raw.classNames.length]);
    }
  }
});

test("ONNX: ReLU networks agree with a safety margin of 1e-6", async () => {
  const train = await loadMnist({ split: "train" });
  const raw = first(binarySubproblem(train, "1", "9"), 2000);
  const r = await compare(raw, { n: 2000, lambda: 0.5, seed: 0, activation: "relu" }, 1e-6);
  assert.equal(r.disagree, 0, `${r.disagree} of ${r.size} differ`);
});

test("ONNX: export of an unfitted estimator or with a bad margin is an ExportError", () => {
  assert.throws(() => toOnnx(new InterpolatingNetwork()), ExportError);
  const ds = makeMoons(50, 0.1, 0);
  return new InterpolatingNetwork({ n: 50 }).fit(ds).then((net) => {
    assert.throws(() => toOnnx(net, { margin: 1 }), /margin must be a number in \[0, 1\)/);
    assert.ok(toOnnx(net).length > 0);
  });
});

test("CLI export: writes model.onnx; an unwritable path fails cleanly and leaves no file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "memonet-onnx-"));
  const net = await new InterpolatingNetwork({ n: 100 }).fit(makeMoons(200, 0.1, 0));
  const modelPath = join(dir, "m.json");
  await saveModel(modelPath, net.model);
  const ok = spawnSync(process.execPath, [bin, "export", modelPath, "--out", join(dir, "m.onnx")], {
    encoding: "utf8",
  });
  assert.equal(ok.status, 0, ok.stderr);
  const bad = spawnSync(
    process.execPath,
    [bin, "export", modelPath, "--format", "onnx", "--out", join(dir, "missing", "m.onnx")],
    { encoding: "utf8" },
  );
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^memonet: error: cannot write .*missing\/m\.onnx/);
  assert.doesNotMatch(bad.stderr, /at .*\.js/);
  const missingModel = spawnSync(
    process.execPath,
    [bin, "export", join(dir, "nope.json"), "--out", join(dir, "x.onnx")],
    {
      encoding: "utf8",
    },
  );
  assert.equal(missingModel.status, 1);
  assert.match(missingModel.stderr, /no such model file/);
  assert.deepEqual((await readdir(dir)).sort(), ["m.json", "m.onnx"]);
});
