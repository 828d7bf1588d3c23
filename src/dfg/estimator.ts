// The scikit-learn style estimator: hyperparameters at construction, `fit` learns a separate,
// inspectable model, `predict`/`score` use it.

import { NotFittedError } from "../errors.js";
import { alignLabels, checkFeatures } from "../validation.js";
import type { Dataset } from "../data/dataset.js";
import { DataError } from "../data/dataset.js";
import { applyPreprocessing } from "../data/preprocessing.js";
import { getKernels } from "../ops/index.js";
import type { Kernels } from "../backends/types.js";
import { fitModel } from "./fit.js";
import type { OnProgress } from "../progress.js";
import { modelStats, type FitParams, type InterpolationModel, type ModelStats } from "./model.js";
import { resolveParams } from "./params.js";
import { firingCounts, neuronFiring } from "./inspect.js";
import { predictRows } from "./predict.js";

/** Construction options besides the hyperparameters. */
export interface EstimatorOptions {
  /** Kernel backend (see getKernels); getKernels("auto") if omitted. */
  readonly kernels?: Kernels;
  /** Progress of fit (see FitOptions.onProgress). */
  readonly onProgress?: OnProgress;
}

/**
 * A 3-layer interpolation network (Dirksen–Finke–Genzel). Example:
 * `const net = new InterpolatingNetwork({ n: 1000, lambda: 0.5 }); await net.fit(ds);
 *  net.score(ds) === 1`.
 */
export class InterpolatingNetwork {
  readonly params: FitParams;
  private readonly kernels: Kernels | undefined;
  private readonly onProgress: OnProgress | undefined;
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

  /**
   * Fits the network to `ds`; resolves to this estimator. The transform `ds` carries (e.g. from
   * normalizeRadius) is recorded as model.preprocessing and applied to raw data by predict and
   * score. Throws DataError / OptionError.
   */
  async fit(ds: Dataset): Promise<this> {
    const model = fitModel(ds, this.params, {
      kernels: await this.resolveKernels(),
      ...(this.onProgress ? { onProgress: this.onProgress } : {}),
    });
    this.fitted =
      ds.preprocessing === undefined ? model : { ...model, preprocessing: ds.preprocessing };
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
   * Predicted class indices for a data set (raw data get the model's preprocessing first) or for
   * row-major features already in the model's input space. Throws DataError for a dimension
   * mismatch or non-finite values.
   */
  async predict(input: Dataset | Float32Array): Promise<Int32Array> {
    const model = this.model;
    const dim = model.firstLayer.dim;
    const x = input instanceof Float32Array ? input : this.transform(input);
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

  /**
   * Which neurons of subnetwork `subnetwork` (0: the binary model's only one) fire at each point:
   * result[j][p] = 1 when neuron j fires at point p. Data sets get the model's preprocessing.
   */
  async neuronFiring(input: Dataset | Float32Array, subnetwork = 0): Promise<Uint8Array[]> {
    const x = input instanceof Float32Array ? input : this.checked(input).features;
    return neuronFiring(this.model, x, await this.resolveKernels(), subnetwork);
  }

  /**
   * A decision function: per subnetwork, how many of its neurons fire at each point (binary
   * models: > 0 means X⁻, class 0). Data sets get the model's preprocessing.
   */
  async decisionFunction(input: Dataset | Float32Array): Promise<Int32Array[]> {
    const x = input instanceof Float32Array ? input : this.checked(input).features;
    return firingCounts(this.model, x, await this.resolveKernels());
  }

  private checked(ds: Dataset): Dataset {
    const dim = this.model.firstLayer.dim;
    if (ds.dim !== dim) {
      throw new DataError(
        `${ds.name}: the data have dimension ${ds.dim}, the model expects ${dim}`,
      );
    }
    return this.transform(ds);
  }

  /** `ds` in the model's input space: its recorded preprocessing applied to raw data. */
  transform(ds: Dataset): Dataset {
    return applyPreprocessing(ds, this.model.preprocessing);
  }

  private async resolveKernels(): Promise<Kernels> {
    if (this.kernels !== undefined) return this.kernels;
    return getKernels("auto");
  }
}
