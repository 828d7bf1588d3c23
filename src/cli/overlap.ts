// Whether the data `memonet eval` scores overlap the data the model was fitted on (which
// `memonet fit` records in the model file): an accuracy on training points measures
// memorization, not generalization.

import { DATA_DEFAULTS, type DataSpec, isImageKind } from "../data/spec.js";

/** The data options that describe `spec`, e.g. "mnist --split train --classes 1,9". */
export function describeSpec(spec: DataSpec): string {
  const parts: string[] = [spec.kind];
  if (spec.path !== undefined) parts.push(`--path ${spec.path}`);
  if (isImageKind(spec.kind)) parts.push(`--split ${spec.split ?? "all"}`);
  if (spec.classes !== undefined) parts.push(`--classes ${spec.classes.join(",")}`);
  if (spec.size !== undefined) parts.push(`--size ${spec.size}`);
  if (spec.noise !== undefined) parts.push(`--noise ${spec.noise}`);
  if (spec.distance !== undefined) parts.push(`--distance ${spec.distance}`);
  if (spec.seed !== undefined) parts.push(`--data-seed ${spec.seed}`);
  return parts.join(" ");
}

const same = <T>(a: T | undefined, b: T | undefined, fallback: T) =>
  (a ?? fallback) === (b ?? fallback);

/** True when the image splits `a` and `b` share images ("all" is train + test). */
function splitsOverlap(a: DataSpec["split"], b: DataSpec["split"]): boolean {
  const x = a ?? "all";
  const y = b ?? "all";
  return x === "all" || y === "all" || x === y;
}

/**
 * A warning when the evaluation data `evaluated` contain some or all of the training data
 * `training`, else undefined. Image data overlap when their splits do (and their binary
 * subproblems share a class); generated data when they are generated alike (same size, noise,
 * distance and seed); files when they are the same files.
 */
export function overlapWarning(training: DataSpec, evaluated: DataSpec): string | undefined {
  if (training.kind !== evaluated.kind) return undefined;
  let overlap: boolean;
  if (isImageKind(training.kind)) {
    const sharesClass =
      training.classes === undefined ||
      evaluated.classes === undefined ||
      training.classes.some((c) => evaluated.classes?.includes(c));
    overlap =
      same(training.path, evaluated.path, "") &&
      sharesClass &&
      splitsOverlap(training.split, evaluated.split);
  } else if (training.kind === "moons" || training.kind === "lines") {
    const moons = training.kind === "moons";
    overlap =
      same(
        training.size,
        evaluated.size,
        moons ? DATA_DEFAULTS.moonsSize : DATA_DEFAULTS.linesSize,
      ) &&
      same(training.noise, evaluated.noise, -1) &&
      same(training.distance, evaluated.distance, -1) &&
      same(training.seed, evaluated.seed, moons ? DATA_DEFAULTS.seed : -1) &&
      same(training.pool, evaluated.pool, 0);
  } else {
    overlap =
      same(training.path, evaluated.path, "") && same(training.labels, evaluated.labels, "");
  }
  if (!overlap) return undefined;
  const advice = isImageKind(training.kind)
    ? "fit on --split train and evaluate on --split test to measure generalization"
    : "evaluate on data the model was not fitted on to measure generalization";
  return (
    `these data overlap the model's training data (fitted on ${describeSpec(training)}, ` +
    `evaluated on ${describeSpec(evaluated)}): the accuracy measures memorization, not ` +
    `generalization; ${advice}`
  );
}
