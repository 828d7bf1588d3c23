// `memonet analyze`: the quantities of Theorem 11 measured on the user's data (src/geometry/),
// beside the widths Algorithm 1 and Algorithm 2 actually build.

import { backendOption } from "./backendOption.js";
import { boundaryData } from "../sweeps/boundary.js";
import { Command } from "commander";
import "../backends/native/distances.js";
import type { Dataset } from "../data/dataset.js";
import { DataError } from "../data/dataset.js";
import {
  analyzeDataset,
  COVER_ORDERS,
  getDistanceKernel,
  type AnalysisReport,
  type CoverOrder,
  type ProblemReport,
} from "../geometry/index.js";
import { getKernels, type BackendChoice } from "../ops/index.js";
import { writeFileAtomic } from "../node/modelStore.js";
import { coveringFigure } from "../plots/coveringFigure.js";
import { writeFigure } from "../plots/render.js";
import { runCoveringExperiment } from "./coveringExperiment.js";
import { addDataOptions, loadTrainingData, type DataOptions } from "./dataOptions.js";
import { formatCount, formatFields, formatSeconds, formatTable } from "./format.js";
import { integerAtLeast, listOf, numberAtLeast } from "./parse.js";
import { progressReporter } from "./progress.js";

interface AnalyzeCommandOptions extends DataOptions {
  lambda: number;
  constant: number;
  eta: number;
  draws: number;
  seed: number;
  n: number;
  order?: CoverOrder[];
  fit: boolean;
  check?: boolean;
  backend: BackendChoice;
  json?: boolean;
  out?: string;
  figure?: string;
  progress: boolean;
}

const num = (v: number | null, digits = 4) =>
  v === null ? "-" : Number.isFinite(v) ? v.toPrecision(digits) : String(v);

function problemRow(p: ProblemReport): string[] {
  return [
    p.negative.className,
    formatCount(p.negative.points),
    String(p.negative.m),
    String(p.positive.m),
    num(p.delta),
    `${num(p.omega)} [${num(p.omegaLow, 3)}, ${num(p.omegaHigh, 3)}]`,
    num(p.predicted.n),
    String(p.predicted.nHat),
    p.built.algorithm1 === null ? "-" : String(p.built.algorithm1),
    p.built.algorithm2 === null ? "-" : String(p.built.algorithm2),
  ];
}

/** Beyond this many classes the per-class counts are summarized, not listed. */
const MAX_LISTED_CLASSES = 20;

/** "a: 10, b: 12" — or, for many classes, "min 3, median 10, max 40 over 1,000 classes". */
function perClass(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  if (entries.length <= MAX_LISTED_CLASSES) {
    return entries.map(([k, v]) => `${k}: ${formatCount(v)}`).join(", ");
  }
  const sorted = Float64Array.from(entries, ([, v]) => v).sort();
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return (
    `min ${formatCount(sorted[0])}, median ${formatCount(median)}, ` +
    `max ${formatCount(sorted[sorted.length - 1])} over ${formatCount(entries.length)} classes`
  );
}

