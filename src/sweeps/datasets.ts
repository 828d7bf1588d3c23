// The data of a trial: generated or loaded once per process (worker) and cut to size N.

import type { Dataset } from "../data/dataset.js";
import { cutBase, DATA_DEFAULTS, generateBase, type DataSpec } from "../data/spec.js";
import { loadBaseData } from "../node/dataSpec.js";
import type { DatasetSpec } from "./config.js";
import { datasetName } from "./grid.js";
import { ExperimentError } from "./errors.js";

/** Options that come from the command line rather than the configuration. */
export interface DataLocation {
  /** Directory of CIFAR-10 or Fashion-MNIST files (overrides dataset.path). */
  readonly dataPath?: string;
}

/** The default moons noise and lines distance (the paper's Figs. 5 and 14; see data/spec.ts). */
export const DEFAULT_NOISE = DATA_DEFAULTS.moonsNoise;
export const DEFAULT_DISTANCE = DATA_DEFAULTS.linesDistance;

/**
 * The data recipe's spec of a trial's data: the experiment's data set with `size` points (the
 * sweeps generate lines on the paper's regular grid: their seed names the results only).
 */
export function trialDataSpec(
  spec: DatasetSpec,
  size: number | undefined,
  location: DataLocation = {},
): DataSpec {
  const { seed, path, ...rest } = spec;
  const dir = location.dataPath ?? path;
  return {
    ...rest,
    split: "all",
    ...(size === undefined ? {} : { size }),
    normalizeSubsets: spec.normalizeSubsets ?? false,
    ...(seed === undefined || spec.kind === "lines" ? {} : { seed }),
    ...(dir === undefined ? {} : { path: dir }),
  };
}

/** Caches the base data (e.g. all of MNIST, or the moons pool) and a few cut data sets. */
export class DatasetCache {
  private readonly bases = new Map<string, Promise<Dataset>>();
  private readonly cut = new Map<string, Dataset>();

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
    const data = trialDataSpec(spec, size, this.location);
    if ((spec.kind === "moons" || spec.kind === "lines") && size === undefined) {
      throw new ExperimentError(`the ${spec.kind} data set needs a size`);
    }
    let base: Dataset;
    if (spec.kind === "lines" || (spec.kind === "moons" && spec.pool === undefined)) {
      base = generateBase(data);
    } else if (spec.kind === "moons") {
      const key = `moons-pool:${spec.pool}:${data.noise ?? DEFAULT_NOISE}:${data.seed ?? 0}:${data.normalize ?? true}`;
      base = await this.base(key, () => generateBase(data));
    } else {
      base = await this.base(`${spec.kind}:${data.path ?? ""}:${spec.classes ?? ""}`, () =>
        loadBaseData(data),
      );
      if (size !== undefined && size > base.size) {
        throw new ExperimentError(
          `${name}: size ${size} exceeds the ${base.size} points of ${base.name}`,
        );
      }
    }
    return cutBase(base, data, name).dataset;
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
}
