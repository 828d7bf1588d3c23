// The independent Python checker of network files (scripts/verify_network.py: stdlib only,
// integers only, no memonet code) against networks memonet builds — classification, regression,
// --depth, --bits, MNIST images with the pixel preprocessing — and against tampered files.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../src/random/rng.js";
import { stratifiedNestedSubsets } from "../src/data/preprocess.js";
import { loadMnist, mnistDataDirectory } from "../src/node/loaders.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const checker = join(root, "scripts", "verify_network.py");
const python = spawnSync("python3", ["--version"], { encoding: "utf8" });
const skip = python.status === 0 ? false : "python3 is not installed: the checker is not run";

function memonet(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(root, "bin", "memonet.js"), ...args], {
    encoding: "utf8",
    cwd: root,
  });
  assert.equal(r.status, 0, `memonet ${args.join(" ")}: ${r.stderr}`);
}

function check(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync("python3", [checker, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertVerified(net: string, points: number, ...data: string[]): void {
  const r = check(net, ...data);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^ok: ${points} of ${points} points memorized exactly`, "m"));
}

/** Random CSV data with a header: `count` rows of `dim` numbers and a label from `label`. */
function writeCsv(path: string, count: number, dim: number, label: (rng: Rng) => string): void {
  const rng = new Rng(17);
  const names = Array.from({ length: dim }, (_, j) => `x${j}`);
  const lines = [[...names, "y"].join(",")];
  for (let i = 0; i < count; i++) {
    // Decimal texts of various lengths: most are not float32 values, so the file's rounding
    // steps (text → float64 → float32, then the scale) are exercised.
    const row = names.map((_, j) => (rng.normal() * 3).toPrecision(4 + ((i + j) % 14)));
    lines.push([...row, label(rng)].join(","));
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

/** Flips the lowest bit of the weight with the longest mantissa (a crafted integer of stage II). */
function tamper(from: string, to: string): void {
  const doc = JSON.parse(readFileSync(from, "utf8")) as {
    layers: { weights: [number, number, string, number][] }[];
  };
  let best: [string, number, number] | undefined;
  doc.layers.forEach((layer, l) =>
    layer.weights.forEach((w, k) => {
      const digits = w[2].replace(/^-?(0x)?/, "");
      if (best === undefined || digits.length > best[0].length) best = [digits, l, k];
    }),
  );
  assert.ok(best !== undefined);
  const w = doc.layers[best[1]].weights[best[2]];
  const m = BigInt(w[2]) ^ 1n;
  w[2] = m < 0n ? `-0x${(-m).toString(16)}` : `0x${m.toString(16)}`;
  writeFileSync(to, JSON.stringify(doc));
}

test("python checker: classification, --depth, --bits and regression networks", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "memonet-checker-"));
  const cls = join(dir, "cls.csv");
  writeCsv(cls, 90, 4, (rng) => ["a", "b", "c"][Math.floor(rng.uniform() * 3)]);
  for (const extra of [[], ["--depth", "3"], ["--bits", "4"]]) {
    const net = join(dir, `cls${extra.join("")}.json`);
    memonet("memorize", "--data", "csv", "--path", cls, "--no-verify", "--out", net, ...extra);
    assertVerified(net, 90, "--csv", cls);
  }
  const reg = join(dir, "reg.csv");
  writeCsv(reg, 70, 3, (rng) => (rng.uniform() * 20 - 10).toFixed(5));
  const regNet = join(dir, "reg.json");
  memonet("memorize", "--data", "csv", "--path", reg, "--epsilon", "0.01", "--out", regNet);
  assertVerified(regNet, 70, "--csv", reg, "--label-column", "y");
  // The same data unscaled (--no-normalize: scale 1).
  const raw = join(dir, "raw.json");
  memonet("memorize", "--data", "csv", "--path", cls, "--no-normalize", "--out", raw);
  assertVerified(raw, 90, "--csv", cls);
});

test(
  "python checker: MNIST images (pixels / 255, then the scale, each rounded)",
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "memonet-checker-"));
    const net = join(dir, "mnist.json");
    memonet("memorize", "--data", "mnist", "--split", "train", "--size", "120", "--out", net);
    // The rows of that subset (memonet's stratified order); the checker reads the IDX files.
    const [rows] = stratifiedNestedSubsets(await loadMnist({ split: "train" }), [120], 0);
    const rowsFile = join(dir, "rows.txt");
    writeFileSync(rowsFile, Array.from(rows).join("\n"));
    const idx = mnistDataDirectory();
    const data = [
      "--idx",
      join(idx, "train-images-idx3-ubyte"),
      join(idx, "train-labels-idx1-ubyte"),
      "--rows",
      rowsFile,
    ];
    assertVerified(net, 120, ...data);
    // Tampered: one bit of a crafted integer flipped. The points it encodes are now wrong.
    const bad = join(dir, "tampered.json");
    tamper(net, bad);
    const r = check(bad, ...data);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^FAILED: \d+ of 120 points memorized exactly/m);
    assert.doesNotMatch(r.stdout, /FAILED: 120 of/);
  },
);

test("python checker: invalid files are refused with the field at fault", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "memonet-checker-"));
  const csv = join(dir, "d.csv");
  writeCsv(csv, 30, 2, (rng) => (rng.uniform() < 0.5 ? "p" : "q"));
  const net = join(dir, "net.json");
  memonet("memorize", "--data", "csv", "--path", csv, "--out", net);
  assertVerified(net, 30, "--csv", csv);
  const doc = JSON.parse(readFileSync(net, "utf8")) as {
    layers: { inputs: number; weights: unknown[][] }[];
    version: number;
  };
  const cases: [string, (d: typeof doc) => void, RegExp][] = [
    ["version", (d) => (d.version = 2), /version/],
    ["inputs", (d) => (d.layers[1].inputs += 1), /layers\[1\]\.inputs/],
    ["duplicate", (d) => d.layers[0].weights.push(d.layers[0].weights[0]), /a second weight/],
    ["mantissa", (d) => (d.layers[0].weights[0][2] = "0x1.8"), /mantissa/],
  ];
  for (const [name, change, message] of cases) {
    const copy = structuredClone(doc);
    change(copy);
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(copy));
    const r = check(path, "--csv", csv);
    assert.equal(r.code, 1, name);
    assert.match(r.stderr, message, name);
  }
});
