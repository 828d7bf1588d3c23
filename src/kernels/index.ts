// Moved to src/ops/index.ts (backend choice over the ops); kept for old imports.
export * from "../ops/index.js";
