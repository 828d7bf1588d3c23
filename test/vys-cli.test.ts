// `memonet memorize` and `memonet verify` run as a user would, through the CLI's one error
// boundary (user errors and bad option values: one line "memonet: error: …", exit 1).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = (p: string) => JSON.stringify(fileURLToPath(new URL(`../src/${p}`, import.meta.url)));

const HARNESS = `
const { main } = await import(${dist("cli/main.js")});
process.exitCode = await main(process.argv.slice(1));
`;

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", HARNESS, "--", ...args], {
    encoding: "utf8",
    cwd: root,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "memonet-memorize-"));
}

test("memorize → network file → verify, text and JSON (Two Moons)", () => {
  const dir = tempDir();
  const file = join(dir, "net.json");
  const m = run("memorize", "--data", "moons", "--size", "300", "--out", file);
  assert.equal(m.code, 0, m.stderr);
  assert.match(
    m.stdout,
    /memonet memorize: moons\(N=300, noise=0\.05, seed=0\): 300 points, d = 2, 2 classes/,
  );
  assert.match(m.stdout, /theorem\s+3\.1/);
  assert.match(m.stdout, /width\s+12/);
  assert.match(m.stdout, /verified \(exact\)\s+300 of 300 points — F\(x_i\) = y_i for every point/);
  assert.match(m.stdout, /network written to/);
  const doc = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(doc.format, "memonet-relu-network");
  assert.equal(doc.version, 1);
  assert.deepEqual(doc.output.classNames, ["1", "0"]); // Two Moons: class 0 is the inner moon, label "1"

  const v = run("verify", file, "--data", "moons", "--size", "300", "--json");
  assert.equal(v.code, 0, v.stderr);
  const out = JSON.parse(v.stdout);
  assert.equal(out.verification.ok, true);
  assert.equal(out.verification.correct, 300);
  assert.equal(out.metrics.width, 12);

  const j = run(
    "memorize",
    "--data",
    "moons",
    "--size",
    "100",
    "--depth",
    "3",
    "--json",
    "--no-verify",
  );
  assert.equal(j.code, 0, j.stderr);
  const rep = JSON.parse(j.stdout);
  assert.equal(rep.report.theorem, "5.1");
  assert.equal(rep.verification, null);
});

test("verify fails (exit 1) on data the network has not memorized", () => {
  const dir = tempDir();
  const file = join(dir, "net.json");
  assert.equal(
    run("memorize", "--data", "moons", "--size", "200", "--out", file, "--no-verify").code,
    0,
  );
  const v = run("verify", file, "--data", "moons", "--size", "200", "--data-seed", "7");
  assert.equal(v.code, 1);
  assert.match(
    v.stderr,
    /^memonet: error: .*net\.json does not memorize moons.*points wrong \(first: row \d+/m,
  );
});

test("bad options and bad data give one-line errors", () => {
  const depth = run("memorize", "--data", "moons", "--size", "300", "--depth", "100");
  assert.equal(depth.code, 1);
  assert.match(depth.stderr, /memonet: error: depth L must be an integer in 1\.\.⌊√N⌋ = 1\.\.17/);
  const both = run("memorize", "--data", "moons", "--size", "300", "--depth", "2", "--bits", "2");
  assert.equal(both.code, 1);
  assert.match(both.stderr, /^memonet: error: --depth cannot be used with --bits/);
  const eps = run("memorize", "--data", "moons", "--size", "30", "--epsilon", "0");
  assert.equal(eps.code, 1);
  assert.match(eps.stderr, /^memonet: error: --epsilon: expected a number > 0, got "0"/);

  const dir = tempDir();
  const csv = join(dir, "dup.csv");
  writeFileSync(csv, "a,b,label\n0,0,x\n1,1,y\n0.5,2,x\n1,1,x\n");
  const dup = run("memorize", "--data", "csv", "--path", csv, "--no-normalize");
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /duplicate points .*rows 1 and 3 \(0-based\)/);

  const missing = run("verify", join(dir, "nope.json"), "--data", "moons");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.json: no such network file/);
  const corrupt = join(dir, "bad.json");
  writeFileSync(
    corrupt,
    JSON.stringify({ format: "memonet-relu-network", version: 1, inputDim: 2, outputDim: 1 }),
  );
  const bad = run("verify", corrupt, "--data", "moons");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.json: layers: expected a non-empty array/);

  // --out into a missing directory: error, and no file or temporary file left behind.
  const out = join(dir, "no-such-dir", "net.json");
  const w = run("memorize", "--data", "moons", "--size", "50", "--out", out, "--no-verify");
  assert.equal(w.code, 1);
  assert.match(w.stderr, /cannot write/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).sort(), ["bad.json", "dup.csv"]);
});

test("regression from a CSV label column with --epsilon, verified from the file", () => {
  const dir = tempDir();
  const csv = join(dir, "reg.csv");
  const lines = ["x,y,target"];
  for (let i = 0; i < 60; i++)
    lines.push(`${Math.cos(i)},${Math.sin(i * 1.3)},${(Math.sin(i) * 10).toFixed(3)}`);
  writeFileSync(csv, lines.join("\n"));
  const file = join(dir, "reg.json");
  const m = run("memorize", "--data", "csv", "--path", csv, "--epsilon", "0.01", "--out", file);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /ε-intervals, ε = 0\.01/);
  assert.match(m.stdout, /verified \(exact\)\s+60 of 60 points/);
  const v = run("verify", file, "--data", "csv", "--path", csv);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /60 of 60 points/);
});

test("MNIST: the stored preprocessing reproduces the training features for verify", () => {
  const dir = tempDir();
  const file = join(dir, "mnist.json");
  const m = run(
    "memorize",
    "--data",
    "mnist",
    "--size",
    "300",
    "--intervals",
    "optimal",
    "--out",
    file,
    "--json",
  );
  assert.equal(m.code, 0, m.stderr);
  const rep = JSON.parse(m.stdout);
  assert.equal(rep.verification.ok, true);
  assert.equal(rep.report.data.dim, 784);
  assert.equal(rep.report.split.policy, "optimal");
  const doc = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(doc.preprocessing.pixelMax, 255);
  const v = run("verify", file, "--data", "mnist", "--size", "300");
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /300 of 300 points — F\(x_i\) = y_i for every point/);
});
