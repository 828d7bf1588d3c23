// The memonet command, run as a user would: exit codes, messages, files written or not.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/memonet.js", import.meta.url));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "memonet-cli-"));
}

test("fit → info → eval round trip on Two Moons, text and JSON", () => {
  const dir = tempDir();
  const model = join(dir, "moons.json");
  const fit = run(
    "fit",
    "--data",
    "moons",
    "--size",
    "400",
    "--n",
    "300",
    "--lambda",
    "1",
    "--out",
    model,
  );
  assert.equal(fit.code, 0, fit.stderr);
  assert.match(fit.stdout, /moons\(N=400, noise=0\.05, seed=0\): 400 points, d = 2, 2 classes/);
  assert.match(fit.stdout, /training accuracy\s+1\.000000 on 400 points \(interpolates\)/);
  assert.match(fit.stdout, /model written to/);

  const info = run("info", model, "--json");
  assert.equal(info.code, 0, info.stderr);
  const summary = JSON.parse(info.stdout);
  assert.equal(summary.stats.firstLayerWidth, 300);
  assert.equal(summary.info.interpolates, true);

  const evalRun = run("eval", model, "--data", "moons", "--size", "400", "--json");
  assert.equal(evalRun.code, 0, evalRun.stderr);
  assert.equal(JSON.parse(evalRun.stdout).accuracy, 1);
  // A fresh sample of the same distribution: not memorized, but well classified.
  const fresh = run(
    "eval",
    model,
    "--data",
    "moons",
    "--size",
    "400",
    "--data-seed",
    "9",
    "--json",
  );
  assert.ok(JSON.parse(fresh.stdout).accuracy > 0.9);
});

test("fit --json, Algorithm 1 with ReLU on the paper's parallel lines", () => {
  const r = run("fit", "--data", "lines", "--algorithm", "1", "--activation", "relu", "--json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.info.interpolates, true);
  assert.equal(out.params.algorithm, 1);
  assert.equal(out.params.activation, "relu");
});

test("MNIST 1 vs 9 subset from the CLI; eval on the test split", () => {
  const dir = tempDir();
  const model = join(dir, "m.json");
  const fit = run(
    "fit",
    "--classes",
    "1,9",
    "--split",
    "train",
    "--size",
    "1500",
    "--n",
    "1000",
    "--lambda",
    "0.5",
    "--out",
    model,
    "--json",
  );
  assert.equal(fit.code, 0, fit.stderr);
  const out = JSON.parse(fit.stdout);
  assert.equal(out.info.interpolates, true);
  assert.deepEqual(out.classNames, ["1", "9"]);
  const ev = run("eval", model, "--classes", "1,9", "--split", "test", "--json");
  assert.equal(ev.code, 0, ev.stderr);
  const acc = JSON.parse(ev.stdout).accuracy;
  assert.ok(acc > 0.9 && acc <= 1, `test accuracy ${acc}`);
});

test("bad input: clear one-line errors, non-zero exit, no model file written", () => {
  const dir = tempDir();
  const model = join(dir, "never.json");
  const cases: [string[], RegExp, number][] = [
    [
      ["fit", "--data", "moons", "--n", "0", "--out", model],
      /n \(the first-layer width\) must be an integer >= 1, got 0/,
      1,
    ],
    [
      ["fit", "--data", "moons", "--lambda", "-1", "--out", model],
      /^memonet: error: --lambda: expected a number >= 0, got "-1"/,
      1,
    ],
    [
      ["fit", "--data", "nonsense", "--out", model],
      /^memonet: error: --data: expected one of mnist, fashion-mnist, .*, got "nonsense"/,
      1,
    ],
    [["fit", "--data", "moons", "--frobnicate"], /unknown option '--frobnicate'/, 2],
    [["frobnicate"], /unknown command 'frobnicate'/, 2],
    [["fit", "--data", "csv", "--out", model], /--data csv needs --path <file\.csv>/, 1],
    [
      ["fit", "--data", "csv", "--path", join(dir, "missing.csv"), "--out", model],
      /missing\.csv.*(not found|no such file)/i,
      1,
    ],
    [["fit", "--data", "cifar10", "--path", dir, "--out", model], /data_batch_1\.bin/, 1],
    [
      ["fit", "--classes", "1,x", "--size", "100", "--out", model],
      /mnist: no class named "x"; classes are "0", "1"/,
      1,
    ],
    [
      ["fit", "--data", "moons", "--classes", "1", "--out", model],
      /--classes expects two class names/,
      1,
    ],
    [["info", join(dir, "nothing.json")], /nothing\.json: no such model file/, 1],
  ];
  for (const [args, pattern, code] of cases) {
    const r = run(...args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /, `no stack trace for ${args.join(" ")}`);
  }
  assert.equal(existsSync(model), false);
  assert.deepEqual(readdirSync(dir), []);
});

test("data errors name the file and row; corrupt model files are rejected", () => {
  const dir = tempDir();
  const csv = join(dir, "points.csv");
  writeFileSync(csv, "x,y,label\n0,1,a\n1,0,b\n0,1,b\n");
  const dup = run("fit", "--data", "csv", "--path", csv, "--out", join(dir, "m.json"));
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /points 0 and 2 .* identical features but different labels/);
  writeFileSync(csv, "x,y,label\n0,1,a\n1,nan,b\n");
  const nan = run("fit", "--data", "csv", "--path", csv);
  assert.equal(nan.code, 1);
  assert.match(nan.stderr, /points\.csv.*line 3/);

  const good = join(dir, "good.json");
  assert.equal(run("fit", "--data", "moons", "--size", "100", "--n", "50", "--out", good).code, 0);
  const text = readFileSync(good, "utf8");
  const truncated = join(dir, "truncated.json");
  writeFileSync(truncated, text.slice(0, 1000));
  const t = run("info", truncated);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /truncated\.json: not a valid JSON model file \(truncated or corrupt\?\)/);
  const doc = JSON.parse(text);
  doc.version = 2;
  writeFileSync(truncated, JSON.stringify(doc));
  assert.match(
    run("eval", truncated, "--data", "moons").stderr,
    /version: this memonet reads version 1, the file has 2/,
  );
});

test("fit with hundreds of one-point classes: widths summarized, not listed", () => {
  const dir = tempDir();
  const csv = join(dir, "points.csv");
  const rows = Array.from(
    { length: 300 },
    (_, i) => `${Math.sin(i * 7.1)},${Math.cos(i * 3.3)},c${i}`,
  );
  writeFileSync(csv, `x,y,label\n${rows.join("\n")}\n`);
  const r = run(
    "fit",
    "--data",
    "csv",
    "--path",
    csv,
    "--label-column",
    "label",
    "--n",
    "200",
    "--no-progress",
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /300 classes/);
  assert.match(
    r.stdout,
    /second-layer width .*\(per class: min \d+, median \d+, max \d+ over 300 classes\)/,
  );
  assert.ok(r.stdout.split("\n").length < 30, r.stdout);
  assert.ok(r.stdout.length < 3000, `${r.stdout.length} characters`);
});
