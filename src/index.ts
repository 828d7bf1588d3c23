// memonet's public API for Node.js: the browser-safe API (browser.ts) plus what needs Node.js.
// The groups below, with those of browser.ts, are the sections of README.md's "Library API".

import "./backends/native/distances.js"; // registers the native distance kernel where built
import "./backends/wasm/node/threads.js"; // helper threads for the WebAssembly backend

export * from "./browser.js";

// Files and loaders: data sets from disk, the file module, the native kernels, network files.
export * from "./node/index.js";

// Model files on disk (Dirksen–Finke–Genzel).
export { loadModel, saveModel } from "./node/modelStore.js";

// Experiments: configurations, grids and seeds, sweeps, results files, shards, reproduce().
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
export {
  ResultsTable,
  type Panel,
  type ResultsSource,
  readResultsTable,
} from "./sweeps/resultsTable.js";
export {
  writePaperResults,
  paperDatasetName,
  type PaperResultsReport,
} from "./sweeps/paperResults.js";
export { type Shard, parseShard, shardFromEnv, resolveShard } from "./sweeps/shard.js";
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

// Figures: the report of an experiment (figures and index.html), the comparison figure.
export { writeReport, type Report } from "./plots/report.js";
export { compareFigure } from "./plots/compareFigure.js";

// Baselines: every construction and an SGD-trained MLP side by side (memonet compare).
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

// Export: ONNX files of fitted models.
export { toOnnx, type OnnxOptions, ONNX_OPSET } from "./export/onnx.js";
