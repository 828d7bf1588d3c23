// The WebAssembly backend (priority 10): registers itself and the kernels it implements; the
// others run on the reference. Loads where WebAssembly has SIMD and shared memory. Its helper
// threads come from the worker factory the platform sets (threads.ts; Node.js: ./node/threads.ts).

import { registerBackend, registerKernel } from "../registry.js";
import { createWasmKernels, type WasmKernels } from "./kernels.js";

export { createWasmKernels, WasmKernels, type WasmOptions } from "./kernels.js";
export {
  setWasmWorkerFactory,
  wasmWorkerFactory,
  type KernelWorker,
  type WorkerFactory,
} from "./threads.js";
export { serveKernels } from "./helper.js";

registerBackend("wasm", 10, () => createWasmKernels());
registerKernel("wasm", "thresholdLayer", (b: WasmKernels, ...a) => b.thresholdLayer(...a));
registerKernel("wasm", "reluLayer", (b: WasmKernels, ...a) => b.reluLayer(...a));
registerKernel("wasm", "maskedMin", (b: WasmKernels, ...a) => b.maskedMin(...a));
registerKernel("wasm", "maskedMinMany", (b: WasmKernels, ...a) => b.maskedMinMany(...a));
registerKernel("wasm", "maskedBelow", (b: WasmKernels, ...a) => b.maskedBelow(...a));
registerKernel("wasm", "maskedAnyBelow", (b: WasmKernels, ...a) => b.maskedAnyBelow(...a));
registerKernel("wasm", "coverage", (b: WasmKernels, ...a) => b.coverage(...a));
registerKernel("wasm", "reluMinMany", (b: WasmKernels, ...a) => b.reluMinMany(...a));
registerKernel("wasm", "reluBelow", (b: WasmKernels, ...a) => b.reluBelow(...a));
registerKernel("wasm", "reluAnyBelow", (b: WasmKernels, ...a) => b.reluAnyBelow(...a));
registerKernel("wasm", "reluCoverage", (b: WasmKernels, ...a) => b.reluCoverage(...a));
