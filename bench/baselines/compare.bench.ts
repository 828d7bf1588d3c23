// `npm run bench:baselines`: memonet compare on the data sets of issue 17, every method, K seeds,
// mean ± sd per case and method. Writes bench/results/baselines.json.
// Options: --seeds K (default 5), --cases a,b (default all), --methods m1,m2 (default all),
// --json-out FILE (default bench/results/baselines.json), --quick (1 seed, small cases only,
// SGD budget 30 epochs), --epochs E (SGD budget per width, default 100), --first-seed S (seeds
// S..S+K−1, to split a long run over processes).
// The PyTorch timing comparison is bench/baselines/torch_baseline.py (run by --torch when
// Debian's python3-torch is installed; skipped with a message otherwise).

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpus } from "node:os";
import {
  compareMethods,
  type CompareMethod,
  type CompareRow,
} from "../../src/baselines/compare.js";
import { formatTable } from "../../src/cli/format.js";
import { progressReporter } from "../../src/cli/progress.js";
import type { Dataset } from "../../src/data/dataset.js";
import { makeDataset } from "../../src/data/dataset.js";
import { makeMoons } from "../../src/data/generators.js";
import {
  binarySubproblem,
  normalizeRadius,
  scaleFeatures,
  radius,
  scalePixels,
  stratifiedNestedSubsets,
  subset,
} from "../../src/data/preprocess.js";
import { getKernels } from "../../src/ops/index.js";
import { DEFAULT_FASHION_MNIST_DIR, loadFashionMnist, loadMnist } from "../../src/node/loaders.js";
import "../../src/backends/native/index.js";
import { useTfjsWasm } from "../../src/node/tfjs.js";
import { Rng } from "../../src/random/rng.js";
import { currentCommit } from "../util.js";

interface Case {
  readonly name: string;
  readonly n: number;
  readonly lambda: number;
  readonly quick: boolean;
  load(): Promise<{ train: Dataset; test: Dataset | null }>;
}

const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes("--quick");
const seeds = Number(arg("--seeds") ?? (quick ? 1 : 5));
const firstSeed = Number(arg("--first-seed") ?? 0);
const epochs = Number(arg("--epochs") ?? (quick ? 30 : 100));
const methodList = arg("--methods")?.split(",") as CompareMethod[] | undefined;
const output = arg("--json-out") ?? "bench/results/baselines.json";

/** Train and test scaled by the training data's radius (test points may have norm > 1). */
function scaled(train: Dataset, test: Dataset | null) {
  const s = 1 / radius(train);
  return { train: scaleFeatures(train, s), test: test === null ? null : scaleFeatures(test, s) };
}

async function images(which: "mnist" | "fashion", size: number | null, classes?: [string, string]) {
  const load = (split: "train" | "test") =>
    which === "mnist"
      ? loadMnist({ split })
      : loadFashionMnist(DEFAULT_FASHION_MNIST_DIR, { split });
  let train = scalePixels(await load("train"));
  let test = scalePixels(await load("test"));
  if (classes) {
    train = binarySubproblem(train, ...classes);
    test = binarySubproblem(test, ...classes);
  }
  if (size !== null) {
    const [rows] = stratifiedNestedSubsets(train, [size], 0);
    train = subset(train, rows, `${train.name}[${size}]`);
  }
  return scaled(train, test);
}

const CASES: readonly Case[] = [
  {
    name: "Two Moons N = 1000",
    n: 500,
    lambda: 1,
    quick: true,
    load: async () => ({ train: normalizeRadius(makeMoons(1000, 0.05, 0)), test: null }),
  },
  {
    name: "MNIST 1 vs 9 (train; test split)",
    n: 5000,
    lambda: 0.5,
    quick: true,
    load: () => images("mnist", null, ["1", "9"]),
  },
  {
    name: "MNIST 10 classes, 10 000 (train; test split)",
    n: 1000,
    lambda: 0.5,
    quick: false,
    load: () => images("mnist", 10000),
  },
  {
    name: "MNIST 10 classes, all 60 000 (train; test split)",
    n: 1000,
    lambda: 0.5,
    quick: false,
    load: () => images("mnist", null),
  },
  {
    name: "Fashion-MNIST 10 classes, 10 000 (train; test split)",
    n: 1000,
    lambda: 0.5,
    quick: false,
    load: () => images("fashion", 10000),
  },
  {
    name: "MNIST 1 000 images, random labels",
    n: 1000,
    lambda: 0.5,
    quick: true,
    load: async () => {
      const { train } = await images("mnist", 1000);
      const labels = Int32Array.from(
        new Rng(17, 1).permutation(train.size),
        (i) => train.labels[i],
      );
      return {
        train: makeDataset(
          `${train.name} (random labels)`,
          train.features,
          train.dim,
          labels,
          train.classNames,
        ),
        test: null,
      };
    },
  },
];

