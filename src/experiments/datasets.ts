// The data of a trial: generated or loaded once per process (worker) and cut to size N.

import type { Dataset } from "../data/dataset.js";
import { makeMoons, makeParallelLines } from "../data/generators.js";
import {
  binarySubproblem,
  normalizeRadius,
  radius,
  scaleFeatures,
  scalePixels,
  stratifiedNestedSubsets,
  subset,
} from "../data/preprocess.js";
import { loadCifar10, loadFashionMnist, loadMnist } from "../node/loaders.js";
import type { DatasetSpec } from "./config.js";
import { datasetName } from "./grid.js";
import { ExperimentError } from "./errors.js";

/** Options that come from the command line rather than the configuration. */
export interface DataLocation {
  /** Directory of CIFAR-10 or Fashion-MNIST files (overrides dataset.path). */
  readonly dataPath?: string;
}

/** The default moons noise and lines distance (the paper's Figs. 5 and 14). */
export const DEFAULT_NOISE = 0.05;
export const DEFAULT_DISTANCE = 0.1;

/** Caches the base data (e.g. all of MNIST, or the moons pool) and a few cut data sets. */
export class DatasetCache {
  private readonly bases = new Map<string, Promise<Dataset>>();
  private readonly cut = new Map<string, Dataset>();
  private readonly radii = new WeakMap<Dataset, number>();

  constructor(
    private readonly location: DataLocation = {},
    private readonly keep = 3,
  ) {}

  /** The data of `spec` with `size` points (undefined: all), scaled to radius 1 unless disabled. */
  async get(spec: DatasetSpec, size: number | undefined): Promise<Dataset> {
    const name = datasetName(spec, size);
    const key = spec.normalizeSubsets === true ? `${name}|normalizeSubsets` : name;
    const hit = this.cut.get(key);
    if (hit !== undefined) {
      this.cut.delete(key); // re-insert: most recently used last
      this.cut.set(key, hit);
      return hit;
    }
    const ds = await this.build(spec, size, name);
    this.cut.set(key, ds);
    while (this.cut.size > this.keep) this.cut.delete(this.cut.keys().next().value as string);
    return ds;
  }

  private async build(spec: DatasetSpec, size: number | undefined, name: string): Promise<Dataset> {
    const normalize = spec.normalize ?? true;
    const scaled = (ds: Dataset) => rename(normalize ? normalizeRadius(ds) : ds, name);
    switch (spec.kind) {
      case "moons": {
        const n = requireSize(spec, size);
        const noise = spec.noise ?? DEFAULT_NOISE;
        if (spec.pool === undefined) return scaled(makeMoons(n, noise, spec.seed ?? 0));
        // One sample of `pool` points, normalized as a whole; trials take its first N points.
        const pool = await this.base(`moons-pool:${spec.pool}:${noise}:${spec.seed ?? 0}`, () => {
          const ds = makeMoons(spec.pool as number, noise, spec.seed ?? 0);
          return normalize ? normalizeRadius(ds) : ds;
        });
        return rename(
          subset(
            pool,
            Int32Array.from({ length: n }, (_, i) => i),
          ),
          name,
        );
      }
      case "lines":
        return scaled(
          makeParallelLines(requireSize(spec, size), spec.distance ?? DEFAULT_DISTANCE),
        );
      default: {
        const all = await this.base(`${spec.kind}:${spec.path ?? ""}:${spec.classes ?? ""}`, () =>
          this.loadImages(spec),
        );
        if (size === undefined) return scaled(all);
        if (size > all.size) {
          throw new ExperimentError(
            `${name}: size ${size} exceeds the ${all.size} points of ${all.name}`,
          );
        }
        // Stratified subsets of one seeded order: the subset of size s is a prefix of that of
        // every larger size (nested, as in the paper's Fig. 9).
        const [rows] = stratifiedNestedSubsets(all, [size], spec.seed ?? 0);
        const part = subset(all, rows);
        if (!normalize || spec.normalizeSubsets === true) return scaled(part);
        // As the paper's data.py: the whole (sub)problem is normalized once and the subsets are
        // cut from it (same bits as normalizeRadius(all) then subset: one factor 1 / radius).
        return rename(scaleFeatures(part, 1 / this.radiusOf(all)), name);
      }
    }
  }

  /** The radius of a base data set, computed once. */
  private radiusOf(ds: Dataset): number {
    let r = this.radii.get(ds);
    if (r === undefined) {
      r = radius(ds);
      if (!(r > 0) || !Number.isFinite(r)) normalizeRadius(ds); // throws its DataError
      this.radii.set(ds, r);
    }
    return r;
  }

  private base(key: string, make: () => Dataset | Promise<Dataset>): Promise<Dataset> {
    let p = this.bases.get(key);
    if (p === undefined) {
      p = Promise.resolve().then(make);
      this.bases.set(key, p);
      p.catch(() => this.bases.delete(key));
    }
    return p;
  }

  /** Image data with pixels in [0, 1], optionally a binary subproblem (not yet normalized). */
  private async loadImages(spec: DatasetSpec): Promise<Dataset> {
    let raw: Dataset;
    const dir = this.location.dataPath ?? spec.path;
    if (spec.kind === "mnist") raw = await loadMnist({ split: "all" });
    else if (spec.kind === "fashion-mnist") raw = await loadFashionMnist(dir);
    else {
      if (dir === undefined) {
        throw new ExperimentError(
          "CIFAR-10 is not shipped with memonet: pass --data-path DIR, the directory with " +
            "data_batch_1.bin … data_batch_5.bin and test_batch.bin (the binary version)",
        );
      }
      raw = await loadCifar10(dir);
    }
    const pixels = scalePixels(raw);
    return spec.classes === undefined
      ? pixels
      : binarySubproblem(pixels, spec.classes[0], spec.classes[1]);
  }
}

function requireSize(spec: DatasetSpec, size: number | undefined): number {
  if (size === undefined) throw new ExperimentError(`the ${spec.kind} data set needs a size`);
  return size;
}

function rename(ds: Dataset, name: string): Dataset {
  return { ...ds, name };
}
