// The error class of experiments, sweeps, results files and figures (defined in src/errors.ts).

export { ExperimentError, ResultsFileError } from "../errors.js";
