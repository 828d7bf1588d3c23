// The data of an experiment's dataset and boundary figures: the experiment's data sets through
// the data recipe, and boundary data from networks fitted with their trials' seeds. The figures
// (plots/) only draw what this returns.

import { DATA_DEFAULTS } from "../data/spec.js";
import type { Kernels } from "../backends/types.js";
import type { FigureData, FigureDataSource } from "../plots/figures.js";
import { boundaryData } from "./boundary.js";
import type { ExperimentConfig, FigureSpec } from "./config.js";
import { DatasetCache } from "./datasets.js";
import { planOf } from "./grid.js";

/** What the figure data of an experiment depend on. */
export interface FigureDataOptions {
  readonly config: ExperimentConfig;
  readonly quick: boolean;
  readonly kernels: Kernels;
  /** Directory of CIFAR-10 or Fashion-MNIST files. */
  readonly dataPath?: string;
}

/** A FigureDataSource for `config`'s dataset and boundary figures (one data cache for all). */
export function figureDataSource(o: FigureDataOptions): FigureDataSource {
  const cache = new DatasetCache(o.dataPath === undefined ? {} : { dataPath: o.dataPath }, 4);
  return async (spec: FigureSpec): Promise<FigureData> => {
    const plan = planOf(o.config, o.quick);
    const dataset = plan.dataset;
    if (spec.kind === "dataset") {
      if (dataset.kind === "moons" || dataset.kind === "lines") {
        const sizes = spec.sizes ?? [dataset.size ?? DATA_DEFAULTS.moonsSize];
        const sets = [];
        for (const s of sizes) sets.push(await cache.get(dataset, s));
        return { kind: "scatter", sets };
      }
      return {
        kind: "images",
        dataset: await cache.get({ ...dataset, normalize: false }, undefined),
      };
    }
    if (spec.kind !== "boundary") {
      throw new Error(`a ${spec.kind} figure is drawn from results rows, not figure data`);
    }
    const ds = await cache.get(dataset, dataset.size);
    const panels = spec.n.flatMap((n) =>
      spec.lambda.map((lambda) => ({
        n,
        lambda,
        activation: "threshold" as const,
        restart: spec.restart,
      })),
    );
    return {
      kind: "boundary",
      data: boundaryData(ds, panels, {
        name: spec.name,
        experiment: o.config.name,
        algorithm: o.config.algorithm,
        kernels: o.kernels,
      }),
    };
  };
}
