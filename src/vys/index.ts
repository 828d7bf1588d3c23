// Public API of the Vardi–Yehudai–Shamir optimal-memorization construction (browser-safe).

export * as dyadic from "./dyadic.js";
export type { Dyadic } from "./dyadic.js";
export {
  type LayerSpan,
  type NetworkMetrics,
  type ReluNetwork,
  type SparseLayer,
  checkNetworkStructure,
  networkMetrics,
  sparseLayer,
} from "./network.js";
export { type Coefficient, Lin, NetworkBuilder } from "./builder.js";
export { compose, parallel, sumNetwork } from "./algebra.js";
export {
  DEFAULT_EXACT_BUDGET,
  type ExactBudget,
  type ExactProgram,
  ExactRunner,
  compileExact,
  evaluateExact,
  evaluateExactBatch,
  evaluateReference,
  inputExponentsOf,
  orderByFirstLayer,
  traceExact,
} from "./exactEval.js";
export {
  type FloatDivergence,
  type FloatProgram,
  compileFloat64,
  evaluateFloat64,
  evaluateFloatProgram,
  findFloat64Divergence,
} from "./floatEval.js";
export {
  BitTrack,
  bitTrackInputs,
  lemmaA6Network,
  lemmaA7Network,
  lemmaA8Network,
  telgarskyNetwork,
} from "./blocks.js";
export { type IntervalSelection, intervalBounds, lemmaA4Network } from "./stageTwo.js";
export { type ExtractionShape, lemmaA5Network } from "./stageThree.js";
export {
  type StageOne,
  type StageOneOptions,
  directionBitsFor,
  emitStageOne,
  findStageOne,
} from "./stageOne.js";
export {
  type CraftedIntegers,
  type SubsetPoints,
  type SubsetShape,
  craftIntegers,
  subnetworkNetwork,
} from "./subnetwork.js";
export {
  type ParameterModel,
  type SplitPolicy,
  crossoverSize,
  measuredSubnetworkParameters,
  modelOptimalPointsPerInterval,
  optimalPointsPerInterval,
  paperPointsPerInterval,
  parameterModel,
  predictParameters,
} from "./split.js";
export {
  type BoundInputs,
  type TheoremBounds,
  bitLimitedLowerBound,
  budgetRangeR,
  depthLimitedLowerBound,
  paperRangeR,
  theorem31Bounds,
  theorem51Bounds,
  theorem62Bounds,
} from "./bounds.js";
export {
  type ClosestPair,
  type PointSet,
  closestPair,
  findDuplicateRows,
  pointRadius,
} from "./geometry.js";
export {
  type MemorizationProblem,
  type PreparedProblem,
  prepareProblem,
  problemFromDataset,
} from "./problem.js";
export {
  type MemorizationReport,
  type MemorizationResult,
  type MemorizeOptions,
  type OutputSpec,
  type SplitSummary,
  memorize,
} from "./memorize.js";
export {
  type Float64Check,
  type VerificationFailure,
  type VerificationResult,
  type VerifyLimits,
  type VerifyOptions,
  checkFloat64,
  verifyNetwork,
} from "./verify.js";
export {
  NETWORK_FORMAT,
  NETWORK_VERSION,
  type NetworkDocument,
  NetworkFileError,
  type StoredOutput,
  type StoredPreprocessing,
  networkFromJson,
  networkToJson,
  numberBitsLimit,
  storedOutput,
} from "./networkFile.js";
export {
  VerificationError,
  networkDocument,
  problemForNetwork,
  verifyDocument,
  type DocumentVerification,
} from "./networkData.js";
