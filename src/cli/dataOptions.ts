// The data options shared by the commands: which data set, which part of it, and the
// preprocessing of the paper's experiments (pixels to [0, 1], radius R = 1).

import { Command, Option } from "commander";
import { DataError, type Dataset } from "../data/dataset.js";
import { makeMoons, makeParallelLines } from "../data/generators.js";
import {
  binarySubproblem,
  radius,
  scaleFeatures,
  scalePixels,
  stratifiedNestedSubsets,
  subset,
} from "../data/preprocess.js";
import type { Preprocessing } from "../interpolation/model.js";
import {
  DEFAULT_FASHION_MNIST_DIR,
  loadCifar10,
  loadCsvFile,
  loadFashionMnist,
  loadMnist,
  loadNpyFiles,
  type Split,
} from "../node/loaders.js";
import { integerAtLeast, numberAtLeast, oneOf } from "./parse.js";

export const DATA_SETS = [
  "mnist",
  "fashion-mnist",
  "cifar10",
  "moons",
  "lines",
  "csv",
  "npy",
] as const;
export type DataSetName = (typeof DATA_SETS)[number];

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
      "all",
    )
    .option("--classes <a,b>", "binary subproblem 'a vs b' (class names); the first is X⁻")
    .option(
      "--size <N>",
      "moons/lines: number of points; other data: a stratified random subset of N points",
      integerAtLeast(1),
    )
    .option("--noise <sigma>", "moons: Gaussian noise", numberAtLeast(0), 0.05)
    .option(
      "--distance <d>",
      "lines: distance between the two lines (Fig. 14)",
      numberAtLeast(0),
      0.1,
    )
    .option(
      "--data-seed <k>",
      "seed of moons (default 0), of --size subsets (default 0) and of jittered lines (default: the paper's grid)",
      integerAtLeast(0),
    )
    .option("--no-normalize", "do not scale the data to radius R = 1");
}

const IMAGE_DATA: readonly DataSetName[] = ["mnist", "fashion-mnist", "cifar10"];

/** Loads the raw data set named by the options (before subproblem, subset and scaling). */
async function loadRaw(o: DataOptions): Promise<Dataset> {
  const need = (what: string): string => {
    if (o.path === undefined) throw new DataError(`--data ${o.data} needs --path <${what}>`);
    return o.path;
  };
  switch (o.data) {
    case "mnist":
      return loadMnist({ split: o.split });
    case "fashion-mnist":
      return loadFashionMnist(o.path ?? DEFAULT_FASHION_MNIST_DIR, { split: o.split });
    case "cifar10":
      return loadCifar10(need("directory with data_batch_1.bin ... test_batch.bin"), {
        split: o.split,
      });
    case "moons":
      return makeMoons(o.size ?? 1000, o.noise, o.dataSeed ?? 0);
    case "lines":
      return makeParallelLines(o.size ?? 20, o.distance, o.dataSeed);
    case "csv": {
      const column = o.labelColumn;
      const labelColumn = column !== undefined && /^-?\d+$/.test(column) ? Number(column) : column;
      return loadCsvFile(need("file.csv"), labelColumn === undefined ? {} : { labelColumn });
    }
    case "npy":
      if (o.labels === undefined) throw new DataError("--data npy needs --labels <y.npy>");
      return loadNpyFiles(need("X.npy"), o.labels);
  }
}

/** Applies --classes and --size (not for generators, where --size is the number of points). */
function select(ds: Dataset, o: DataOptions): Dataset {
  let out = ds;
  if (o.classes !== undefined) {
    const parts = o.classes.split(",").map((s) => s.trim());
    if (parts.length !== 2 || parts.some((p) => p === "")) {
      throw new DataError(`--classes expects two class names "a,b", got "${o.classes}"`);
    }
    out = binarySubproblem(out, parts[0], parts[1]);
  }
  if (o.size !== undefined && o.data !== "moons" && o.data !== "lines") {
    if (o.size > out.size) {
      throw new DataError(`--size ${o.size} is larger than the data set (${out.size} points)`);
    }
    const [indices] = stratifiedNestedSubsets(out, [o.size], o.dataSeed ?? 0);
    out = subset(out, indices, `${out.name}[${o.size}]`);
  }
  return out;
}

/**
 * Loads the data for fitting: raw data, subproblem, subset, pixels to [0, 1] for image data,
 * then scaled to radius 1 (unless --no-normalize). Returns the transform applied, for the model.
 */
export async function loadTrainingData(
  o: DataOptions,
): Promise<{ dataset: Dataset; preprocessing: Preprocessing }> {
  let ds = select(await loadRaw(o), o);
  const pixelMax = IMAGE_DATA.includes(o.data) ? 255 : undefined;
  if (pixelMax !== undefined) ds = scalePixels(ds, pixelMax);
  let scale = 1;
  if (o.normalize) {
    const r = radius(ds);
    if (!(r > 0)) throw new DataError(`${ds.name}: every point is 0, cannot scale to radius 1`);
    scale = 1 / r;
    ds = scaleFeatures(ds, scale);
  }
  return { dataset: ds, preprocessing: pixelMax === undefined ? { scale } : { pixelMax, scale } };
}

/** Loads data for evaluating a model, applying the model's recorded preprocessing. */
export async function loadEvaluationData(
  o: DataOptions,
  pre: Preprocessing | undefined,
): Promise<Dataset> {
  let ds = select(await loadRaw(o), o);
  if (pre?.pixelMax !== undefined) ds = scalePixels(ds, pre.pixelMax);
  if (pre !== undefined && pre.scale !== 1) ds = scaleFeatures(ds, pre.scale);
  return ds;
}
