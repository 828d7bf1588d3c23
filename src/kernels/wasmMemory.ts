// Moved to src/backends/wasm/memory.ts; kept for old imports.
export * from "../backends/wasm/memory.js";
