// Moved to src/backends/wasm/; kept for old imports.
export { createWasmKernels } from "../backends/wasm/index.js";
