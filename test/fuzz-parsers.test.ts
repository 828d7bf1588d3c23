// Fuzzing every parser of user files with fast-check (issue 11): CSV, .npy, IDX, CIFAR-10
// binary, model file, network file, experiment configuration and results file. Each gets random
// input and mutations of a valid file (byte flips, truncation, inserted bytes, 32-bit edits;
// for text and JSON: character edits, cut lines, numbers replaced by extreme values, fields
// replaced or removed). The property: a valid result or a typed MemonetError with a one-line
// message, never another exception, and each case within CASE_MS (no hang). A bounded number
// of cases per parser keeps the file at a few seconds; FUZZ_RUNS=n runs n per parser instead.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { DataError, MemonetError } from "../src/errors.js";
import type { Dataset } from "../src/data/dataset.js";
import { parseCsv } from "../src/data/csv.js";
import { parseNpy } from "../src/data/npy.js";
import { parseIdx } from "../src/data/idx.js";
import { parseCifar10Batch } from "../src/data/cifar10.js";
import { makeMoons } from "../src/data/generators.js";
import { normalizeRadius } from "../src/data/preprocess.js";
import { modelFromJson, modelToJson } from "../src/dfg/modelFile.js";
import { memorize } from "../src/vys/memorize.js";
import { networkFromJson, networkToJson, storedOutput } from "../src/vys/networkFile.js";
import { problemFromDataset } from "../src/vys/problem.js";
import { parseExperiment } from "../src/sweeps/config.js";
import { formatRow, parseResults, resultColumns } from "../src/sweeps/results.js";
import { fitNet } from "./helpers.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
/**
 * The slowest a single case may be. Parsing these few-KB inputs takes well under 10 ms; the
 * margin absorbs garbage collection on a loaded machine, while a hang (the network files
 * ran for minutes) still fails.
 */
const CASE_MS = 5000;

/**
 * Asserts the property for `parse` over `inputs`: a result (checked by `valid`) or a
 * MemonetError with a one-line message, within CASE_MS per case.
 */
function fuzz<T, R>(
  name: string,
  inputs: fc.Arbitrary<T>,
  parse: (input: T) => R,
  valid: (result: R) => void = () => {},
  runs = RUNS,
): void {
  let results = 0;
  let errors = 0;
  fc.assert(
    fc.property(inputs, (input) => {
      const t0 = performance.now();
      let result: R;
      try {
        result = parse(input);
      } catch (e) {
        if (!(e instanceof MemonetError)) {
          throw new Error(`${name}: not a MemonetError: ${(e as Error)?.stack ?? String(e)}`);
        }
        assert.ok(!e.message.includes("\n"), `${name}: a message of several lines: ${e.message}`);
        assert.ok(e.message.length > 0, `${name}: an empty message`);
        errors++;
        return;
      } finally {
        const ms = performance.now() - t0;
        assert.ok(ms < CASE_MS, `${name}: one case took ${ms.toFixed(0)} ms`);
      }
      valid(result);
      results++;
    }),
    { numRuns: Math.ceil(runs), seed: SEED, endOnFailure: true },
  );
  // Both outcomes must occur: a fuzzer that only ever errors (or never does) tests too little.
  assert.ok(results > 0 && errors > 0, `${name}: ${results} results, ${errors} errors`);
}

// ---- mutations --------------------------------------------------------------------------

const EXTREMES = [
  "-1e9",
  "1e9",
  "1e15",
  "-1",
  "0",
  "-0",
  "0.5",
  "1e308",
  "-1e308",
  "1e999",
  "5e-324",
  "9007199254740993",
  "4294967295",
  "2147483648",
  "NaN",
  "Infinity",
  '""',
  "null",
  "[]",
  "{}",
  "true",
];

