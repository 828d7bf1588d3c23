// The scikit-learn style estimator: hyperparameters at construction, `fit` learns a separate,
// inspectable model, `predict`/`score` use it.

import { NotFittedError } from "../errors.js";
import { alignLabels, checkFeatures } from "../validation.js";
import type { Dataset } from "../data/dataset.js";
import { DataError } from "../data/dataset.js";
import { getKernels } from "../kernels/index.js";
import type { Kernels } from "../kernels/types.js";
import { fitModel, type FitProgress } from "./fit.js";
import { modelStats, type FitParams, type InterpolationModel, type ModelStats } from "./model.js";
import { resolveParams } from "./params.js";
import { predictRows } from "./predict.js";

/** Construction options besides the hyperparameters. */
export interface EstimatorOptions {
  /** Kernel backend (see getKernels); getKernels("auto") if omitted. */
  readonly kernels?: Kernels;
  readonly onProgress?: (event: FitProgress) => void;
}

/**
 * A 3-layer interpolation network (Dirksen–Finke–Genzel). Example:
 * `const net = new InterpolatingNetwork({ n: 1000, lambda: 0.5 }); await net.fit(ds);
 *  net.score(ds) === 1`.
 */
export class InterpolatingNetwork {
  readonly params: FitParams;
  private readonly kernels: Kernels | undefined;
  private readonly onProgress: ((event: FitProgress) => void) | undefined;
  private fitted: InterpolationModel | undefined;

  /** Validates the hyperparameters (OptionError names the bad one). */
  constructor(params: Partial<FitParams> = {}, options: EstimatorOptions = {}) {
    this.params = resolveParams(params);
    this.kernels = options.kernels;
    this.onProgress = options.onProgress;
  }

  /** Wraps an already fitted model (e.g. loaded from a file). */
  static fromModel(
    model: InterpolationModel,
    options: EstimatorOptions = {},
  ): InterpolatingNetwork {
    const net = new InterpolatingNetwork(model.params, options);
    net.fitted = model;
    return net;
  }

  /** Fits the network to `ds`; resolves to this estimator. Throws DataError / OptionError. */
  async fit(ds: Dataset): Promise<this> {
    this.fitted = fitModel(ds, this.params, {
      kernels: await this.resolveKernels(),
      ...(this.onProgress ? { onProgress: this.onProgress } : {}),
    });
    return this;
  }

  /** The fitted model; throws if fit has not been called. */
  get model(): InterpolationModel {
    if (this.fitted === undefined) {
      throw new NotFittedError("the network is not fitted yet: call fit()");
    }
    return this.fitted;
  }

  /** Size statistics of the fitted model. */
  stats(): ModelStats {
    return modelStats(this.model);
  }

  /**
   * Predicted class indices for a data set or for row-major features of the model's input
   * dimension. Throws DataError for a dimension mismatch or non-finite values.
   */
  async predict(x: Dataset | Float32Array): Promise<Int32Array> {
    const model = this.model;
    const dim = model.firstLayer.dim;
    const features = x instanceof Float32Array ? x : x.features;
    if (!(x instanceof Float32Array) && x.dim !== dim) {
      throw new DataError(`${x.name}: the data have dimension ${x.dim}, the model expects ${dim}`);
    }
    checkFeatures(features, dim, x instanceof Float32Array ? "predict" : x.name, "column");
    return predictRows(model, features, features.length / dim, await this.resolveKernels());
  }

  /**
   * Fraction of points of `ds` whose predicted class equals its label. Labels are matched to the
   * model's classes by class name; a class the model does not know is a DataError.
   */
  async score(ds: Dataset): Promise<number> {
    if (ds.size === 0) throw new DataError(`${ds.name}: cannot score an empty data set`);
    const expected = alignLabels(ds, this.model.classNames, "the model");
    const predicted = await this.predict(ds);
    let correct = 0;
    for (let i = 0; i < ds.size; i++) if (predicted[i] === expected[i]) correct++;
    return correct / ds.size;
  }

  private async resolveKernels(): Promise<Kernels> {
    if (this.kernels !== undefined) return this.kernels;
    return getKernels("auto");
  }
}
