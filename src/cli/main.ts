// The `memonet` command line: fit, eval, info, demo.

import { Command } from "commander";
import "../backends/native/index.js";
// Helper threads (node:worker_threads) for the WebAssembly backend, used when native is not built.
import "../backends/wasm/node/threads.js";
import { OptionError } from "../errors.js";
import { InterpolatingNetwork } from "../dfg/estimator.js";
import {
  modelStats,
  SELECTION_STRATEGIES,
  type InterpolationModel,
  type SelectionStrategy,
} from "../dfg/model.js";
import { toOnnx } from "../export/onnx.js";
import { DEFAULT_N_MIN, DEFAULT_PARAMS } from "../dfg/params.js";
import { getKernels, type BackendChoice } from "../ops/index.js";
import { saveModel, writeFileAtomic } from "../node/modelStore.js";
import { backendReport } from "../node/backendReport.js";
import {
  addDataOptions,
  dataSpecOf,
  describeData,
  loadEvaluationData,
  loadTrainingData,
  type DataOptions,
} from "./dataOptions.js";
import { loadModelFor } from "./fileKinds.js";
import { describeSpec, overlapWarning } from "./overlap.js";
import { VERSION } from "./version.js";
import { backendOption } from "./backendOption.js";
import { runDemo } from "./demo.js";
import { registerCompareCommand } from "./compareCommand.js";
import { registerAnalyzeCommands } from "./analyzeCommand.js";
import { registerExperimentCommands } from "./experimentCommands.js";
import { registerMemorizeCommands } from "./memorizeCommands.js";
import { configureProgram, runProgram } from "./boundary.js";
import { formatCount, formatFields, formatSeconds } from "./format.js";
import { PARAM_CONSTRAINTS } from "../dfg/params.js";
import { constrained, integerAtLeast, numberAtLeast, oneOf } from "./parse.js";
import { progressReporter } from "./progress.js";

interface FitCommandOptions extends DataOptions {
  n?: number;
  lambda?: number;
  activation: "threshold" | "relu";
  algorithm: 1 | 2;
  seed: number;
  maxWidth: number;
  selection: SelectionStrategy;
  pruneFirst?: boolean;
  backend: BackendChoice;
  out?: string;
  json?: boolean;
  progress: boolean;
  timings?: boolean;
}

/** Human-readable description of a fitted model. */
export function describeModel(model: InterpolationModel): string {
  const s = modelStats(model);
  const p = model.params;
  const perClass =
    model.mode === "binary"
      ? `X⁻ = class "${model.classNames[0]}"`
      : model.subnetworks.length > MAX_LISTED_CLASSES
        ? summarizeWidths(model.subnetworks.map((sub) => sub.width))
        : model.subnetworks
            .map((sub) => `${model.classNames[sub.classIndex]}: ${sub.width}`)
            .join(", ");
  const i = model.info;
  return formatFields([
    ["mode", `${model.mode} (${model.classNames.length} classes), activation ${model.activation}`],
    [
      "algorithm",
      `${p.algorithm}, n${p.algorithm === 1 ? "_min" : ""} = ${p.n}, λ = ${p.lambda}, seed ${p.seed}`,
    ],
    ["input dimension d", String(s.inputDim)],
    [
      "first-layer width",
      formatCount(s.firstLayerWidth) +
        (model.info.unprunedFirstLayerWidth !== undefined
          ? ` (pruned from ${formatCount(model.info.unprunedFirstLayerWidth)})`
          : ""),
    ],
    ["selection", p.selection ?? "random"],
    ...(model.training === undefined
      ? []
      : [["training data", describeSpec(model.training)] as [string, string]]),
    ["second-layer width", `${formatCount(s.secondLayerWidth)} (${perClass})`],
    ["parameters", `${formatCount(s.parameters)} (non-zero ${formatCount(s.nonzeroParameters)})`],
    [
      "training accuracy",
      `${i.trainingAccuracy.toFixed(6)} on ${formatCount(i.trainingSize)} points` +
        (i.interpolates ? " (interpolates)" : " (does NOT interpolate)"),
    ],
    [
      "fit time",
      i.backend === ""
        ? "not stored in the file (fit --timings stores it)"
        : `${formatSeconds(i.fitSeconds)} (first layer ${formatSeconds(i.firstLayerSeconds)}, ` +
          `second layer ${formatSeconds(i.secondLayerSeconds)}; ${i.backend} kernels)`,
    ],
  ]);
}