/** Byte-level mutations of `base`, and random bytes. */
function bytesFrom(base: Uint8Array, bigEndian = false): fc.Arbitrary<Uint8Array> {
  const n = base.length;
  const flip = fc
    .array(fc.tuple(fc.nat(n - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((edits) => {
      const out = base.slice();
      for (const [i, v] of edits) out[i] = v;
      return out;
    });
  const cut = fc.nat(n).map((k) => base.slice(0, k));
  const insert = fc
    .tuple(fc.nat(n), fc.uint8Array({ minLength: 1, maxLength: 16 }))
    .map(([at, extra]) => {
      const out = new Uint8Array(n + extra.length);
      out.set(base.subarray(0, at));
      out.set(extra, at);
      out.set(base.subarray(at), at + extra.length);
      return out;
    });
  const word = fc
    .tuple(
      fc.nat(Math.max(0, n - 4)),
      fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x80000000, 3073), fc.nat()),
    )
    .map(([at, v]) => {
      const out = base.slice();
      new DataView(out.buffer).setUint32(at, v >>> 0, !bigEndian);
      return out;
    });
  return fc.oneof(flip, cut, insert, word, fc.uint8Array({ maxLength: 64 }));
}

/** Character-level and number-token mutations of `base`, and random text. */
function textFrom(base: string): fc.Arbitrary<string> {
  const n = base.length;
  const numbers = [...base.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)].map((m) => [m.index, m[0].length]);
  const numeric = fc
    .tuple(fc.nat(numbers.length - 1), fc.constantFrom(...EXTREMES))
    .map(([k, v]) => {
      const [at, len] = numbers[k];
      return base.slice(0, at) + v + base.slice(at + len);
    });
  const edit = fc
    .array(
      fc.tuple(
        fc.nat(n - 1),
        fc.constantFrom(",", '"', "\n", "\r", "x", "-", ".", "\u0000", "\uFEFF", " "),
      ),
      {
        minLength: 1,
        maxLength: 4,
      },
    )
    .map((edits) => {
      let s = base;
      for (const [i, c] of edits) s = s.slice(0, i) + c + s.slice(i + 1);
      return s;
    });
  const cut = fc.nat(n).map((k) => base.slice(0, k));
  const lines = base.split("\n");
  const dropLine = fc.nat(lines.length - 1).map((k) => lines.filter((_, i) => i !== k).join("\n"));
  const dupLine = fc
    .nat(lines.length - 1)
    .map((k) => [...lines.slice(0, k + 1), ...lines.slice(k)].join("\n"));
  return fc.oneof(numeric, edit, cut, dropLine, dupLine, fc.string({ maxLength: 80 }));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path (keys and indices) into a JSON value, arrays sampled to their first 3 entries. */
function paths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.slice(0, 3).forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  }
  return out;
}

/** `doc` with the value at `path` replaced (or removed when `value` is undefined). */
function replaced(doc: Json, path: (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let at: Record<string | number, Json> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(at)) at.splice(last as number, 1);
    else delete at[last];
  } else at[last] = value;
  return copy as Json;
}

