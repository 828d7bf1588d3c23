// Node.js-only data loaders (file system, gzip). Browser code uses src/data/ directly.

export { readMaybeGzip, fileError, isDirectory, isFile } from "./files.js";
export {
  type Split,
  type SplitOptions,
  type IdxDirectoryOptions,
  MNIST_CLASS_NAMES,
  FASHION_MNIST_CLASS_NAMES,
  DEFAULT_FASHION_MNIST_DIR,
  CIFAR10_TRAIN_FILES,
  CIFAR10_TEST_FILE,
  readIdxFile,
  loadIdxDataset,
  loadIdxDirectory,
  mnistDataDirectory,
  loadMnist,
  loadFashionMnist,
  loadCifar10,
  loadCsvFile,
  loadNpyFiles,
} from "./loaders.js";
export { createNativeKernels, nativeTables, NATIVE_ADDON_PATH } from "../backends/native/index.js";
export type { NativeOptions, NativeTable } from "../backends/native/index.js";
export { type BaseOptions, loadBaseData, loadDataSpec, loadDataSpecFor } from "./dataSpec.js";
export { loadNetworkFile, saveNetworkFile } from "./networkStore.js";
