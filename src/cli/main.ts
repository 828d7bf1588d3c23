// The `memonet` command line: fit, eval, info, demo.

import { Command, CommanderError, Option } from "commander";
import "../node/nativeKernels.js";
import { DataError, type Dataset } from "../data/dataset.js";
import { InterpolatingNetwork } from "../interpolation/estimator.js";
import { modelStats, type InterpolationModel } from "../interpolation/model.js";
import { ModelFileError } from "../interpolation/modelFile.js";
import { OptionError } from "../interpolation/params.js";
import { getKernels, type BackendChoice } from "../kernels/index.js";
import { loadModel, saveModel } from "../node/modelStore.js";
import {
  addDataOptions,
  loadEvaluationData,
  loadTrainingData,
  type DataOptions,
} from "./dataOptions.js";
import { runDemo } from "./demo.js";
import { registerAnalyzeCommands } from "./analyzeCommand.js";
import { ExperimentError } from "../experiments/errors.js";
import { registerExperimentCommands } from "./experimentCommands.js";
import { registerMemorizeCommands, VerificationError } from "./memorizeCommands.js";
import { NetworkFileError } from "../memorization/networkFile.js";
import { formatCount, formatFields, formatSeconds } from "./format.js";
import { integerAtLeast, numberAtLeast, oneOf } from "./parse.js";
import { fitProgressBar } from "./progress.js";

interface FitCommandOptions extends DataOptions {
  n?: number;
  lambda?: number;
  activation: "threshold" | "relu";
  algorithm: 1 | 2;
  seed: number;
  maxWidth: number;
  backend: BackendChoice;
  out?: string;
  json?: boolean;
  progress: boolean;
}

function backendOption(): Option {
  return new Option("--backend <name>", "kernel backend")
    .choices(["auto", "native", "wasm", "reference"])
    .default("auto");
}

/** Human-readable description of a fitted model. */
export function describeModel(model: InterpolationModel): string {
  const s = modelStats(model);
  const p = model.params;
  const perClass =
    model.mode === "binary"
      ? `X⁻ = class "${model.classNames[0]}"`
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
    ["first-layer width", formatCount(s.firstLayerWidth)],
    ["second-layer width", `${formatCount(s.secondLayerWidth)} (${perClass})`],
    ["parameters", `${formatCount(s.parameters)} (non-zero ${formatCount(s.nonzeroParameters)})`],
    [
      "training accuracy",
      `${i.trainingAccuracy.toFixed(6)} on ${formatCount(i.trainingSize)} points` +
        (i.interpolates ? " (interpolates)" : " (does NOT interpolate)"),
    ],
    [
      "fit time",
      `${formatSeconds(i.fitSeconds)} (first layer ${formatSeconds(i.firstLayerSeconds)}, ` +
        `second layer ${formatSeconds(i.secondLayerSeconds)}; ${i.backend} kernels)`,
    ],
  ]);
}

function modelSummaryJson(model: InterpolationModel) {
  return {
    params: model.params,
    stats: modelStats(model),
    info: model.info,
    classNames: model.classNames,
  };
}

function describeData(ds: Dataset): string {
  return `${ds.name}: ${formatCount(ds.size)} points, d = ${ds.dim}, ${ds.classNames.length} classes`;
}

async function fitCommand(o: FitCommandOptions): Promise<void> {
  const { dataset, preprocessing } = await loadTrainingData(o);
  const progress = fitProgressBar(o.progress);
  let net: InterpolatingNetwork;
  try {
    net = new InterpolatingNetwork(
      {
        algorithm: o.algorithm,
        ...(o.n !== undefined ? { n: o.n } : o.algorithm === 1 ? { n: 0 } : {}),
        ...(o.lambda !== undefined ? { lambda: o.lambda } : {}),
        activation: o.activation,
        seed: o.seed,
        maxWidth: o.maxWidth,
      },
      { kernels: getKernels(o.backend), onProgress: progress.onProgress },
    );
    await net.fit(dataset);
  } finally {
    progress.stop();
  }
  const model: InterpolationModel = { ...net.model, preprocessing };
  if (o.out !== undefined) await saveModel(o.out, model);
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
  const model = await loadModel(file);
  const ds = await loadEvaluationData(o, model.preprocessing);
  const net = InterpolatingNetwork.fromModel(model, { kernels: getKernels(o.backend) });
  const t0 = performance.now();
  const accuracy = await net.score(ds);
  const seconds = (performance.now() - t0) / 1000;
  if (o.json) {
    console.log(JSON.stringify({ model: file, data: describeData(ds), accuracy, seconds }));
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

async function infoCommand(file: string, o: { json?: boolean }) {
  const model = await loadModel(file);
  if (o.json) console.log(JSON.stringify({ model: file, ...modelSummaryJson(model) }));
  else console.log(`memonet info: ${file}\n${describeModel(model)}`);
}

function buildProgram(): Command {
  const program = new Command("memonet")
    .description("Construct neural networks that provably memorize a data set.")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)");

  addDataOptions(
    program
      .command("fit")
      .description("fit an interpolating 3-layer network (Dirksen–Finke–Genzel, Algorithm 1 or 2)"),
  )
    .option(
      "--n <n>",
      "first-layer width n (Algorithm 2, default 1000) or n_min (Algorithm 1, default 0)",
      integerAtLeast(0),
    )
    .option("--lambda <λ>", "maximal bias λ >= 0 (default 1 = the data radius)", numberAtLeast(0))
    .option(
      "--activation <σ>",
      "threshold or relu",
      oneOf(["threshold", "relu"] as const),
      "threshold",
    )
    .option(
      "--algorithm <1|2>",
      "1: grow the first layer until all pairs are separated; 2: fixed n",
      (v) => Number(oneOf(["1", "2"] as const)(v)) as 1 | 2,
      2,
    )
    .option("--seed <k>", "seed of the random construction", integerAtLeast(0), 0)
    .option(
      "--max-width <n>",
      "Algorithm 1: give up beyond this many hyperplanes",
      integerAtLeast(1),
      100000,
    )
    .addOption(backendOption())
    .option("--out <model.json>", "write the model to this file")
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
    .description("show a saved model's size and fit statistics")
    .argument("<model.json>")
    .option("--json", "print JSON")
    .action(infoCommand);

  program
    .command("demo")
    .description(
      "the main job (npm start): MNIST 10 classes at n = 1000 and 1 vs 9 at n = 5000, λ = 0.5",
    )
    .addOption(backendOption())
    .action((o: { backend: BackendChoice }) => runDemo(o.backend));
  registerExperimentCommands(program);
  registerMemorizeCommands(program);
  registerAnalyzeCommands(program);
  return program;
}

const USER_ERRORS = [
  DataError,
  OptionError,
  ModelFileError,
  ExperimentError,
  NetworkFileError,
  VerificationError,
];

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed the message (or help/version, with exit code 0).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (USER_ERRORS.some((cls) => e instanceof cls)) {
      process.stderr.write(`memonet: error: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
