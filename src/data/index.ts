// Browser-safe data API: the Dataset type, parsers for in-memory file contents, generators and
// preprocessing. Node-only file loaders live in src/node/.

export { type Dataset, DataError, makeDataset } from "./dataset.js";
export { type IdxArray, parseIdx, idxToDataset, idxPartsToDataset } from "./idx.js";
export {
  CIFAR10_CLASS_NAMES,
  CIFAR10_DIM,
  CIFAR10_RECORD_BYTES,
  cifar10RecordCount,
  decodeCifar10Into,
  parseCifar10Batch,
} from "./cifar10.js";
export { type CsvOptions, parseCsv, sortLabelNames } from "./csv.js";
export { type NpyArray, type NpyDtype, parseNpy, npyToDataset } from "./npy.js";
export {
  makeMoons,
  makeParallelLines,
  makeAlternatingPoints,
  makeRandomLabels,
  makeLinePoints,
} from "./generators.js";
export {
  type ClassConflict,
  classCounts,
  pointNorm,
  radius,
  scaleFeatures,
  scalePixels,
  normalizeRadius,
  classIndex,
  binarySubproblem,
  subset,
  concatDatasets,
  stratifiedNestedSubsets,
  checkFinite,
  findClassConflicts,
  checkDisjointClasses,
} from "./preprocess.js";
export {
  type PreprocessingRecipe,
  IDENTITY,
  preprocessingOf,
  withPreprocessing,
  samePreprocessing,
  fitPreprocessing,
  applyPreprocessing,
  describePreprocessing,
} from "./preprocessing.js";
export {
  type DataSpec,
  type DataKind,
  type DataSplit,
  type ImageKind,
  DATA_DEFAULTS,
  DATA_KINDS,
  IMAGE_KINDS,
  GENERATED_KINDS,
  FILE_KINDS,
  isImageKind,
  isGeneratedKind,
  generateBase,
  cutBase,
} from "./spec.js";