/** The text report. */
export function describeAnalysis(r: AnalysisReport): string {
  const b = r.basic;
  const o = r.options;
  const lines = [
    formatFields([
      ["points", `${formatCount(b.points)} in d = ${b.dim}; per class ${perClass(b.classCounts)}`],
      ["radius R = max ‖x‖", num(b.radius, 6)],
      [
        "min distance",
        `${num(b.minDistance, 6)} (any two points), ${num(b.minCrossDistance, 6)} (different classes)`,
      ],
      ["min angle", `${num(b.minAngleDegrees, 4)}° (rows ${b.minAnglePair.join(", ")})`],
      [
        "covering",
        `greedy, radii r = c·D/√max(1, log(eλ/D)), D = d(c, other class); c = ${o.constant}, λ = ${o.lambda}; orders ${o.orders.join(", ")} (smaller reported)`,
      ],
      ["mean widths", `${o.draws} Monte-Carlo draws (seed ${o.seed}), ${100 * o.level}% intervals`],
      [
        "prediction",
        `Theorem 11 with every hidden constant = 1, η = ${o.eta}: n ≳ λ/δ·log(2M⁻M⁺/η) + λω, n̂ ≤ M⁻`,
      ],
    ]),
    "",
    formatTable(
      ["X⁻", "N⁻", "M⁻", "M⁺", "δ", "ω [CI]", "n pred", "n̂ ≤", "n̂ Alg1", "n̂ Alg2"],
      r.problems.slice(0, MAX_LISTED_CLASSES).map(problemRow),
    ),
    ...(r.problems.length > MAX_LISTED_CLASSES
      ? [
          `  … and ${formatCount(r.problems.length - MAX_LISTED_CLASSES)} more problems ` +
            "(every one in --json and --out)",
        ]
      : []),
  ];
  if (r.problems.length === 1) {
    const p = r.problems[0];
    const q = p.boundaryDistance.quantiles;
    lines.push(
      "",
      formatFields([
        [
          "d(x⁻, X⁺)",
          `min ${num(p.boundaryDistance.min)}, quartiles ${num(q["0.25"])} / ${num(q["0.5"])} / ${num(q["0.75"])}, max ${num(p.boundaryDistance.max)}`,
        ],
        [
          "M by order",
          `X⁻: ${JSON.stringify(p.negative.mByOrder)}, X⁺: ${JSON.stringify(p.positive.mByOrder)}`,
        ],
        [
          "component sizes",
          `X⁻: median ${p.negative.sizeSummary.quantiles["0.5"]}, max ${p.negative.sizeSummary.max}; X⁺: median ${p.positive.sizeSummary.quantiles["0.5"]}, max ${p.positive.sizeSummary.max}`,
        ],
        [
          "ω (Remark 12)",
          `finite ${num(Math.max(p.negative.omegaRemark12.finite, p.positive.omegaRemark12.finite))}, span ${num(Math.max(p.negative.omegaRemark12.subspace, p.positive.omegaRemark12.subspace))}, sparsity ${num(Math.max(p.negative.omegaRemark12.sparse, p.positive.omegaRemark12.sparse))}`,
        ],
        [
          "brute-force check",
          p.negative.covers === null
            ? "skipped (N > 5000; --check forces it)"
            : `covers: ${p.negative.covers && p.positive.covers}, condition (1): ${p.negative.condition1 && p.positive.condition1}`,
        ],
      ]),
    );
  }
  const s = r.summary;
  const fits = r.fits.map(
    (f) =>
      `Algorithm ${f.algorithm}: n = ${formatCount(f.n)}, n̂ = ${formatCount(f.nHat)}${f.interpolates ? "" : " (does NOT interpolate)"}`,
  );
  lines.push(
    "",
    formatFields([
      [
        "predicted",
        `n = ${num(s.predictedN)} (max over problems: the first layer is shared), n̂ ≤ ΣM⁻ = ${s.predictedNHatSum}`,
      ],
      ["built", fits.length === 0 ? "not fitted (--no-fit)" : fits.join("; ")],
      [
        "built / predicted",
        `n: Alg 1 ${num(s.ratioN.algorithm1, 3)}, Alg 2 ${num(s.ratioN.algorithm2, 3)}; n̂: Alg 1 ${num(s.ratioNHat.algorithm1, 3)}, Alg 2 ${num(s.ratioNHat.algorithm2, 3)}`,
      ],
      [
        "time",
        Object.entries(r.seconds)
          .map(([k, v]) => `${k} ${formatSeconds(v)}`)
          .join(", "),
      ],
    ]),
  );
  return lines.join("\n");
}

async function analyzeCommand(o: AnalyzeCommandOptions): Promise<void> {
  if (o.out !== undefined && o.out.trim() === "") throw new DataError("--out needs a file name");
  const progress = progressReporter({ enabled: o.progress });
  let dataset: Dataset;
  let report: AnalysisReport;
  let t0: number;
  try {
    progress.phase("loading data");
    dataset = (await loadTrainingData(o)).dataset;
    t0 = performance.now();
    report = analyzeDataset(dataset, {
      kernel: getDistanceKernel(o.backend),
      constant: o.constant,
      lambda: o.lambda,
      eta: o.eta,
      draws: o.draws,
      seed: o.seed,
      ...(o.order !== undefined ? { orders: o.order } : {}),
      ...(o.fit ? { fit: { kernels: getKernels(o.backend), n: o.n, seed: o.seed } } : {}),
      ...(o.check !== undefined ? { check: o.check } : {}),
      onProgress: progress.onProgress,
    });
  } finally {
    progress.stop();
  }
  const total = (performance.now() - t0) / 1000;
  let figureFiles: readonly string[] = [];
  if (o.figure !== undefined) figureFiles = await writeAnalysisFigure(dataset, report, o);
  const json = JSON.stringify({ ...report, totalSeconds: total, figure: figureFiles });
  if (o.out !== undefined) await writeFileAtomic(o.out, json + "\n");
  if (o.json) console.log(json);
  else {
    console.log(`memonet analyze: ${dataset.name}`);
    console.log(describeAnalysis(report));
    console.log(`  total ${formatSeconds(total)}`);
    if (o.out !== undefined) console.log(`  report written to ${o.out}`);
    for (const f of figureFiles) console.log(`  figure written to ${f}`);
  }
}

