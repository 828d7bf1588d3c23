// The browser-safe part of the public API: everything except file loaders, files on disk, the
// experiment machinery and the baselines. Importing this module pulls in no Node.js built-in.
// The groups below are the sections of README.md's "Library API".

// Errors: every error caused by input is a MemonetError (the CLI prints it as one line).
export {
  MemonetError,
  DataError,
  OptionError,
  ModelFileError,
  NetworkFileError,
  ExperimentError,
  ResultsFileError,
  FileError,
  BackendUnavailableError,
  NotFittedError,
  VerificationError,
  ResourceLimitError,
  ExportError,
  InterruptedError,
  errorFromName,
  isUserError,
} from "./errors.js";

// Progress: the one event type of every long computation.
export type { OnProgress, ProgressEvent } from "./progress.js";

// Data: the Dataset type, parsers of file contents, generators, preprocessing, the data recipe.
export * from "./data/index.js";

// Random numbers: the seeded, platform-independent generator.
export { Rng } from "./random/rng.js";

// Kernels: the backends behind the ops (reference, WebAssembly; native in Node).
export {
  getKernels,
  availableBackends,
  referenceKernels,
  type BackendName,
  type BackendChoice,
  type BitMatrix,
  type DenseLayerT,
  type Kernels,
  type Workspace,
} from "./ops/index.js";
// The WebAssembly backend's helper threads: a page's worker sets a factory of Web Workers that
// run serveKernels (Node.js sets its own, over node:worker_threads).
export {
  setWasmWorkerFactory,
  serveKernels,
  type KernelWorker,
  type WorkerFactory,
} from "./backends/wasm/index.js";

// Dirksen–Finke–Genzel: the estimator, fitting, prediction, inspection and the model format.
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
export { DEFAULT_N_MIN, DEFAULT_PARAMS, resolveParams } from "./dfg/params.js";
export { neuronFiring, firingCounts } from "./dfg/inspect.js";
export {
  MODEL_FORMAT,
  MODEL_VERSION,
  modelFromJson,
  modelToJson,
  type ModelWriteOptions,
} from "./dfg/modelFile.js";
export { type Activation, type FirstLayer, sampleFirstLayer } from "./dfg/firstLayer.js";
export type { SecondLayer } from "./dfg/secondLayer.js";

// Geometry: Theorem 11's quantities measured on data (memonet analyze).
export {
  analyzeDataset,
  type AnalyzeOptions,
  type AnalysisReport,
  type ProblemReport,
  COVER_ORDERS,
  type CoverOrder,
} from "./geometry/index.js";
export { getDistanceKernel, type DistanceKernel } from "./geometry/index.js";

// Vardi–Yehudai–Shamir: the exact deep ReLU networks, their verification and the network format.
export * from "./vys/index.js";
