// One data recipe: a data-set spec (which data, which part, which preprocessing) with its
// defaults, and the pure steps from base data to the data a model is fitted on. Reading files is
// node/dataSpec.ts; the CLI, the sweeps and the figures all go through these two modules.

import { DataError, type Dataset } from "./dataset.js";
import { makeMoons, makeParallelLines } from "./generators.js";
import { fitPreprocessing, type Preprocessing } from "./preprocessing.js";
import { radius, scaleFeatures, stratifiedNestedSubsets, subset } from "./preprocess.js";
import { preprocessingOf } from "./preprocessing.js";

/** Image data sets (pixels 0..255, mapped to [0, 1] before fitting). */
export const IMAGE_KINDS = ["mnist", "fashion-mnist", "cifar10"] as const;
/** Generated 2-D data sets. */
export const GENERATED_KINDS = ["moons", "lines"] as const;
/** File formats for any data. */
export const FILE_KINDS = ["csv", "npy"] as const;
/** Every data-set kind. */
export const DATA_KINDS = [...IMAGE_KINDS, ...GENERATED_KINDS, ...FILE_KINDS] as const;

export type ImageKind = (typeof IMAGE_KINDS)[number];
export type DataKind = (typeof DATA_KINDS)[number];
/** Which part of a data set with a fixed train/test split; "all" = train then test. */
export type DataSplit = "all" | "train" | "test";

/** The defaults of a spec (the paper's: Figs. 5 and 14, radius 1, all of MNIST). */
export const DATA_DEFAULTS = {
  /** Two Moons: points and Gaussian noise σ (Fig. 5). */
  moonsSize: 1000,
  moonsNoise: 0.05,
  /** Parallel lines: points and distance between the lines (Fig. 14). */
  linesSize: 20,
  linesDistance: 0.1,
  /** Seed of moons and of stratified subsets. */
  seed: 0,
  split: "all" as DataSplit,
  normalize: true,
  /** Pixel maximum of the image data. */
  pixelMax: 255,
} as const;

/** Which data, which part of them and how they are preprocessed. */
export interface DataSpec {
  readonly kind: DataKind;
  /** fashion-mnist/cifar10: directory; csv: the file; npy: the X file. */
  readonly path?: string;
  /** npy: the labels file. */
  readonly labels?: string;
  /** csv: the label column, by name or index (default: the last). */
  readonly labelColumn?: string | number;
  /** Image data: train, test or all (default). */
  readonly split?: DataSplit;
  /** A binary subproblem "a vs b" by class name (a is X⁻). */
  readonly classes?: readonly [string, string];
  /** moons/lines: number of points N; other data: a stratified random subset of N points. */
  readonly size?: number;
  /** moons: draw one sample of `pool` points (normalized as a whole) and take its first N. */
  readonly pool?: number;
  /** moons: Gaussian noise σ. */
  readonly noise?: number;
  /** lines: distance between the lines. */
  readonly distance?: number;
  /** Seed of moons and of subsets; lines: jitter seed (undefined: the paper's regular grid). */
  readonly seed?: number;
  /** Scale to radius R = 1 after the pixels are mapped to [0, 1] (default true). */
  readonly normalize?: boolean;
  /**
   * With `size`: false scales the subset by the whole data set's radius, as the paper's data.py
   * does for Fig. 9 (the subsets then have radii <= 1); true or undefined scales each subset to
   * radius 1 (the CLI's --size).
   */
  readonly normalizeSubsets?: boolean;
}

/** True for the image data sets. */
export function isImageKind(kind: DataKind): kind is ImageKind {
  return (IMAGE_KINDS as readonly string[]).includes(kind);
}

/** True for moons and lines (whose size is the number of generated points). */
export function isGeneratedKind(kind: DataKind): boolean {
  return kind === "moons" || kind === "lines";
}

/** The number of points a generator draws for `spec` (its size, else the default). */
export function generatedSize(spec: DataSpec): number {
  if (spec.kind === "moons") return spec.pool ?? spec.size ?? DATA_DEFAULTS.moonsSize;
  return spec.size ?? DATA_DEFAULTS.linesSize;
}

/**
 * The base data of a generated spec: moons or lines of generatedSize(spec) points (a moons pool
 * is already normalized as a whole, as in the paper's Fig. 8). Other kinds: DataError.
 */
export function generateBase(spec: DataSpec): Dataset {
  if (spec.kind === "moons") {
    const ds = makeMoons(
      generatedSize(spec),
      spec.noise ?? DATA_DEFAULTS.moonsNoise,
      spec.seed ?? DATA_DEFAULTS.seed,
    );
    if (spec.pool === undefined || !(spec.normalize ?? DATA_DEFAULTS.normalize)) return ds;
    return fitPreprocessing(ds, { normalize: true }).dataset;
  }
  if (spec.kind === "lines") {
    return makeParallelLines(
      generatedSize(spec),
      spec.distance ?? DATA_DEFAULTS.linesDistance,
      spec.seed,
    );
  }
  throw new DataError(`${spec.kind} data are not generated: load them from files`);
}

/**
 * From base data (raw or generated, with the subproblem already taken and image pixels in
 * [0, 1]) to the data of `spec`: a stratified subset (image and file data), or the first N of a
 * moons pool, then the radius scaling. Returns the data and the transform from the raw features.
 */
export function cutBase(
  base: Dataset,
  spec: DataSpec,
  name?: string,
): { dataset: Dataset; preprocessing: Preprocessing } {
  let ds = base;
  let normalize = spec.normalize ?? DATA_DEFAULTS.normalize;
  if (spec.kind === "moons" && spec.pool !== undefined) {
    const n = spec.size ?? DATA_DEFAULTS.moonsSize;
    if (n > base.size) {
      throw new DataError(`${base.name}: size ${n} exceeds the pool of ${base.size} points`);
    }
    ds = subset(
      base,
      Int32Array.from({ length: n }, (_, i) => i),
    );
    normalize = false; // the pool was normalized as a whole
  } else if (!isGeneratedKind(spec.kind) && spec.size !== undefined) {
    if (spec.size > base.size) {
      throw new DataError(
        `${base.name}: size ${spec.size} exceeds the ${base.size} points of the data set`,
      );
    }
    // Stratified subsets of one seeded order: the subset of size s is a prefix of that of every
    // larger size (nested, as in the paper's Fig. 9).
    const [rows] = stratifiedNestedSubsets(base, [spec.size], spec.seed ?? DATA_DEFAULTS.seed);
    ds = subset(base, rows, `${base.name}[${spec.size}]`);
    if (normalize && spec.normalizeSubsets === false) {
      // As the paper's data.py: the whole (sub)problem is normalized once and the subsets are
      // cut from it (one factor 1 / radius of the whole data set).
      const r = radius(base);
      if (!(r > 0)) throw new DataError(`${base.name}: every point is 0, cannot scale to radius 1`);
      const scaled = scaleFeatures(ds, 1 / r);
      const out = name === undefined ? scaled : { ...scaled, name };
      return { dataset: out, preprocessing: preprocessingOf(scaled) };
    }
  }
  const fitted = fitPreprocessing(ds, { normalize });
  const dataset = name === undefined ? fitted.dataset : { ...fitted.dataset, name };
  return { dataset, preprocessing: fitted.preprocessing };
}
