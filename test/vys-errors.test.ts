// Bad input gives clear errors naming the row, option or file field; the network file round-trips
// exactly and rejects corrupt files with the field at fault.

import { test } from "node:test";
import assert from "node:assert/strict";
import { DataError, makeDataset } from "../src/data/dataset.js";
import { OptionError } from "../src/dfg/params.js";
import { evaluateExact } from "../src/vys/exactEval.js";
import { memorize } from "../src/vys/memorize.js";
import { networkMetrics } from "../src/vys/network.js";
import {
  NETWORK_FORMAT,
  NetworkFileError,
  networkFromJson,
  networkToJson,
  storedOutput,
} from "../src/vys/networkFile.js";
import {
  type MemorizationProblem,
  prepareProblem,
  problemFromDataset,
} from "../src/vys/problem.js";
import { verifyNetwork } from "../src/vys/verify.js";

const points = new Float32Array([0, 0, 1, 0, 0, 1, 1, 1, 2, 2]);
const base: MemorizationProblem = {
  name: "toy",
  points,
  dim: 2,
  labels: [1, 2, 1, 2, 3],
  classes: 3,
};

test("duplicate points (δ = 0) are rejected naming the rows", () => {
  const dup = new Float32Array([0, 0, 1, 0, 0.5, 0.5, 1, 0, 0, -0]);
  assert.throws(
    () => memorize({ ...base, points: dup }),
    (e: Error) =>
      e instanceof DataError &&
      /duplicate points/.test(e.message) &&
      /rows 1 and 3, 0 and 4/.test(e.message),
  );
});

test("labels outside 1..C, non-integer labels without epsilon, bad C", () => {
  assert.throws(
    () => memorize({ ...base, labels: [1, 2, 0, 2, 3] }),
    /row 2 \(0-based\) has label 0, outside 1\.\.3/,
  );
  assert.throws(
    () => memorize({ ...base, labels: [1, 2, 4, 2, 3] }),
    /row 2 .* label 4, outside 1\.\.3/,
  );
  assert.throws(
    () => memorize({ ...base, labels: [1, 2.5, 1, 2, 3] }),
    (e: Error) =>
      e instanceof DataError &&
      /row 1 .* 2\.5, not an integer/.test(e.message) &&
      /epsilon/.test(e.message),
  );
  assert.throws(
    () => memorize({ ...base, classes: 0 }),
    /number of classes C must be a positive integer/,
  );
  assert.throws(() => memorize({ ...base, labels: [1, 2, 3] }), /5 points but 3 labels/);
  assert.throws(() => memorize({ name: "x", points, dim: 2 }), /labels and classes are required/);
});

test("NaN and ±Infinity are rejected naming the point and coordinate", () => {
  const bad = new Float32Array(points);
  bad[7] = NaN;
  assert.throws(
    () => memorize({ ...base, points: bad }),
    /point 3 \(0-based\), coordinate 1 is NaN/,
  );
  bad[7] = -Infinity;
  assert.throws(() => memorize({ ...base, points: bad }), /point 3 .* coordinate 1 is -Infinity/);
  assert.throws(
    () => memorize({ ...base, points: new Float32Array(3) }),
    /not a positive whole number of rows/,
  );
});

test("depth L and bits B outside 1..⌊√N⌋, or both, are OptionErrors", () => {
  // N = 5: ⌊√5⌋ = 2
  for (const o of [
    { depth: 0 },
    { depth: 3 },
    { depth: 1.5 },
    { bits: 0 },
    { bits: 3 },
    { bits: NaN },
  ]) {
    assert.throws(
      () => memorize(base, o),
      (e: Error) =>
        e instanceof OptionError && /must be an integer in 1\.\.⌊√N⌋ = 1\.\.2/.test(e.message),
      JSON.stringify(o),
    );
  }
  assert.throws(() => memorize(base, { depth: 1, bits: 1 }), /at most one of depth/);
  assert.throws(
    () => memorize(base, { split: "best" as "paper" }),
    /split must be "paper" or "optimal"/,
  );
  assert.throws(() => memorize(base, { seed: -1 }), OptionError);
});

