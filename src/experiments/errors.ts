// The one error class of experiments, sweeps, results files and figures.

/**
 * Thrown for a problem in user input to an experiment: an unknown experiment, a malformed
 * configuration (the message names the file and key), a results file with missing columns, a
 * bad shard. The CLI prints its message as one line.
 */
export class ExperimentError extends Error {
  override readonly name = "ExperimentError";
}