function meanSd(xs: readonly number[]): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return fmt(m);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  return `${fmt(m)} ± ${fmt(sd)}`;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toPrecision(3);
}

async function main(): Promise<void> {
  const only = arg("--cases")?.split(",").map(Number);
  const cases = CASES.filter((c, i) => (only ? only.includes(i) : !quick || c.quick));
  console.log(
    `memonet baselines benchmark — commit ${currentCommit()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ` +
      `${seeds} seed(s), SGD budget ${epochs} epochs per width, dfg kernels ${getKernels("auto").name}`,
  );
  await useTfjsWasm();
  const all: { case: string; rows: CompareRow[] }[] = [];
  const torchDir = process.argv.includes("--torch")
    ? mkdtempSync(join(tmpdir(), "memonet-torch-"))
    : null;
  const torchCases: string[] = [];
  for (const c of cases) {
    const { train, test } = await c.load();
    console.log(`\n${c.name}: ${train.size} points, d = ${train.dim}, n = ${c.n}, λ = ${c.lambda}`);
    // A long SGD search (an hour on tens of thousands of images) reports its width, epoch and
    // training accuracy on stderr every 10 % of an attempt and at least once a minute.
    const sgdProgress = progressReporter({ enabled: true, lines: true });
    const rows = await compareMethods(train, test, {
      seeds,
      firstSeed,
      ...(methodList !== undefined ? { methods: methodList } : {}),
      n: c.n,
      lambda: c.lambda,
      sgd: { maxEpochs: epochs, onProgress: sgdProgress.onProgress },
      onProgress: (e) => {
        if (e.detail !== undefined) process.stderr.write(`  ${e.detail} …\n`);
      },
    });
    sgdProgress.stop();
    all.push({ case: c.name, rows });
    const sgd = rows.find((r) => r.method === "sgd" && r.seed === firstSeed);
    if (torchDir !== null && sgd !== undefined) {
      const dir = join(torchDir, `case${cases.indexOf(c)}`);
      mkdirSync(dir);
      writeNpy(join(dir, "X.npy"), train.features, [train.size, train.dim]);
      writeNpy(join(dir, "y.npy"), train.labels, [train.size]);
      writeFileSync(join(dir, "width.txt"), String(sgd.neurons / 2));
      torchCases.push(dir);
      console.log(`  tfjs (wasm), sgd seed ${firstSeed}: ${sgd.details}`);
    }
    const methods = [...new Set(rows.map((r) => r.method))];
    console.log(
      formatTable(
        [
          "method",
          "neurons",
          "parameters",
          "depth",
          "precision",
          "build s",
          "train acc",
          "test acc",
          "interpolates",
        ],
        methods.map((m) => {
          const rs = rows.filter((r) => r.method === m);
          return [
            m,
            meanSd(rs.map((r) => r.neurons)),
            meanSd(rs.map((r) => r.parameters)),
            meanSd(rs.map((r) => r.depth)),
            precisionRange(rs.map((r) => r.precision)),
            meanSd(rs.map((r) => r.buildSeconds)),
            meanSd(rs.map((r) => r.trainingAccuracy)),
            rs[0].testAccuracy === null ? "–" : meanSd(rs.map((r) => r.testAccuracy as number)),
            `${rs.filter((r) => r.interpolates).length}/${rs.length}`,
          ];
        }),
      ),
    );
    console.log(`  √N = ${Math.sqrt(train.size).toFixed(1)} (the VC lower bound on parameters)`);
  }
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    output,
    JSON.stringify({ commit: currentCommit(), seeds, firstSeed, epochs, cases: all }, null, 1) +
      "\n",
  );
  console.log(`\nresults written to ${output}`);
  if (torchDir !== null) {
    const py = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" });
    if (py.status !== 0) {
      console.log("PyTorch comparison skipped: Debian's python3-torch is not installed");
      return;
    }
    const run = spawnSync(
      "/usr/bin/python3",
      ["bench/baselines/torch_baseline.py", "--epochs", String(epochs), ...torchCases],
      {
        stdio: "inherit",
      },
    );
    if (run.status !== 0) process.exitCode = 1;
  }
}

await main();

/** A C-order .npy file of float32 or int32 values. */
function writeNpy(path: string, data: Float32Array | Int32Array, shape: readonly number[]): void {
  const descr = data instanceof Float32Array ? "<f4" : "<i4";
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(
    path,
    Buffer.concat([
      head,
      Buffer.from(header, "latin1"),
      Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    ]),
  );
}

/** Seeds' weight precisions summarized: "float32", or the range of bit counts ("927–1011 bits"). */
function precisionRange(precisions: readonly string[]): string {
  const bits = precisions.map((p) => /^(\d+) bits$/.exec(p)?.[1]).map(Number);
  if (bits.some((b) => !Number.isFinite(b))) return [...new Set(precisions)].join("/");
  const lo = Math.min(...bits);
  const hi = Math.max(...bits);
  return lo === hi ? `${lo} bits` : `${lo}–${hi} bits`;
}