/** Beyond this many classes the per-class widths are summarized, not listed. */
const MAX_LISTED_CLASSES = 20;

/** "per class: min 1, median 2, max 5" for a long list of widths. */
function summarizeWidths(widths: readonly number[]): string {
  const sorted = Float64Array.from(widths).sort();
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return `per class: min ${sorted[0]}, median ${median}, max ${sorted[sorted.length - 1]} over ${formatCount(widths.length)} classes`;
}

function modelSummaryJson(model: InterpolationModel) {
  return {
    params: model.params,
    stats: modelStats(model),
    info: model.info,
    classNames: model.classNames,
  };
}

async function fitCommand(o: FitCommandOptions): Promise<void> {
  const spec = dataSpecOf(o);
  const progress = progressReporter({ enabled: o.progress });
  let net: InterpolatingNetwork;
  let loaded: Awaited<ReturnType<typeof loadTrainingData>>;
  try {
    progress.phase("loading data", describeSpec(spec));
    loaded = await loadTrainingData(o);
    net = new InterpolatingNetwork(
      {
        algorithm: o.algorithm,
        ...(o.n !== undefined ? { n: o.n } : {}),
        ...(o.lambda !== undefined ? { lambda: o.lambda } : {}),
        activation: o.activation,
        seed: o.seed,
        maxWidth: o.maxWidth,
        selection: o.selection,
        ...(o.pruneFirst === true ? { pruneFirst: true } : {}),
      },
      { kernels: getKernels(o.backend), onProgress: progress.onProgress },
    );
    progress.phase("checking the data");
    await net.fit(loaded.dataset);
  } finally {
    progress.stop();
  }
  const { dataset, preprocessing } = loaded;
  // The data spec is recorded, so that eval can warn when its data overlap these.
  const model: InterpolationModel = { ...net.model, preprocessing, training: spec };
  if (o.out !== undefined) await saveModel(o.out, model, { timings: o.timings === true });
  if (o.json) {
    console.log(
      JSON.stringify({
        data: describeData(dataset),
        ...modelSummaryJson(model),
        out: o.out ?? null,
      }),
    );
  } else {
    console.log(`memonet fit: ${describeData(dataset)}`);
    console.log(describeModel(model));
    if (o.out !== undefined) console.log(`  model written to ${o.out}`);
  }
}

async function evalCommand(
  file: string,
  o: DataOptions & { backend: BackendChoice; json?: boolean },
) {
  const model = await loadModelFor("eval", file);
  const ds = await loadEvaluationData(o, model.preprocessing);
  const warning =
    model.training === undefined ? undefined : overlapWarning(model.training, dataSpecOf(o));
  if (warning !== undefined) process.stderr.write(`memonet eval: warning: ${warning}\n`);
  const net = InterpolatingNetwork.fromModel(model, { kernels: getKernels(o.backend) });
  const t0 = performance.now();
  const accuracy = await net.score(ds);
  const seconds = (performance.now() - t0) / 1000;
  if (o.json) {
    console.log(
      JSON.stringify({
        model: file,
        data: describeData(ds),
        accuracy,
        seconds,
        warning: warning ?? null,
      }),
    );
  } else {
    console.log(`memonet eval: ${file} on ${describeData(ds)}`);
    console.log(
      formatFields([
        [
          "accuracy",
          `${accuracy.toFixed(6)} (${formatCount(Math.round(accuracy * ds.size))} of ${formatCount(ds.size)} correct)`,
        ],
        ["time", formatSeconds(seconds)],
      ]),
    );
  }
}

async function infoCommand(file: string | undefined, o: { json?: boolean; backends?: boolean }) {
  if (o.backends) {
    console.log(backendReport());
    if (file === undefined) return;
  }
  if (file === undefined) throw new OptionError("info: give a model file or --backends");
  const model = await loadModelFor("info", file);
  if (o.json) console.log(JSON.stringify({ model: file, ...modelSummaryJson(model) }));
  else console.log(`memonet info: ${file}\n${describeModel(model)}`);
}

