// Resource limits of network files and exact evaluation (issue 11, item 2): hostile numbers and
// sizes are refused before anything is allocated or evaluated, with one line and quickly; the
// limits admit what the construction produces at its extremes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DataError, NetworkFileError, ResourceLimitError } from "../src/errors.js";
import { makeMoons } from "../src/data/generators.js";
import { normalizeRadius } from "../src/data/preprocess.js";
import { bitLength } from "../src/vys/dyadic.js";
import { memorize } from "../src/vys/memorize.js";
import {
  NUMBER_BITS_BASE,
  networkFromJson,
  networkToJson,
  numberBitsLimit,
  storedOutput,
} from "../src/vys/networkFile.js";
import type { ReluNetwork } from "../src/vys/network.js";
import { type MemorizationProblem, problemFromDataset } from "../src/vys/problem.js";
import { verifyNetwork } from "../src/vys/verify.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = JSON.stringify(fileURLToPath(new URL("../src/cli/main.js", import.meta.url)));
const HARNESS = `
const { main } = await import(${cli});
process.exitCode = await main(process.argv.slice(1));
`;

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", HARNESS, "--", ...args], {
    encoding: "utf8",
    cwd: root,
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// The file: Two Moons, N = 300 (a 111 KB network file, 462 layers).
const moons = normalizeRadius(makeMoons(300, 0.05, 0));
const problem = problemFromDataset(moons);
const built = memorize(problem);
const text = networkToJson({
  network: built.network,
  output: storedOutput(built.output, moons.classNames),
});
type Doc = { layers: { outputs: number; weights: [number, number, string, number][] }[] };
const good = JSON.parse(text) as Doc;

function edited(edit: (d: Doc) => void): string {
  const d = structuredClone(good);
  edit(d);
  return JSON.stringify(d);
}

/** Runs `f`, which must throw an error of `cls` matching `pattern` within `ms` milliseconds. */
function refusedQuickly(
  f: () => unknown,
  cls: new (...args: never[]) => Error,
  pattern: RegExp,
  ms: number,
): void {
  const t0 = performance.now();
  assert.throws(
    f,
    (e: Error) => e instanceof cls && pattern.test(e.message) && !/\n/.test(e.message),
  );
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < ms, `refused after ${elapsed.toFixed(0)} ms (limit ${ms} ms)`);
}

test("the issue's cases: exponents ±1e9 and 1e9 declared outputs are refused at once", () => {
  assert.ok(text.length > 100_000 && text.length < 125_000, `file of ${text.length} bytes`);
  const limit = numberBitsLimit(good.layers.length);
  const exp = (e: number) => edited((d) => (d.layers[5].weights[0][3] = e));
  for (const e of [-1e9, 1e9]) {
    refusedQuickly(
      () => networkFromJson(exp(e), "net.json"),
      NetworkFileError,
      new RegExp(
        `^net\\.json: layers\\[5\\]\\.weights\\[0\\]: exponent must be an integer in −${limit}\\.\\.${limit} .*, got ${e}$`,
      ),
      2000,
    );
  }
  refusedQuickly(
    () =>
      networkFromJson(
        edited((d) => (d.layers[5].outputs = 1e9)),
        "net.json",
      ),
    NetworkFileError,
    /^net\.json: layers\[5\]\.outputs: declares 1000000000 neurons but the layer has only \d+ weights and biases/,
    2000,
  );
  // Beyond int32 too, and a mantissa of a million digits (refused before BigInt parses it).
  refusedQuickly(
    () =>
      networkFromJson(
        edited((d) => (d.layers[5].outputs = 2 ** 40)),
        "net.json",
      ),
    NetworkFileError,
    /layers\[5\]\.outputs: expected a positive integer <= 2\^31 − 1, found 1099511627776/,
    2000,
  );
  refusedQuickly(
    () =>
      networkFromJson(
        edited((d) => (d.layers[5].weights[0][2] = "9".repeat(1e6))),
        "n.json",
      ),
    NetworkFileError,
    /layers\[5\]\.weights\[0\]: mantissa must be a decimal or 0x-hex integer string of at most \d+ bits/,
    2000,
  );
  // At the limit the number is accepted, one beyond it is not.
  assert.doesNotThrow(() => networkFromJson(exp(-limit), "net.json"));
  assert.throws(() => networkFromJson(exp(limit + 1), "net.json"), NetworkFileError);
});

