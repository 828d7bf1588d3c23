// memonet's public API for Node.js: the browser-safe API plus file loaders and model files.

export * from "./browser.js";
export * from "./node/index.js";
export { loadModel, saveModel } from "./node/modelStore.js";