async function exportCommand(file: string, o: { out: string; margin: number }) {
  const model = await loadModelFor("export", file);
  const bytes = toOnnx(model, { margin: o.margin });
  await writeFileAtomic(o.out, bytes);
  console.log(`memonet export: ${file} -> ${o.out} (ONNX, ${formatCount(bytes.length)} bytes)`);
}

/** The memonet program with every command (not run). */
export function buildProgram(): Command {
  const program = configureProgram(
    new Command("memonet")
      .description("Construct neural networks that provably memorize a data set.")
      .version(VERSION, "-V, --version", "print memonet's version"),
  );

  addDataOptions(
    program
      .command("fit")
      .description("fit an interpolating 3-layer network (Dirksen–Finke–Genzel, Algorithm 1 or 2)"),
  )
    .option(
      "--n <n>",
      `first-layer width n (Algorithm 2, default ${DEFAULT_PARAMS.n}) or n_min (Algorithm 1, default ${DEFAULT_N_MIN})`,
      constrained(PARAM_CONSTRAINTS.nMin),
    )
    .option(
      "--lambda <λ>",
      `maximal bias λ >= 0 (default ${DEFAULT_PARAMS.lambda} = the data radius)`,
      constrained(PARAM_CONSTRAINTS.lambda),
    )
    .option(
      "--activation <σ>",
      "threshold or relu",
      oneOf(["threshold", "relu"] as const),
      DEFAULT_PARAMS.activation,
    )
    .option(
      "--algorithm <1|2>",
      "1: grow the first layer until all pairs are separated; 2: fixed n",
      (v) => Number(oneOf(["1", "2"] as const)(v)) as 1 | 2,
      DEFAULT_PARAMS.algorithm,
    )
    .option("--seed <k>", "seed of the random construction", integerAtLeast(0), DEFAULT_PARAMS.seed)
    .option(
      "--max-width <n>",
      "Algorithm 1: give up beyond this many hyperplanes",
      constrained(PARAM_CONSTRAINTS.maxWidth),
      DEFAULT_PARAMS.maxWidth,
    )
    .option(
      "--selection <strategy>",
      `second-layer selection: ${SELECTION_STRATEGIES.join(", ")}`,
      oneOf(SELECTION_STRATEGIES),
      "random",
    )
    .option("--prune-first", "prune the first layer afterwards (threshold activation)")
    .addOption(backendOption())
    .option("--out <model.json>", "write the model to this file")
    .option(
      "--timings",
      "also store fit times and backend in the model file (default: left out, so equal fits give identical files)",
    )
    .option("--json", "print a JSON summary instead of text")
    .option("--no-progress", "no progress bar")
    .action(fitCommand);

  addDataOptions(
    program
      .command("eval")
      .description("accuracy of a saved model on a data set")
      .argument("<model.json>"),
  )
    .addOption(backendOption())
    .option("--json", "print JSON")
    .action(evalCommand);

  program
    .command("info")
    .description("show a saved model's size and fit statistics (or, with --backends, the kernels)")
    .argument("[model.json]")
    .option("--json", "print JSON")
    .option("--backends", "list the kernel backends and native kernel tables, and what auto picks")
    .action(infoCommand);

  program
    .command("export")
    .description("write a saved model in another format (ONNX)")
    .argument("<model.json>")
    .option("--format <format>", "output format", oneOf(["onnx"] as const), "onnx")
    .requiredOption("--out <file.onnx>", "write the exported model to this file")
    .option(
      "--margin <δ>",
      "relative safety margin of the second-layer thresholds, m·(1 − δ) (default 0)",
      numberAtLeast(0),
      0,
    )
    .action(exportCommand);

  program
    .command("demo")
    .description(
      "the main job (npm start): MNIST 10 classes at n = 1000 and 1 vs 9 at n = 5000, λ = 0.5",
    )
    .addOption(backendOption())
    .option("--no-progress", "no progress bar")
    .action((o: { backend: BackendChoice; progress: boolean }) => runDemo(o.backend, o.progress));
  registerExperimentCommands(program);
  registerMemorizeCommands(program);
  registerCompareCommand(program);
  registerAnalyzeCommands(program);
  return program;
}

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  return runProgram(buildProgram(), argv);
}
