// The error hierarchy, the CLI's one error boundary, the file module, base64, validation and
// the hardened model/results files.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BackendUnavailableError,
  DataError,
  MemonetError,
  NotFittedError,
  OptionError,
  errorFromName,
} from "../src/errors.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { modelFromJson, modelToJson } from "../src/dfg/modelFile.js";
import { resolveParams } from "../src/dfg/params.js";
import { getKernels } from "../src/ops/index.js";
import { makeMoons } from "../src/data/generators.js";
import { ResultsAppender } from "../src/sweeps/appender.js";
import { resultColumns } from "../src/sweeps/results.js";
import { writeFileAtomic } from "../src/node/files.js";
import { decodeBase64, encodeBase64 } from "../src/util/base64.js";
import { VerificationError } from "../src/cli/memorizeCommands.js";
import { ExperimentError } from "../src/sweeps/errors.js";
import { fitNet } from "./helpers.js";

const bin = fileURLToPath(new URL("../../bin/memonet.js", import.meta.url));
const tempDir = () => mkdtempSync(join(tmpdir(), "memonet-infra-"));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test("every user error is a MemonetError and crosses threads by name", () => {
  for (const E of [DataError, OptionError, NotFittedError, VerificationError, ExperimentError]) {
    const e = new E("x");
    assert.ok(e instanceof MemonetError);
    assert.equal(e.name, E.name);
    const back = errorFromName(e.name, "y");
    assert.ok(back instanceof E && back.message === "y");
  }
  assert.equal(errorFromName("TypeError", "z"), undefined);
  assert.equal(errorFromName("constructor", "z"), undefined);
  assert.throws(() => new InterpolatingNetwork().model, NotFittedError);
  assert.throws(() => getKernels("gpu" as "auto"), BackendUnavailableError);
});

test("every CLI command with bad input: exit != 0, one 'memonet: error:' line, no stack", () => {
  const dir = tempDir();
  const junk = join(dir, "junk.json");
  writeFileSync(junk, "{not json");
  const csv = join(dir, "bad.csv");
  writeFileSync(csv, "x,label\n1,a\n");
  const cases: string[][] = [
    ["fit", "--data", "moons", "--n", "1e12", "--max-width", "1e12"],
    ["fit", "--data", "moons", "--lambda", "1e308"],
    ["fit", "--data", "moons", "--n", "0"],
    ["fit", "--data", "csv", "--path", csv],
    ["fit", "--data", "moons", "--frobnicate"],
    ["eval", junk, "--data", "moons"],
    ["info", junk],
    ["info", join(dir, "none.json")],
    ["memorize", "--data", "moons", "--depth", "0"],
    ["verify", junk, "--data", "moons"],
    ["sweep", "list", "--nonsense"],
    ["sweep", "run", "no-such-experiment"],
    ["sweep", "merge", "no-such-experiment"],
    ["sweep", "slurm", "no-such-experiment"],
    ["plot", join(dir, "none.csv")],
    ["reproduce", "no-such-experiment"],
    ["nonsense"],
  ];
  for (const args of cases) {
    const r = run(args);
    assert.notEqual(r.code, 0, args.join(" "));
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(lines[0], /^memonet: error: /, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /, args.join(" "));
  }
  assert.deepEqual(readdirSync(dir).sort(), ["bad.csv", "junk.json"]);
});

