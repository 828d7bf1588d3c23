// Moved to src/backends/native/ (importing either registers the native backend); kept for old
// imports.
export * from "../backends/native/index.js";