test("regression input: epsilon and targets are checked", () => {
  const r: MemorizationProblem = {
    name: "reg",
    points,
    dim: 2,
    targets: [0.1, 0.2, 0.3, 0.4, 0.5],
    epsilon: 0.1,
  };
  assert.ok(verifyNetwork(memorize(r).network, r).ok);
  assert.throws(() => memorize({ ...r, epsilon: 0 }), /epsilon must be a finite number > 0/);
  assert.throws(() => memorize({ ...r, epsilon: NaN }), /epsilon must be a finite number > 0/);
  assert.throws(
    () => memorize({ ...r, targets: [0, 1, NaN, 0, 0] }),
    /row 2 \(0-based\) has target NaN/,
  );
  assert.throws(
    () => memorize({ ...r, epsilon: undefined }),
    /regression needs both targets and epsilon/,
  );
  assert.throws(
    () => memorize({ ...r, labels: [1, 1, 1, 1, 1] }),
    /either labels and classes, or targets/,
  );
});

test("Dataset → problem: class k is label k + 1; with epsilon the class names are the targets", () => {
  const ds = makeDataset("csv", points, 2, Int32Array.from([0, 1, 2, 1, 0]), ["-1.5", "2", "7.25"]);
  const cls = prepareProblem(problemFromDataset(ds));
  assert.deepEqual(Array.from(cls.labels), [1, 2, 3, 2, 1]);
  assert.equal(cls.classes, 3);
  const reg = problemFromDataset(ds, { epsilon: 0.5 });
  assert.deepEqual(Array.from(reg.targets as Float64Array), [-1.5, 2, 7.25, 2, -1.5]);
  const words = makeDataset("csv", points, 2, Int32Array.from([0, 1, 0, 1, 0]), ["cat", "dog"]);
  assert.throws(
    () => problemFromDataset(words, { epsilon: 1 }),
    /row 0 \(0-based\) has label "cat", not a number/,
  );
});

test("verifyNetwork reports failures by row and rejects data of the wrong shape", () => {
  const net = memorize(base).network;
  const wrong = verifyNetwork(net, { ...base, labels: [1, 2, 1, 1, 3] });
  assert.equal(wrong.ok, false);
  assert.equal(wrong.correct, 4);
  assert.deepEqual(wrong.failures, [{ row: 3, expected: "1", got: "2" }]);
  assert.throws(
    () => verifyNetwork(net, { ...base, points: new Float32Array(15), dim: 3 }),
    /dimension 3, the network expects 2/,
  );
});

test("network file: exact round trip, hex and decimal mantissas, metrics unchanged", () => {
  const result = memorize({ ...base, name: "toy" });
  const doc = {
    network: result.network,
    output: storedOutput(result.output, ["a", "b", "c"]),
    preprocessing: { pixelMax: 255, scale: 0.5 },
    report: result.report,
  };
  const text = networkToJson(doc);
  const back = networkFromJson(text, "toy.json");
  assert.deepEqual(back.network.layers, result.network.layers);
  assert.deepEqual(networkMetrics(back.network), networkMetrics(result.network));
  assert.deepEqual(back.output, {
    kind: "classification",
    classes: 3,
    labelOffset: 1,
    classNames: ["a", "b", "c"],
  });
  assert.deepEqual(back.preprocessing, { pixelMax: 255, scale: 0.5 });
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(
      evaluateExact(back.network, points.subarray(2 * i, 2 * i + 2)),
      evaluateExact(result.network, points.subarray(2 * i, 2 * i + 2)),
    );
  }
  // A hand-written file with decimal mantissas.
  const small = {
    format: NETWORK_FORMAT,
    version: 1,
    inputDim: 1,
    outputDim: 1,
    output: { kind: "classification", classes: 2, labelOffset: 1 },
    layers: [
      { inputs: 1, outputs: 1, weights: [[0, 0, "3", -1]], biases: [[0, "-1", 0]] },
      { inputs: 1, outputs: 1, weights: [[0, 0, "0x10", 0]], biases: [] },
    ],
  };
  const net = networkFromJson(JSON.stringify(small)).network;
  assert.equal(Number(evaluateExact(net, [2])[0].m) * 2 ** evaluateExact(net, [2])[0].e, 32); // 16·σ(1.5·2 − 1)
});

