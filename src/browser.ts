// The browser-safe part of the public API: everything except file loaders and model files on
// disk. Importing this module pulls in no Node.js built-in.

export * from "./data/index.js";
export { Rng } from "./random/rng.js";
export type { OnProgress, ProgressEvent } from "./progress.js";
export {
  getKernels,
  availableBackends,
  type BackendName,
  type BackendChoice,
  type BitMatrix,
  type DenseLayerT,
  type Kernels,
  type Workspace,
} from "./ops/index.js";
export { referenceKernels } from "./ops/index.js";
export { InterpolatingNetwork, type EstimatorOptions } from "./dfg/estimator.js";
export { fitModel, type FitOptions } from "./dfg/fit.js";
export { predictRows } from "./dfg/predict.js";
export {
  modelStats,
  type FitInfo,
  type FitParams,
  type InterpolationModel,
  type ModelStats,
  type OutputMode,
  type Preprocessing,
  SELECTION_STRATEGIES,
  type SelectionStrategy,
} from "./dfg/model.js";
export { DEFAULT_N_MIN, DEFAULT_PARAMS, OptionError, resolveParams } from "./dfg/params.js";
export { neuronFiring, firingCounts } from "./dfg/inspect.js";
export {
  MODEL_FORMAT,
  MODEL_VERSION,
  ModelFileError,
  modelFromJson,
  modelToJson,
} from "./dfg/modelFile.js";
export { type Activation, type FirstLayer, sampleFirstLayer } from "./dfg/firstLayer.js";
export type { SecondLayer } from "./dfg/secondLayer.js";
export * from "./vys/index.js";
