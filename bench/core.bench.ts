// `npm run bench`: the core fits on the built-in MNIST against the Python reference figures
// recorded in issue 2 (NumPy/scikit-learn, OpenBLAS AVX-512, 2 threads, this 2-core machine).
// Options: --seeds K (1 vs 9 width statistics over K seeds, default 5), --quick (fewer seeds).

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { binarySubproblem, normalizeRadius, scalePixels } from "../src/data/preprocess.js";
import type { Dataset } from "../src/data/dataset.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { modelStats } from "../src/dfg/model.js";
import { getKernels } from "../src/ops/index.js";
import "../src/backends/native/index.js";
import { loadMnist } from "../src/node/loaders.js";
import { formatTable } from "../src/cli/format.js";
import { currentCommit } from "./util.js";

interface Reference {
  readonly problem: string;
  readonly n: number;
  readonly fitSeconds: number;
  readonly width: number;
  /** The paper's own runs (Fig. 9: mean and sd over 25 seeds), where known. */
  readonly paperMean?: number;
  readonly paperSd?: number;
  /** Issue 2's target for memonet's fit time. */
  readonly targetSeconds: number;
}

const REFERENCES: readonly Reference[] = [
  {
    problem: "1 vs 9",
    n: 5000,
    fitSeconds: 1.5,
    width: 54,
    paperMean: 60.8,
    paperSd: 4.4,
    targetSeconds: 3,
  },
  { problem: "10 classes", n: 1000, fitSeconds: 81, width: 12427, targetSeconds: 20 },
];

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const seeds = argValue("--seeds", quick ? 2 : 5);
  const kernels = getKernels("auto");
  const mnist = scalePixels(await loadMnist({ split: "all" }));
  const data: Record<string, Dataset> = {
    "1 vs 9": normalizeRadius(binarySubproblem(mnist, "1", "9")),
    "10 classes": normalizeRadius(mnist),
  };
  const rows: string[][] = [];
  const results = [];
  for (const ref of REFERENCES) {
    const ds = data[ref.problem];
    const runs = ref.problem === "1 vs 9" ? seeds : 1;
    const times: number[] = [];
    const widths: number[] = [];
    let accuracy = 1;
    for (let seed = 0; seed < runs; seed++) {
      const net = await new InterpolatingNetwork({ n: ref.n, lambda: 0.5, seed }, { kernels }).fit(
        ds,
      );
      times.push(net.model.info.fitSeconds);
      widths.push(modelStats(net.model).secondLayerWidth);
      accuracy = Math.min(accuracy, net.model.info.trainingAccuracy);
      console.error(
        `${ref.problem} seed ${seed}: ${net.model.info.fitSeconds.toFixed(2)} s, width ${widths.at(-1)}`,
      );
    }
    const fit = times[0];
    const mean = widths.reduce((a, b) => a + b, 0) / widths.length;
    const sd = Math.sqrt(
      widths.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, widths.length - 1),
    );
    results.push({
      ...ref,
      N: ds.size,
      memonetFitSeconds: fit,
      speedup: ref.fitSeconds / fit,
      widths,
      meanWidth: mean,
      sdWidth: sd,
      accuracy,
    });
    rows.push([
      ref.problem,
      String(ds.size),
      String(ref.n),
      `${fit.toFixed(2)} s`,
      `${ref.fitSeconds} s`,
      `${(ref.fitSeconds / fit).toFixed(1)}x`,
      fit <= ref.targetSeconds ? `yes (< ${ref.targetSeconds} s)` : `NO (> ${ref.targetSeconds} s)`,
      runs > 1 ? `${mean.toFixed(1)} ± ${sd.toFixed(1)} (${runs} seeds)` : String(widths[0]),
      ref.paperMean !== undefined
        ? `${ref.width}; paper ${ref.paperMean} ± ${ref.paperSd}`
        : String(ref.width),
      accuracy.toFixed(4),
    ]);
  }
  console.log(
    `memonet core benchmark: ${kernels.name} kernels, ${cpus().length} cores, ${cpus()[0]?.model ?? "?"}`,
  );
  console.log(
    formatTable(
      [
        "problem",
        "N",
        "n",
        "fit (seed 0)",
        "reference",
        "speed-up",
        "target met",
        "2nd-layer width",
        "reference width",
        "train acc",
      ],
      rows,
    ),
  );
  mkdirSync("bench/results", { recursive: true });
  const out = "bench/results/core.json";
  writeFileSync(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        commit: currentCommit(),
        cores: cpus().length,
        cpu: cpus()[0]?.model,
        backend: kernels.name,
        results,
      },
      null,
      2,
    ),
  );
  console.log(`results written to ${out}`);
}

await main();