test("network file: corrupt files are rejected naming the field", () => {
  const good = JSON.parse(
    networkToJson({
      network: memorize(base).network,
      output: storedOutput({ kind: "classification", classes: 3 }),
    }),
  );
  const cases: [string, (d: Record<string, unknown>) => void, RegExp][] = [
    ["format", (d) => (d.format = "other"), /format: expected "memonet-relu-network"/],
    ["version", (d) => (d.version = 2), /version: this memonet reads version 1, the file has 2/],
    ["inputDim", (d) => (d.inputDim = 0), /inputDim: expected a positive integer/],
    ["layers", (d) => (d.layers = []), /layers: expected a non-empty array/],
    [
      "inputs",
      (d) => ((d.layers as Record<string, unknown>[])[1].inputs = 99),
      /layers\[1\]\.inputs: expected \d+/,
    ],
    [
      "row",
      (d) => ((d.layers as { weights: unknown[][] }[])[0].weights[0][0] = 1e6),
      /layers\[0\]\.weights\[0\]: row must be an integer in 0\.\.0, got 1000000/,
    ],
    [
      "column",
      (d) => ((d.layers as { weights: unknown[][] }[])[0].weights[0][1] = -1),
      /layers\[0\]\.weights\[0\]: column must be an integer in 0\.\.1, got -1/,
    ],
    [
      "mantissa",
      (d) => ((d.layers as { weights: unknown[][] }[])[0].weights[0][2] = "12abc"),
      /layers\[0\]\.weights\[0\]: mantissa must be a decimal or 0x-hex integer string .*, got "12abc"/,
    ],
    [
      "exponent",
      (d) => ((d.layers as { weights: unknown[][] }[])[0].weights[0][3] = 0.5),
      /layers\[0\]\.weights\[0\]: exponent must be an integer/,
    ],
    [
      "zero",
      (d) => ((d.layers as { weights: unknown[][] }[])[0].weights[0][2] = "0"),
      /zero weights must be left out/,
    ],
    [
      "duplicate",
      (d) => {
        const w = (d.layers as { weights: unknown[][] }[])[0].weights;
        w.push([...w[0]]);
      },
      /a second weight for row 0, column \d+/,
    ],
    [
      "bias",
      (d) => (d.layers as { biases: unknown[][] }[])[0].biases.push(["x"]),
      /layers\[0\]\.biases\[\d+\]: expected \[row, mantissa, exponent\]/,
    ],
    [
      "output",
      (d) => ((d.output as Record<string, unknown>).kind = "softmax"),
      /output\.kind: expected "classification" or "regression"/,
    ],
    ["outputDim", (d) => (d.outputDim = 2), /outputDim: is 2 but the last layer has 1 outputs/],
    ["spans", (d) => (d.spans = [{ name: "x", first: 5, last: 1 }]), /spans\[0\]: layer range/],
  ];
  for (const [what, mutate, pattern] of cases) {
    const d = structuredClone(good);
    mutate(d);
    assert.throws(
      () => networkFromJson(JSON.stringify(d), "net.json"),
      (e: Error) =>
        e instanceof NetworkFileError && /^net\.json: /.test(e.message) && pattern.test(e.message),
      what,
    );
  }
  assert.throws(
    () => networkFromJson('{"format": "memonet-relu-net', "cut.json"),
    /cut\.json: not valid JSON .*truncated/,
  );
});
