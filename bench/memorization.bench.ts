// Benchmark of the Vardi–Yehudai–Shamir construction (issue 3): build and exactly verify
//   - N = 10 000 MNIST images, 10 classes (target: under 60 s in total),
//   - random points (Gaussian in R^10, 10 classes) for N = 10², 10³, 10⁴, 10⁵ (N = 10⁵: under
//     10 minutes), and fit the exponent of parameters ~ N^a for both interval splits.
// Prints a table and writes bench/results/memorization.json. Options: --quick (skip N = 10⁵).

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { formatTable } from "../src/cli/format.js";
import { makeRandomLabels } from "../src/data/generators.js";
import {
  normalizeRadius,
  scalePixels,
  stratifiedNestedSubsets,
  subset,
} from "../src/data/preprocess.js";
import type { Dataset } from "../src/data/dataset.js";
import { memorize } from "../src/vys/memorize.js";
import { problemFromDataset } from "../src/vys/problem.js";
import { verifyNetwork } from "../src/vys/verify.js";
import { loadMnist } from "../src/node/loaders.js";
import { powerLawExponent } from "./util.js";

interface Row {
  readonly data: string;
  readonly N: number;
  readonly d: number;
  readonly C: number;
  readonly parameters: number;
  readonly biases: number;
  readonly depth: number;
  readonly width: number;
  readonly bitComplexity: number;
  readonly rho: number;
  readonly paperSplitParameters: number;
  readonly optimalSplitParameters: number;
  readonly crossoverPaper: number | null;
  readonly crossoverOptimal: number | null;
  readonly memorizeSeconds: number;
  readonly verifySeconds: number;
  readonly totalSeconds: number;
  readonly verified: boolean;
  readonly targetSeconds: number | null;
}

function runOne(ds: Dataset, loadSeconds: number, targetSeconds: number | null): Row {
  const t0 = performance.now();
  const problem = problemFromDataset(ds);
  const result = memorize(problem, { split: "paper" });
  const t1 = performance.now();
  const v = verifyNetwork(result.network, problem, {
    onProgress: (e) => {
      if (process.stderr.isTTY)
        process.stderr.write(`\r  verifying ${ds.name}: ${e.done}/${e.total}`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  const t2 = performance.now();
  const r = result.report;
  return {
    data: ds.name,
    N: ds.size,
    d: ds.dim,
    C: ds.classNames.length,
    parameters: r.network.parameters,
    biases: r.network.biases,
    depth: r.network.depth,
    width: r.network.width,
    bitComplexity: r.network.bitComplexity,
    rho: r.stageOne.rho,
    paperSplitParameters: r.splits?.paper.parameters ?? r.network.parameters,
    optimalSplitParameters: r.splits?.optimal.parameters ?? r.network.parameters,
    crossoverPaper: r.crossover?.paper ?? null,
    crossoverOptimal: r.crossover?.optimal ?? null,
    memorizeSeconds: (t1 - t0) / 1000,
    verifySeconds: (t2 - t1) / 1000,
    totalSeconds: loadSeconds + (t2 - t0) / 1000,
    verified: v.ok,
    targetSeconds,
  };
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const rows: Row[] = [];

  console.error("MNIST, N = 10 000, 10 classes ...");
  const t0 = performance.now();
  const mnist = scalePixels(await loadMnist({ split: "all" }));
  const [indices] = stratifiedNestedSubsets(mnist, [10000], 0);
  const mnist10k = normalizeRadius(subset(mnist, indices, "mnist[10000]"));
  rows.push(runOne(mnist10k, (performance.now() - t0) / 1000, 60));

  const sizes = quick ? [1e2, 1e3, 1e4] : [1e2, 1e3, 1e4, 1e5];
  for (const N of sizes) {
    console.error(`random points, N = ${N} ...`);
    const t = performance.now();
    const ds = makeRandomLabels(N, 10, 10, 1);
    rows.push(runOne(ds, (performance.now() - t) / 1000, N === 1e5 ? 600 : null));
  }

  const random = rows.slice(1);
  const fit = {
    sizes: random.map((r) => r.N),
    paper: powerLawExponent(
      random.map((r) => r.N),
      random.map((r) => r.paperSplitParameters),
    ),
    optimal: powerLawExponent(
      random.map((r) => r.N),
      random.map((r) => r.optimalSplitParameters),
    ),
  };

  const fmt = (v: number) => v.toLocaleString("en-US");
  console.log(
    formatTable(
      [
        "data",
        "N",
        "d",
        "C",
        "params",
        "biases",
        "depth",
        "width",
        "bits",
        "ρ",
        "params/√N",
        "optimal split",
        "memorize s",
        "verify s",
        "total s",
        "target",
        "exact",
      ],
      rows.map((r) => [
        r.data,
        fmt(r.N),
        String(r.d),
        String(r.C),
        fmt(r.parameters),
        fmt(r.biases),
        fmt(r.depth),
        String(r.width),
        fmt(r.bitComplexity),
        String(r.rho),
        (r.parameters / Math.sqrt(r.N)).toFixed(0),
        fmt(r.optimalSplitParameters),
        r.memorizeSeconds.toFixed(1),
        r.verifySeconds.toFixed(1),
        r.totalSeconds.toFixed(1),
        r.targetSeconds === null
          ? ""
          : `< ${r.targetSeconds} s ${r.totalSeconds < r.targetSeconds ? "ok" : "MISSED"}`,
        r.verified ? "yes" : "NO",
      ]),
    ),
  );
  console.log(
    `\nparameters ~ N^a on random points (N = ${fit.sizes.join(", ")}): a = ${fit.paper.toFixed(3)} ` +
      `(paper split, m = √(N log N)), a = ${fit.optimal.toFixed(3)} (optimal split)`,
  );
  const last = rows[rows.length - 1];
  console.log(
    `fewer parameters than N (Thm 3.1, estimated from the data): from N ≈ ${last.crossoverPaper ?? "—"} ` +
      `(paper split), ${last.crossoverOptimal ?? "—"} (optimal split); MNIST: ` +
      `${rows[0].crossoverPaper ?? "—"} / ${rows[0].crossoverOptimal ?? "—"}`,
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/memorization.json",
    JSON.stringify(
      { date: new Date().toISOString(), cpus: cpus().length, quick, rows, fit },
      null,
      2,
    ),
  );
  if (rows.some((r) => !r.verified)) process.exitCode = 1;
}

await main();
