// `memonet compare`: every construction and the baselines side by side on the same data.

import { Command, InvalidArgumentError, Option } from "commander";
import {
  COMPARE_METHODS,
  type CompareMethod,
  type CompareRow,
  compareMethods,
} from "../baselines/compare.js";
import type { Dataset } from "../data/dataset.js";
import { isImageKind } from "../data/spec.js";
import { getKernels, type BackendChoice } from "../ops/index.js";
import { writeFileAtomic } from "../node/files.js";
import { useTfjsWasm } from "../node/tfjs.js";
import { compareFigure } from "../plots/compareFigure.js";
import { writeFigure } from "../plots/render.js";
import {
  type DataOptions,
  addDataOptions,
  loadEvaluationData,
  loadTrainingData,
} from "./dataOptions.js";
import { backendOption } from "./backendOption.js";
import { formatCount, formatSeconds, formatTable } from "./format.js";
import { integerAtLeast, numberAtLeast } from "./parse.js";
import { progressReporter } from "./progress.js";

interface CompareCommandOptions extends DataOptions {
  methods: CompareMethod[];
  seeds: number;
  firstSeed: number;
  n?: number;
  nMin?: number;
  lambda?: number;
  depth?: number;
  bits?: number;
  epochs: number;
  maxSgdWidth: number;
  test: boolean;
  backend: BackendChoice;
  progress: boolean;
  json?: boolean;
  out?: string;
  figure?: string;
}

function methodList(value: string): CompareMethod[] {
  const parts = value.split(",").map((s) => s.trim());
  for (const p of parts) {
    if (!(COMPARE_METHODS as readonly string[]).includes(p)) {
      throw new InvalidArgumentError(
        `unknown method "${p}"; expected a comma-separated list of ${COMPARE_METHODS.join(", ")}`,
      );
    }
  }
  return [...new Set(parts)] as CompareMethod[];
}

const CSV_COLUMNS = [
  "method",
  "seed",
  "neurons",
  "parameters",
  "depth",
  "precision",
  "build_seconds",
  "train_accuracy",
  "test_accuracy",
  "interpolates",
  "guaranteed",
  "details",
] as const;

/** The rows as CSV text (RFC 4180 quoting). */
export function compareCsv(rows: readonly CompareRow[]): string {
  const cell = (v: string | number | boolean | null): string => {
    const s = v === null ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    lines.push(
      [
        r.method,
        r.seed,
        r.neurons,
        r.parameters,
        r.depth,
        r.precision,
        r.buildSeconds,
        r.trainingAccuracy,
        r.testAccuracy,
        r.interpolates,
        r.guaranteed,
        r.details,
      ]
        .map(cell)
        .join(","),
    );
  }
  return lines.join("\n") + "\n";
}

function describeRows(rows: readonly CompareRow[]): string {
  const pct = (v: number | null) => (v === null ? "–" : `${(100 * v).toFixed(2)} %`);
  return formatTable(
    [
      "method",
      "seed",
      "neurons",
      "parameters",
      "depth",
      "precision",
      "build",
      "train acc",
      "test acc",
      "interpolates",
      "guaranteed",
    ],
    rows.map((r) => [
      r.method,
      String(r.seed),
      formatCount(r.neurons),
      formatCount(r.parameters),
      formatCount(r.depth),
      r.precision,
      formatSeconds(r.buildSeconds),
      pct(r.trainingAccuracy),
      pct(r.testAccuracy),
      r.interpolates ? "yes" : "NO",
      r.guaranteed ? "yes" : "no",
    ]),
  );
}

/** Image data fitted on --split train are scored on the test split, with the same transform. */
async function loadTest(
  o: CompareCommandOptions,
  pre: Awaited<ReturnType<typeof loadTrainingData>>["preprocessing"],
): Promise<Dataset | null> {
  if (!o.test || !isImageKind(o.data) || o.split !== "train") return null;
  // The whole test split (a --size subset applies to the training data only).
  return loadEvaluationData({ ...o, size: undefined, split: "test" }, pre);
}

