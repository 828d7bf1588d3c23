// Moved to src/backends/types.ts (the kernel data types and signatures); kept for old imports.
export * from "../backends/types.js";
