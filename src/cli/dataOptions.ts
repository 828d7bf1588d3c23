// The data options shared by the commands: which data set, which part of it, and the
// preprocessing of the paper's experiments (pixels to [0, 1], radius R = 1).

import { Command, Option } from "commander";
import { DataError, type Dataset } from "../data/dataset.js";
import { formatCount } from "./format.js";
import type { Preprocessing } from "../data/preprocessing.js";
import { DATA_DEFAULTS, DATA_KINDS, type DataKind, type DataSpec } from "../data/spec.js";
import { loadDataSpec, loadDataSpecFor } from "../node/dataSpec.js";
import { DEFAULT_FASHION_MNIST_DIR, type Split } from "../node/loaders.js";
import { constrained, integerAtLeast, numberAtLeast, oneOf } from "./parse.js";
import { GENERATED_SIZE, LINES_SIZE } from "../data/generators.js";
import { checkParam } from "../validation.js";

export const DATA_SETS = DATA_KINDS;
export type DataSetName = DataKind;

/** Parsed data options (commander's camelCase keys). */
export interface DataOptions {
  data: DataSetName;
  path?: string;
  labels?: string;
  labelColumn?: string;
  split: Split;
  classes?: string;
  size?: number;
  noise: number;
  distance: number;
  dataSeed?: number;
  normalize: boolean;
}

/** Adds the data options to a command. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--data <name>", "data set").choices([...DATA_SETS]).default("mnist"))
    .option(
      "--path <path>",
      `directory (fashion-mnist: default ${DEFAULT_FASHION_MNIST_DIR}; cifar10: data_batch_*.bin) ` +
        "or file (csv; npy: the X file)",
    )
    .option("--labels <file>", "npy: the labels file y.npy")
    .option("--label-column <name|index>", "csv: label column (default: the last)")
    .option(
      "--split <split>",
      "image data: all (train + test), train or test",
      oneOf(["all", "train", "test"] as const),
      DATA_DEFAULTS.split,
    )
    .option("--classes <a,b>", "binary subproblem 'a vs b' (class names); the first is X⁻")
    .option(
      "--size <N>",
      `moons/lines: number of points (default ${DATA_DEFAULTS.moonsSize}/${DATA_DEFAULTS.linesSize}); ` +
        "other data: a stratified random subset of N points",
      constrained(GENERATED_SIZE),
    )
    .option("--noise <sigma>", "moons: Gaussian noise", numberAtLeast(0), DATA_DEFAULTS.moonsNoise)
    .option(
      "--distance <d>",
      "lines: distance between the two lines (Fig. 14)",
      numberAtLeast(0),
      DATA_DEFAULTS.linesDistance,
    )
    .option(
      "--data-seed <k>",
      `seed of moons (default ${DATA_DEFAULTS.seed}), of --size subsets (default ${DATA_DEFAULTS.seed}) and of jittered lines (default: the paper's grid)`,
      integerAtLeast(0),
    )
    .option("--no-normalize", "do not scale the data to radius R = 1");
}

/** The data spec the options describe; DataError for a malformed --classes. */
export function dataSpecOf(o: DataOptions): DataSpec {
  let classes: [string, string] | undefined;
  if (o.classes !== undefined) {
    const parts = o.classes.split(",").map((s) => s.trim());
    if (parts.length !== 2 || parts.some((p) => p === "")) {
      throw new DataError(`--classes expects two class names "a,b", got "${o.classes}"`);
    }
    classes = [parts[0], parts[1]];
  }
  if (o.data === "lines" && o.size !== undefined) {
    checkParam(o.size, "--size (lines)", LINES_SIZE, (m) => new DataError(m));
  }
  const column = o.labelColumn;
  const labelColumn = column !== undefined && /^-?\d+$/.test(column) ? Number(column) : column;
  const spec: DataSpec = {
    kind: o.data,
    split: o.split,
    normalize: o.normalize,
    ...(o.path === undefined ? {} : { path: o.path }),
    ...(o.labels === undefined ? {} : { labels: o.labels }),
    ...(labelColumn === undefined ? {} : { labelColumn }),
    ...(classes === undefined ? {} : { classes }),
    ...(o.size === undefined ? {} : { size: o.size }),
    ...(o.data === "moons" ? { noise: o.noise } : {}),
    ...(o.data === "lines" ? { distance: o.distance } : {}),
    ...(o.dataSeed === undefined ? {} : { seed: o.dataSeed }),
  };
  return spec;
}

/**
 * Loads the data for fitting: raw data, subproblem, subset, pixels to [0, 1] for image data,
 * then scaled to radius 1 (unless --no-normalize). Returns the transform applied, for the model.
 */
export async function loadTrainingData(
  o: DataOptions,
): Promise<{ dataset: Dataset; preprocessing: Preprocessing }> {
  return loadDataSpec(dataSpecOf(o));
}

/** Loads data for evaluating a model, applying the model's recorded preprocessing. */
export async function loadEvaluationData(
  o: DataOptions,
  pre: Preprocessing | undefined,
): Promise<Dataset> {
  return loadDataSpecFor(dataSpecOf(o), pre);
}

/** One line about a data set: "mnist: 70 000 points, d = 784, 10 classes". */
export function describeData(ds: Dataset): string {
  return `${ds.name}: ${formatCount(ds.size)} points, d = ${ds.dim}, ${ds.classNames.length} classes`;
}
