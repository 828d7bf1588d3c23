// The browser-safe part of the public API: everything except file loaders and model files on
// disk. Importing this module pulls in no Node.js built-in.

export * from "./data/index.js";
export { Rng } from "./random/rng.js";
export {
  getKernels,
  availableBackends,
  type BackendName,
  type BackendChoice,
  type BitMatrix,
  type DenseLayerT,
  type Kernels,
  type Workspace,
} from "./kernels/index.js";
export { referenceKernels } from "./kernels/reference.js";
export { InterpolatingNetwork, type EstimatorOptions } from "./interpolation/estimator.js";
export { fitModel, type FitOptions, type FitProgress } from "./interpolation/fit.js";
export { predictRows } from "./interpolation/predict.js";
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
} from "./interpolation/model.js";
export {
  DEFAULT_N_MIN,
  DEFAULT_PARAMS,
  OptionError,
  resolveParams,
} from "./interpolation/params.js";
export { neuronFiring, firingCounts } from "./interpolation/inspect.js";
export {
  MODEL_FORMAT,
  MODEL_VERSION,
  ModelFileError,
  modelFromJson,
  modelToJson,
} from "./interpolation/modelFile.js";
export { type Activation, type FirstLayer, sampleFirstLayer } from "./interpolation/firstLayer.js";
export type { SecondLayer } from "./interpolation/secondLayer.js";
export * from "./memorization/index.js";