test("numbers within the file's limits that would blow up evaluation stop with a budget error", () => {
  const limit = numberBitsLimit(good.layers.length);
  const everyWeight = (f: (w: [number, number, string, number], l: number) => void) =>
    networkFromJson(
      edited((d) => d.layers.forEach((layer, l) => layer.weights.forEach((w) => f(w, l)))),
      "net.json",
    ).network;
  // Every exponent at +limit − 1: numerators would be shifted by ~limit bits per layer.
  const shifted = everyWeight((w) => (w[3] = limit - 1));
  refusedQuickly(
    () => verifyNetwork(shifted, problem),
    ResourceLimitError,
    /bits, more than/,
    5000,
  );
  // Every mantissa as long as allowed: values grow by ~limit bits per layer.
  const long = `0x${"f".repeat(Math.floor(limit / 4))}`;
  const grown = everyWeight((w) => (w[2] = long));
  refusedQuickly(() => verifyNetwork(grown, problem), ResourceLimitError, /exceeds 2\^\d+/, 10000);
  // The same networks against a small memory budget and a zero time budget.
  refusedQuickly(
    () => verifyNetwork(built.network, problem, { limits: { maxMemoryBytes: 1024 } }),
    ResourceLimitError,
    /could need more than 0 MiB of memory/,
    2000,
  );
  assert.throws(
    () => verifyNetwork(built.network, problem, { limits: { seconds: 0 } }),
    (e: Error) => e instanceof ResourceLimitError && /time limit/.test(e.message),
  );
  assert.equal(verifyNetwork(built.network, problem, { limits: { seconds: 600 } }).ok, true);
});

test("memonet verify: a hostile file gives one line and exit 1; the time limit is an option", () => {
  const dir = mkdtempSync(join(tmpdir(), "memonet-limits-"));
  const bad = join(dir, "net.json");
  writeFileSync(
    bad,
    edited((d) => (d.layers[5].weights[0][3] = -1e9)),
  );
  const data = ["--data", "moons", "--size", "300", "--no-progress"];
  const r = run("verify", bad, ...data);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^memonet: error: .*net\.json: layers\[5\]\.weights\[0\]: exponent must be/,
  );
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  const ok = join(dir, "ok.json");
  writeFileSync(ok, text);
  const slow = run("verify", ok, ...data, "--time-limit", "0.000001");
  assert.equal(slow.code, 1, slow.stderr);
  assert.match(
    slow.stderr,
    /^memonet: error: .*ok\.json: exact evaluation: stopped at the time limit; limits: --time-limit 0\.000001 s/,
  );
  assert.equal(slow.stderr.trim().split("\n").length, 1, slow.stderr);
});

/** The largest |exponent| and mantissa bits of a network's numbers. */
function extremes(net: ReluNetwork): { exponent: number; mantissa: number } {
  let exponent = 0;
  let mantissa = 0;
  for (const layer of net.layers) {
    for (const v of [...layer.values, ...layer.biases]) {
      if (v.m === 0n) continue;
      exponent = Math.max(exponent, Math.abs(v.e));
      mantissa = Math.max(mantissa, bitLength(v.m));
    }
  }
  return { exponent, mantissa };
}

function roundTripsAndVerifies(p: MemorizationProblem): { depth: number; mantissa: number } {
  const result = memorize(p);
  const net = result.network;
  const back = networkFromJson(
    networkToJson({ network: net, output: storedOutput(result.output) }),
  );
  assert.equal(verifyNetwork(back.network, p).ok, true);
  const x = extremes(net);
  const limit = numberBitsLimit(net.layers.length);
  assert.ok(x.exponent <= limit && x.mantissa <= limit, JSON.stringify({ ...x, limit }));
  return { depth: net.layers.length, mantissa: x.mantissa };
}

test("the limits admit the construction's extremes (float64 targets and ε at the ends of the range)", () => {
  // Remark 3.3 with t = 1.7e308 and ε = 2^−1074: the output bias t − ε/2 has 2 099 bits, beyond
  // a base of 2 048 (depth 18), within NUMBER_BITS_BASE = 4 096.
  const wide = roundTripsAndVerifies({
    points: Float64Array.from([0, 1]),
    dim: 1,
    targets: Float64Array.from([1.7e308, 1.7e308]),
    epsilon: 5e-324,
  });
  assert.ok(
    wide.mantissa > 2048 + wide.depth && wide.mantissa <= NUMBER_BITS_BASE,
    `${wide.mantissa}`,
  );
  // Targets across the whole float64 range: 2^29 intervals.
  roundTripsAndVerifies({
    points: Float64Array.from([0, 1, 3]),
    dim: 1,
    targets: Float64Array.from([-1.7e308, 1.7e308, 0]),
    epsilon: 1.7e308 / 2 ** 29,
  });
  // More intervals than an int32 label holds: refused (they used to wrap around silently).
  assert.throws(
    () =>
      memorize({
        points: Float64Array.from([0, 1]),
        dim: 1,
        targets: Float64Array.from([-1.7e308, 1.7e308]),
        epsilon: 1.7e308 / 2 ** 40,
      }),
    (e: Error) => e instanceof DataError && /more than 2\^31 − 1 intervals/.test(e.message),
  );
});
