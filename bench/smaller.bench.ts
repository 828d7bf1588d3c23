// Second-layer selection strategies: widths, parameters, fit time and test accuracy per strategy,
// mean ± sd over seeds, and what greedy costs against random (the ratio of their fit times, seed
// by seed, the strategies of one seed run back to back so that they see the same load).
//
// npm run bench:smaller [-- --quick] [-- --seeds k] [-- --only <text>] [-- --skip <text>]
//   [-- --backend auto|native|wasm|reference]
//   --quick: Two Moons and MNIST 1 vs 9 with n = 1000 only, 2 seeds
//   --only / --skip: run only / skip the problems whose label contains the text (repeatable)
// Every finished row is also appended as JSON to bench/results/smaller.jsonl.

import "../src/backends/native/index.js";
import { appendFileSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { makeDataset, type Dataset } from "../src/data/dataset.js";
import { makeMoons } from "../src/data/generators.js";
import {
  binarySubproblem,
  normalizeRadius,
  radius,
  scaleFeatures,
  scalePixels,
} from "../src/data/preprocess.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { SELECTION_STRATEGIES, type SelectionStrategy } from "../src/dfg/model.js";
import { getKernels, type BackendChoice } from "../src/ops/index.js";
import { loadFashionMnist, loadMnist } from "../src/node/loaders.js";
import { Rng } from "../src/random/rng.js";
import { currentCommit } from "./util.js";

interface Problem {
  readonly label: string;
  readonly train: () => Promise<{ train: Dataset; test?: Dataset }>;
  readonly n: number;
  readonly lambda: number;
}

/** Per-seed measurements of one strategy. */
interface Runs {
  width: number[];
  firstAfter: number[];
  params: number[];
  nonzero: number[];
  fit: number[];
  acc: number[];
}

/** Scales pixels to [0,1] and the training set to radius 1; the test set with the same factor. */
function images(train: Dataset, test?: Dataset): { train: Dataset; test?: Dataset } {
  const px = scalePixels(train);
  const f = 1 / radius(px);
  const out = { train: scaleFeatures(px, f) };
  return test === undefined ? out : { ...out, test: scaleFeatures(scalePixels(test), f) };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
};
const meanSd = (xs: number[], digits?: number): string => {
  if (xs.length === 0) return "–";
  const m = mean(xs);
  const d = digits ?? (m < 10 ? 3 : 1);
  return `${m.toFixed(d)} ± ${sd(xs).toFixed(d)}`;
};

/** The CIFAR-scale stand-in of bench/performance.bench.ts: 60 000 × 3072 random pixels. */
function cifarScale(): Dataset {
  const rng = new Rng(0, 77);
  const N = 60000;
  const d = 3072;
  const x = new Float32Array(N * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.below(256) / 255;
  const labels = Int32Array.from({ length: N }, () => rng.below(10));
  const names = Array.from({ length: 10 }, (_, k) => String(k));
  return normalizeRadius(makeDataset("cifar-scale random", x, d, labels, names), 1, {
    inPlace: true,
  });
}

function problems(quick: boolean): Problem[] {
  const mnist = async () => ({
    train: await loadMnist({ split: "train" }),
    test: await loadMnist({ split: "test" }),
  });
  const list: Problem[] = [
    {
      label: "Two Moons N = 1000",
      train: async () => {
        const moons = makeMoons(1000, 0.05, 0);
        return { train: scaleFeatures(moons, 1 / radius(moons)) };
      },
      n: 500,
      lambda: 1,
    },
  ];
  for (const [a, b] of [
    ["1", "9"],
    ["1", "8"],
  ] as const) {
    list.push({
      label: `MNIST ${a} vs ${b}`,
      train: async () => {
        const { train, test } = await mnist();
        return images(binarySubproblem(train, a, b), binarySubproblem(test, a, b));
      },
      n: quick ? 1000 : 5000,
      lambda: 0.5,
    });
  }
  if (quick) return list.slice(0, 2);
  for (const n of [1000, 5000]) {
    list.push({
      label: "MNIST 10 classes",
      train: async () => {
        const { train, test } = await mnist();
        return images(train, test);
      },
      n,
      lambda: 0.5,
    });
  }
  list.push({
    label: "Fashion-MNIST 10 classes",
    train: async () =>
      images(
        await loadFashionMnist(undefined, { split: "train" }),
        await loadFashionMnist(undefined, { split: "test" }),
      ),
    n: 1000,
    lambda: 0.5,
  });
  list.push({
    label: "CIFAR-scale stand-in (60 000 × 3072 random pixels, 10 classes)",
    train: async () => ({ train: cifarScale() }),
    n: 2500,
    lambda: 0,
  });
  return list;
}

/** The values of a repeatable option `--name value`. */
function optionValues(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === name && i + 1 < process.argv.length) out.push(process.argv[i + 1]);
  });
  return out;
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const seeds = Number(optionValues("--seeds")[0] ?? (quick ? 2 : 5));
  const only = optionValues("--only");
  const skip = optionValues("--skip");
  const kernels = getKernels((optionValues("--backend")[0] ?? "auto") as BackendChoice);
  mkdirSync("bench/results", { recursive: true });
  const log = "bench/results/smaller.jsonl";
  console.log(
    `memonet bench:smaller (commit ${currentCommit()}, ${kernels.name} kernels, ${seeds} seeds, ` +
      `load ${loadavg()[0].toFixed(1)})`,
  );
  console.log(
    "| problem | selection | 2nd-layer width | n after prune-first | parameters | non-zero | fit s | × random | test acc |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const p of problems(quick)) {
    const name = `${p.label}, n = ${p.n}, λ = ${p.lambda}`;
    if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
    if (skip.some((o) => name.includes(o))) continue;
    const { train, test } = await p.train();
    // First-layer pruning is checked against every X⁺ point per neuron: binary problems only.
    const pruneFirst = train.classNames.length === 2;
    const runs = new Map<SelectionStrategy, Runs>(
      SELECTION_STRATEGIES.map((s) => [
        s,
        { width: [], firstAfter: [], params: [], nonzero: [], fit: [], acc: [] },
      ]),
    );
    const loads: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      for (const selection of SELECTION_STRATEGIES) {
        loads.push(loadavg()[0]);
        const r = runs.get(selection) as Runs;
        const params = { n: p.n, lambda: p.lambda, seed, selection };
        const net = await new InterpolatingNetwork(params, { kernels }).fit(train);
        if (!net.model.info.interpolates) throw new Error(`${name} ${selection}: no interpolation`);
        const s = net.stats();
        r.width.push(s.secondLayerWidth);
        r.params.push(s.parameters);
        r.nonzero.push(s.nonzeroParameters);
        r.fit.push(net.model.info.fitSeconds);
        if (test !== undefined) r.acc.push(await net.score(test));
        // The table prints when every seed of a problem is done (minutes); this shows progress.
        process.stderr.write(
          `  ${name}, seed ${seed}, ${selection}: ${s.secondLayerWidth} neurons, ` +
            `fit ${net.model.info.fitSeconds.toFixed(2)} s\n`,
        );
        if (pruneFirst) {
          const pruned = await new InterpolatingNetwork(
            { ...params, pruneFirst: true },
            { kernels },
          ).fit(train);
          r.firstAfter.push(pruned.model.firstLayer.width);
        }
      }
    }
    const random = (runs.get("random") as Runs).fit;
    for (const selection of SELECTION_STRATEGIES) {
      const r = runs.get(selection) as Runs;
      const ratio = r.fit.map((t, i) => t / random[i]);
      console.log(
        `| ${name} | ${selection} | ${meanSd(r.width)} | ${meanSd(r.firstAfter)} | ` +
          `${meanSd(r.params, 0)} | ${meanSd(r.nonzero, 0)} | ${meanSd(r.fit, 2)} | ` +
          `${meanSd(ratio, 2)} | ${meanSd(r.acc, 4)} |`,
      );
      appendFileSync(
        log,
        JSON.stringify({
          commit: currentCommit(),
          backend: kernels.name,
          problem: name,
          selection,
          seeds: Array.from({ length: seeds }, (_, i) => i),
          ...r,
          ratioToRandom: ratio,
          load: { min: Math.min(...loads), max: Math.max(...loads), mean: mean(loads) },
        }) + "\n",
      );
    }
    console.log(
      `(${name}: 1-minute load average ${Math.min(...loads).toFixed(1)}–` +
        `${Math.max(...loads).toFixed(1)}, mean ${mean(loads).toFixed(1)}, over the runs)`,
    );
  }
}

await main();
