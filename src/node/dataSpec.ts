// The data recipe's file side: spec → base data (read from disk or generated, subproblem taken,
// pixels in [0, 1]) → { dataset, preprocessing }. Used by the CLI, the sweeps and the figures.

import { DataError, type Dataset } from "../data/dataset.js";
import { binarySubproblem, scalePixels } from "../data/preprocess.js";
import { applyPreprocessing, type Preprocessing } from "../data/preprocessing.js";
import { cutBase, DATA_DEFAULTS, generateBase, isImageKind, type DataSpec } from "../data/spec.js";
import {
  DEFAULT_FASHION_MNIST_DIR,
  loadCifar10,
  loadCsvFile,
  loadFashionMnist,
  loadMnist,
  loadNpyFiles,
} from "./loaders.js";

/** How the base is made: `pixels: false` leaves image pixels raw (for applying a model's map). */
export interface BaseOptions {
  readonly pixels?: boolean;
}

/** The raw data of `spec` as read from disk or generated (before subproblem and scaling). */
async function loadRaw(spec: DataSpec): Promise<Dataset> {
  const need = (what: string): string => {
    if (spec.path === undefined) throw new DataError(`--data ${spec.kind} needs --path <${what}>`);
    return spec.path;
  };
  const split = spec.split ?? DATA_DEFAULTS.split;
  switch (spec.kind) {
    case "mnist":
      return loadMnist({ split });
    case "fashion-mnist":
      return loadFashionMnist(spec.path ?? DEFAULT_FASHION_MNIST_DIR, { split });
    case "cifar10":
      if (spec.path === undefined) {
        throw new DataError(
          "CIFAR-10 is not shipped with memonet: give the directory with data_batch_1.bin … " +
            "data_batch_5.bin and test_batch.bin (the binary version): --path DIR " +
            "(fit, eval, memorize) or --data-path DIR (sweeps, plots)",
        );
      }
      return loadCifar10(spec.path, { split });
    case "moons":
    case "lines":
      return generateBase(spec);
    case "csv": {
      const column = spec.labelColumn;
      return loadCsvFile(need("file.csv"), column === undefined ? {} : { labelColumn: column });
    }
    case "npy":
      if (spec.labels === undefined) throw new DataError("--data npy needs --labels <y.npy>");
      return loadNpyFiles(need("X.npy"), spec.labels);
  }
}

/**
 * The base data of `spec`: raw data, image pixels mapped to [0, 1] (unless `pixels: false`),
 * then the binary subproblem. Cacheable: it does not depend on spec.size (but for generators).
 */
export async function loadBaseData(spec: DataSpec, options: BaseOptions = {}): Promise<Dataset> {
  let ds = await loadRaw(spec);
  if (isImageKind(spec.kind) && (options.pixels ?? true)) {
    ds = scalePixels(ds, DATA_DEFAULTS.pixelMax);
  }
  if (spec.classes !== undefined) ds = binarySubproblem(ds, spec.classes[0], spec.classes[1]);
  return ds;
}

/** Loads the data of `spec` for fitting: base, subset, radius scaling, and the transform applied. */
export async function loadDataSpec(
  spec: DataSpec,
): Promise<{ dataset: Dataset; preprocessing: Preprocessing }> {
  return cutBase(await loadBaseData(spec), spec);
}

/**
 * Loads the data of `spec` for evaluating a model fitted after `pre`: the same points as for
 * fitting, with the model's transform applied to the raw features instead of a new one.
 */
export async function loadDataSpecFor(
  spec: DataSpec,
  pre: Preprocessing | undefined,
): Promise<Dataset> {
  const base = await loadBaseData(spec, { pixels: false });
  const { dataset } = cutBase(base, { ...spec, normalize: false });
  return applyPreprocessing(dataset, pre);
}
