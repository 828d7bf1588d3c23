// The geometry of a data set as the theory of Dirksen–Finke–Genzel sees it (browser-safe).

export * from "./analyze.js";
export * from "./covering.js";
export * from "../ops/distances.js";
export * from "../backends/reference/distances.js";
export { KdTree } from "./kdTree.js";
export * from "./meanWidth.js";
export * from "./nearest.js";
export * from "./theory.js";
