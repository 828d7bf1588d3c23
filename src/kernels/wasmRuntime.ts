// Moved to src/backends/wasm/runtime.ts; kept for old imports.
export * from "../backends/wasm/runtime.js";