async function writeAnalysisFigure(
  ds: Dataset,
  report: AnalysisReport,
  o: AnalyzeCommandOptions,
): Promise<readonly string[]> {
  if (report.problems.length !== 1) {
    throw new DataError("--figure needs a binary problem (2-D data with two classes)");
  }
  // The network on the right is the boundary panel's own trial (experiment "analyze").
  const boundary = boundaryData(
    ds,
    [{ n: o.n, lambda: o.lambda, activation: "threshold", restart: 0 }],
    { name: "covering", experiment: "analyze", algorithm: 2, kernels: getKernels(o.backend) },
  );
  const figure = coveringFigure(ds, report.problems[0], { n: o.n, lambda: o.lambda, boundary });
  return (await writeFigure(o.figure ?? ".", figure)).files;
}

/** Registers `memonet analyze`. */
export function registerAnalyzeCommand(program: Command): void {
  addDataOptions(
    program
      .command("analyze")
      .description(
        "measure Theorem 11's quantities (mutual covering M⁻, M⁺, δ, ω) and compare with the built widths",
      ),
  )
    .option(
      "--lambda <λ>",
      "λ of condition (1), Theorem 11 and the fits (> 0)",
      numberAtLeast(0),
      1,
    )
    .option(
      "--constant <c>",
      "the constant c of the radii in condition (1) (> 0)",
      numberAtLeast(0),
      1,
    )
    .option("--eta <η>", "failure probability η of Theorem 11, in (0, 1)", numberAtLeast(0), 0.01)
    .option("--draws <k>", "Monte-Carlo draws per Gaussian mean width", integerAtLeast(2), 100)
    .option(
      "--seed <k>",
      "seed of the draws, the random greedy order and the fits",
      integerAtLeast(0),
      0,
    )
    .option(
      "--n <n>",
      "Algorithm 2's first-layer width (and the figure's network)",
      integerAtLeast(1),
      1000,
    )
    .option(
      "--order <orders>",
      `greedy orders to try, comma-separated: ${COVER_ORDERS.join(", ")} (default: farthest-first,random; the smallest cover is reported)`,
      listOf(COVER_ORDERS),
    )
    .option("--no-fit", "do not fit Algorithm 1 and 2")
    .option("--check", "brute-force check of coverage and (1) even for N > 5000")
    .addOption(backendOption())
    .option("--json", "print the report as JSON")
    .option("--out <report.json>", "write the report as JSON to this file")
    .option(
      "--figure <dir>",
      "2-D binary data: write covering.svg/.png (covering beside activation regions)",
    )
    .option("--no-progress", "no progress bar")
    .action(analyzeCommand);
}

/** Registers `memonet analyze` and `memonet analyze-experiment`. */
export function registerAnalyzeCommands(program: Command): void {
  registerAnalyzeCommand(program);
  program
    .command("analyze-experiment")
    .description(
      "run analyze over growing data sets (experiments/analyze/covering.json): CSV and figures",
    )
    .argument("<experiment.json>")
    .requiredOption("--out <file.csv>", "results CSV (rewritten after every row)")
    .option("--figures <dir>", "write M⁻ and n̂ against N as SVG/PNG here")
    .option("--quick", "the smaller sizes of each case")
    .option("--no-fit", "do not fit Algorithm 2 (no built n̂)")
    .addOption(backendOption())
    .action(
      (
        path: string,
        o: { out: string; figures?: string; quick?: boolean; fit: boolean; backend: BackendChoice },
      ) => runCoveringExperiment(path, o),
    );
}