/** Structural mutations of a JSON document (as text), plus the text mutations of its text. */
function jsonFrom(doc: Json): fc.Arbitrary<string> {
  const all = paths(doc);
  const extreme = fc.constantFrom<Json>(
    -1e9,
    1e9,
    1e15,
    -1,
    0,
    0.5,
    1e308,
    -1e308,
    5e-324,
    2 ** 53 + 2,
    "",
    "0x",
    "-0x1",
    "9".repeat(400),
    null,
    true,
    [],
    {},
  );
  const value = fc.oneof(extreme, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);
  const edits = fc
    .array(fc.tuple(fc.nat(all.length - 1), fc.option(value, { nil: undefined })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((list) => {
      let d = doc;
      for (const [k, v] of list) {
        try {
          d = replaced(d, all[k], v);
        } catch {
          // the path no longer exists after an earlier edit
        }
      }
      return JSON.stringify(d);
    });
  return fc.oneof(
    { weight: 3, arbitrary: edits },
    { weight: 1, arbitrary: textFrom(JSON.stringify(doc)) },
  );
}

/** A parsed data set must be internally consistent. */
function consistentDataset(ds: Dataset): void {
  assert.equal(ds.features.length, ds.size * ds.dim);
  assert.equal(ds.labels.length, ds.size);
  for (const k of ds.labels) assert.ok(k >= 0 && k < ds.classNames.length);
  for (const v of ds.features) assert.ok(Number.isFinite(v));
}

test("a MemonetError's message is one line, whatever it quotes", () => {
  // Found by this fuzzer: an .npy header, a results-file header and JSON strings with line breaks
  // were quoted into messages of several lines.
  assert.equal(
    new DataError('f.csv: field "a\nb\r\u0000"').message,
    'f.csv: field "a\\nb\\r\\u0000"',
  );
});

// ---- the parsers --------------------------------------------------------------------------

test("fuzz: CSV", () => {
  const base = "x,y,label\n0.5,1,a\n-2,3.25,b\n1e-3,4,a\n7,8,c\n";
  fuzz("csv", textFrom(base), (t) => parseCsv(t, "f.csv"), consistentDataset);
  fuzz(
    "csv (label column)",
    textFrom(base),
    (t) => parseCsv(t, "f.csv", { labelColumn: "label" }),
    consistentDataset,
    RUNS / 3,
  );
});

test("fuzz: .npy", () => {
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  const text = header.padEnd(total - 11, " ") + "\n";
  const base = new Uint8Array(total + 24);
  base.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(base.buffer).setUint16(8, text.length, true);
  base.set(new TextEncoder().encode(text), 10);
  new Float32Array(base.buffer, total, 6).set([1, 2, 3, 4, 5, 6]);
  assert.deepEqual(parseNpy(base, "x.npy").shape, [3, 2]);
  fuzz(
    "npy",
    bytesFrom(base),
    (b) => parseNpy(b, "x.npy"),
    (a) => {
      assert.equal(
        a.data.length,
        a.shape.reduce((p, q) => p * q, 1),
      );
    },
  );
});

test("fuzz: IDX", () => {
  const base = new Uint8Array(4 + 12 + 2 * 3 * 2);
  base[2] = 0x08;
  base[3] = 3;
  const view = new DataView(base.buffer);
  [2, 3, 2].forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 16; i < base.length; i++) base[i] = i * 7;
  assert.deepEqual(parseIdx(base, "x.idx").dims, [2, 3, 2]);
  fuzz(
    "idx",
    bytesFrom(base, true),
    (b) => parseIdx(b, "x.idx"),
    (a) => {
      assert.equal(
        a.data.length,
        a.dims.reduce((p, q) => p * q, 1),
      );
    },
  );
});

test("fuzz: CIFAR-10 binary", () => {
  const base = new Uint8Array(2 * 3073);
  base[0] = 3;
  base[3073] = 9;
  for (let i = 1; i < 3073; i++) base[i] = base[3073 + i] = (i * 13) % 256;
  assert.equal(parseCifar10Batch(base, "b.bin").size, 2);
  fuzz(
    "cifar10",
    bytesFrom(base),
    (b) => parseCifar10Batch(b, "b.bin"),
    consistentDataset,
    RUNS / 2,
  );
});

test("fuzz: model file", async () => {
  const moons = normalizeRadius(makeMoons(40, 0.05, 1));
  const net = await fitNet(moons, { n: 12, lambda: 0.5, seed: 3 });
  const doc = JSON.parse(modelToJson({ ...net.model, preprocessing: { scale: 0.5 } })) as Json;
  fuzz(
    "model file",
    jsonFrom(doc),
    (t) => modelFromJson(t, "m.json"),
    (m) => {
      assert.ok(m.classNames.length >= 2 && new Set(m.classNames).size === m.classNames.length);
      assert.equal(m.firstLayer.weights.length, m.firstLayer.width * m.firstLayer.dim);
    },
  );
});

test("fuzz: network file", () => {
  const moons = normalizeRadius(makeMoons(12, 0.05, 2));
  const result = memorize(problemFromDataset(moons));
  const doc = JSON.parse(
    networkToJson({
      network: result.network,
      output: storedOutput(result.output, moons.classNames),
      preprocessing: { scale: 0.5 },
    }),
  ) as Json;
  fuzz(
    "network file",
    jsonFrom(doc),
    (t) => networkFromJson(t, "n.json"),
    (d) => {
      assert.equal(d.network.layers[d.network.layers.length - 1].outputs, d.network.outputDim);
    },
  );
});

test("fuzz: experiment configuration", () => {
  const path = fileURLToPath(new URL("../../experiments/moons.json", import.meta.url));
  const doc = JSON.parse(readFileSync(path, "utf8")) as Json;
  fuzz("experiment config", jsonFrom(doc), (t) => parseExperiment(t, "moons", "moons.json"));
});

test("fuzz: results file", () => {
  const columns = resultColumns(1);
  const row = {
    activation: "threshold" as const,
    dataset: "moons_N100",
    lambda: 1,
    n: 10,
    restart: 0,
    score: 0.99,
    fitTime: 0.0123,
    scoreTime: 0.001,
    firstDimIn: 2,
    firstDimOut: 10,
    perClass: [{ classIndex: 0, dimIn: 10, dimOut: 4 }],
    secondDimIn: 10,
    secondDimOut: 4,
    interpolated: true,
    samples: 100,
    seed: 12345,
  };
  const base =
    columns.join(",") +
    "\n" +
    formatRow(row, columns) +
    formatRow({ ...row, restart: 1, score: 1 }, columns) +
    formatRow({ ...row, lambda: 0.5, activation: "relu" }, columns);
  assert.equal(parseResults(base, "r.csv").rows.length, 3);
  fuzz("results file", textFrom(base), (t) => parseResults(t, "r.csv"));
});
