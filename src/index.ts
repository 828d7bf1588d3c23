// memonet's public API for Node.js: the browser-safe API plus file loaders and model files.

export * from "./browser.js";
export * from "./node/index.js";
export { loadModel, saveModel } from "./node/modelStore.js";
export { ExperimentError } from "./sweeps/errors.js";
export {
  type ExperimentConfig,
  type DatasetSpec,
  type FigureSpec,
  parseExperiment,
} from "./sweeps/config.js";
export { listExperiments, loadExperiment, experimentsDirectory } from "./sweeps/registry.js";
export { type Trial, expandTrials, trialSeed } from "./sweeps/grid.js";
export { runSweep, type SweepOptions, type SweepReport } from "./sweeps/runner.js";
export {
  type ResultRow,
  type ResultsFile,
  readResults,
  parseResults,
  resultColumns,
} from "./sweeps/results.js";
export { mergeResults, type MergeReport } from "./sweeps/merge.js";
export { type Shard, parseShard, shardFromEnv, resolveShard } from "./sweeps/shard.js";
export { writeReport, type Report } from "./plots/report.js";
export {
  COMPARE_METHODS,
  METHOD_DESCRIPTIONS,
  type CompareMethod,
  type CompareOptions,
  type CompareRow,
  compareMethods,
} from "./baselines/compare.js";
export {
  type ProjectionNetwork,
  type ProjectionOptions,
  type ProjectionStats,
  fitProjection,
  predictProjection,
  projectionStats,
  scoreProjection,
} from "./baselines/projection.js";
export {
  type MlpWeights,
  type SgdAttempt,
  type SgdOptions,
  type SgdResult,
  mlpParameters,
  predictMlp,
  searchSgdWidth,
} from "./baselines/sgd.js";
export { useTfjsWasm } from "./node/tfjs.js";
export { compareFigure } from "./plots/compareFigure.js";
export { toOnnx, ExportError, ONNX_OPSET, type OnnxOptions } from "./export/onnx.js";
export {
  reproduce,
  type ReproduceOptions,
  type ReproduceResult,
  defaultResultsPath,
  defaultFiguresDir,
} from "./sweeps/reproduce.js";
export {
  boundaryData,
  type BoundaryData,
  type BoundaryPanel,
  type BoundaryPanelData,
} from "./sweeps/boundary.js";
export { figureDataSource, type FigureDataOptions } from "./sweeps/figureData.js";