test("fit --backend native where the addon cannot load: one-line BackendUnavailableError", () => {
  const dir = tempDir();
  const script = join(dir, "run.mjs");
  const main = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const kernels = fileURLToPath(new URL("../src/ops/index.js", import.meta.url));
  writeFileSync(
    script,
    `import { main } from ${JSON.stringify(main)};\n` +
      `import { registerBackend } from ${JSON.stringify(kernels)};\n` +
      `registerBackend("native", 20, () => { throw new Error("addon not built"); });\n` +
      `process.exitCode = await main(process.argv.slice(2));\n`,
  );
  const r = spawnSync(process.execPath, [script, "fit", "--data", "moons", "--backend", "native"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /^memonet: error: kernel backend "native" is not available here: addon not built/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("hyperparameters: sizes and λ within bounds, n never blamed on maxWidth", () => {
  assert.throws(
    () => resolveParams({ n: 1e12 }),
    /n \(the first-layer width\) must be at most 2\^27/,
  );
  assert.throws(() => resolveParams({ n: 1e300 }), /^OptionError: n \(the first-layer width\)/);
  assert.throws(() => resolveParams({ lambda: 1e308 }), /float32 range/);
  assert.equal(resolveParams({ n: 200_000 }).n, 200_000);
  assert.throws(() => resolveParams({ algorithm: 1, n: 10, maxWidth: 5 }), /maxWidth/);
});

test("base64: Buffer and browser coders agree with each other and reject bad text", () => {
  for (const n of [0, 1, 2, 3, 4, 5, 100, 3 * 65536 + 1, 200_001]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 7919) & 255);
    const a = encodeBase64(bytes, true);
    const b = encodeBase64(bytes, false);
    assert.equal(a, b, `n = ${n}`);
    assert.equal(a, Buffer.from(bytes).toString("base64"));
    assert.deepEqual(decodeBase64(a, false), bytes);
    assert.deepEqual(new Uint8Array(decodeBase64(a, true)), bytes);
  }
  assert.throws(() => decodeBase64("QUJD\u00e9A=="), /invalid base64 character at position 4/);
  assert.throws(() => decodeBase64("QU=D"), /invalid base64 character at position 2/);
  assert.throws(() => decodeBase64("QUJ"), /not a multiple of 4/);
});

test("atomic writes: one-line error naming the path, no temporary file left", async () => {
  const dir = tempDir();
  const blocker = join(dir, "file");
  writeFileSync(blocker, "x");
  await assert.rejects(
    writeFileAtomic(join(blocker, "out.json"), "text"),
    (e: Error) =>
      e instanceof MemonetError && /cannot write .*out\.json: .*\(ENOTDIR\)/.test(e.message),
  );
  await assert.rejects(writeFileAtomic(dir, "text"), /cannot write .*: is a directory/);
  await writeFileAtomic(join(dir, "ok.txt"), ["a", new Uint8Array([98])]);
  assert.equal(readFileSync(join(dir, "ok.txt"), "utf8"), "ab");
  assert.deepEqual(readdirSync(dir).sort(), ["file", "ok.txt"]);
});

test("model files: byte-identical across backends, validated info, scale, weights and classes", async () => {
  const moons = makeMoons(300, 0.1, 3);
  const a = await fitNet(moons, { n: 300, lambda: 0.5, seed: 2 });
  const b = await fitNet(moons, { n: 300, lambda: 0.5, seed: 2 }, getKernels("wasm"));
  const c = await fitNet(moons, { n: 300, lambda: 0.5, seed: 2 }, getKernels("reference"));
  const text = modelToJson(a.model);
  assert.equal(text, modelToJson(b.model));
  assert.equal(text, modelToJson(c.model));
  assert.doesNotMatch(text, /fitSeconds|"backend"/);
  assert.match(modelToJson(a.model, { timings: true }), /fitSeconds/);
  const loaded = modelFromJson(text, "m.json");
  assert.equal(modelToJson(loaded), text);
  const bad = (change: (d: Record<string, unknown>) => void, pattern: RegExp) => {
    const d = JSON.parse(text) as Record<string, unknown>;
    change(d);
    assert.throws(() => modelFromJson(JSON.stringify(d), "m.json"), pattern);
  };
  bad((d) => delete d.info, /m\.json: info: expected an object/);
  bad((d) => ((d.info as Record<string, unknown>).trainingSize = "x"), /info\.trainingSize/);
  bad((d) => (d.classNames = ["a", "a"]), /classNames\[1\]: "a" appears twice/);
  bad(
    (d) => (d.preprocessing = { scale: 0 }),
    /preprocessing\.scale: expected a finite number > 0/,
  );
  bad((d) => (d.preprocessing = { scale: -1 }), /preprocessing\.scale/);
  bad((d) => {
    const fl = d.firstLayer as { bias: { base64: string } };
    const bytes = decodeBase64(fl.bias.base64);
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(0, NaN, true);
    fl.bias.base64 = encodeBase64(bytes);
  }, /firstLayer\.bias: entry 0 is NaN, expected a finite number/);
  const deep = "[".repeat(100_000) + "1" + "]".repeat(100_000);
  const nested = text.replace('"info":{', `"info":{"extra":${deep},`);
  const m = modelFromJson(nested, "m.json");
  assert.equal("extra" in m.info, false);
});

test("results files: a second writer is refused naming the first; stale locks are taken over", async () => {
  const dir = tempDir();
  const path = join(dir, "r.csv");
  const columns = resultColumns(1);
  const first = await ResultsAppender.open(path, columns);
  await assert.rejects(
    ResultsAppender.open(path, columns),
    new RegExp(`being written by another memonet process \\(pid ${process.pid} on `),
  );
  first.appender.close();
  assert.equal(existsSync(`${path}.lock`), false);
  writeFileSync(`${path}.lock`, `999999999 ${(await import("node:os")).hostname()}\n`);
  const again = await ResultsAppender.open(path, columns);
  again.appender.close(true);
  assert.equal(existsSync(path), false, "a header-only file is removed after a failed run");
  assert.equal(existsSync(`${path}.lock`), false);
  writeFileSync(path, `\ufeff${columns.join(",")}\n`);
  const bom = await ResultsAppender.open(path, columns);
  assert.equal(bom.rows.length, 0);
  bom.appender.close();
});