async function compareCommand(o: CompareCommandOptions): Promise<void> {
  // A bar on a terminal; otherwise a line as each build starts (unless --json or --no-progress).
  const progress = progressReporter({ enabled: o.progress && o.json !== true, lines: true });
  let dataset: Dataset;
  let test: Dataset | null;
  let rows: CompareRow[];
  try {
    progress.phase("loading data");
    const loaded = await loadTrainingData(o);
    dataset = loaded.dataset;
    test = await loadTest(o, loaded.preprocessing);
    if (o.methods.includes("sgd")) await useTfjsWasm();
    rows = await compareMethods(dataset, test, {
      methods: o.methods,
      seeds: o.seeds,
      firstSeed: o.firstSeed,
      ...(o.n !== undefined ? { n: o.n } : {}),
      ...(o.nMin !== undefined ? { nMin: o.nMin } : {}),
      ...(o.lambda !== undefined ? { lambda: o.lambda } : {}),
      ...(o.depth !== undefined ? { depth: o.depth } : {}),
      ...(o.bits !== undefined ? { bits: o.bits } : {}),
      // The SGD search reports each width attempt (epochs, training accuracy) on the same bar.
      sgd: { maxEpochs: o.epochs, maxWidth: o.maxSgdWidth, onProgress: progress.onProgress },
      kernels: getKernels(o.backend),
      onProgress: progress.onProgress,
    });
  } finally {
    progress.stop();
  }
  if (o.out !== undefined) await writeFileAtomic(o.out, compareCsv(rows));
  let figureFiles: readonly string[] = [];
  if (o.figure !== undefined) {
    figureFiles = (await writeFigure(o.figure, compareFigure(rows, dataset.name))).files;
  }
  if (o.json) {
    console.log(
      JSON.stringify({
        data: { name: dataset.name, size: dataset.size, dim: dataset.dim },
        test: test === null ? null : { name: test.name, size: test.size },
        rows,
        out: o.out ?? null,
        figure: figureFiles,
      }),
    );
    return;
  }
  console.log(
    `memonet compare: ${dataset.name}: ${formatCount(dataset.size)} points, d = ${dataset.dim}, ` +
      `${dataset.classNames.length} classes` +
      (test === null ? "" : `; tested on ${test.name} (${formatCount(test.size)} points)`),
  );
  console.log(describeRows(rows));
  for (const r of rows) console.log(`  ${r.method} seed ${r.seed}: ${r.details}`);
  if (o.out !== undefined) console.log(`  table written to ${o.out}`);
  for (const f of figureFiles) console.log(`  figure written to ${f}`);
}

/** Adds `compare` to the memonet program. */
export function registerCompareCommand(program: Command): void {
  addDataOptions(
    program
      .command("compare")
      .description(
        "build every construction (dfg, dfg1, vys, projection) and an SGD-trained MLP (sgd) on " +
          "the same data and compare neurons, parameters, depth, precision, time and accuracy",
      ),
  )
    .option(
      "--methods <list>",
      `comma-separated methods (default: all of ${COMPARE_METHODS.join(",")})`,
      methodList,
      [...COMPARE_METHODS],
    )
    .option(
      "--seeds <k>",
      "number of seeds per method (from --first-seed on)",
      integerAtLeast(1),
      1,
    )
    .option(
      "--first-seed <s>",
      "the first seed (split a long run over processes)",
      integerAtLeast(0),
      0,
    )
    .option("--n <n>", "dfg: first-layer width (default 1000)", integerAtLeast(1))
    .option("--n-min <n>", "dfg1: minimal first-layer width n_min (default 0)", integerAtLeast(0))
    .option("--lambda <λ>", "dfg, dfg1: maximal bias (default 1)", numberAtLeast(0))
    .addOption(
      new Option("--depth <L>", "vys: Thm 5.1's depth parameter L")
        .argParser(integerAtLeast(1))
        .conflicts("bits"),
    )
    .addOption(
      new Option("--bits <B>", "vys: Thm 6.2's bit parameter B").argParser(integerAtLeast(1)),
    )
    .option("--epochs <k>", "sgd: epoch budget per width", integerAtLeast(1), 100)
    .option("--max-sgd-width <w>", "sgd: largest hidden width tried", integerAtLeast(1), 1024)
    .option("--no-test", "do not score on the test split (image data fitted on --split train)")
    .addOption(backendOption("dfg kernel backend"))
    .option("--json", "print JSON")
    .option("--no-progress", "no progress bar or progress lines")
    .option("--out <table.csv>", "write the table as CSV (atomically)")
    .option("--figure <dir>", "write compare.svg and compare.png to this directory")
    .action(compareCommand);
}
