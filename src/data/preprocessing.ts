// Preprocessing as a fitted transform: x ↦ (x / pixelMax) · scale. Data sets carry the transform
// applied to them so far, so that a model can record what it was fitted after and apply the same
// map to raw data in predict/score (like a scikit-learn Pipeline).

import { DataError, type Dataset } from "./dataset.js";
import { radius, scaleFeatures, scalePixels } from "./preprocess.js";

/**
 * How raw input features were transformed: x ↦ (x / pixelMax) · scale, each step rounded to
 * float32, pixelMax omitted when pixels were not scaled.
 */
export interface Preprocessing {
  readonly pixelMax?: number;
  readonly scale: number;
}

/** The identity transform. */
export const IDENTITY: Preprocessing = { scale: 1 };

/** What to fit: map pixels by 1/pixelMax (image data), then scale to radius 1 (normalize). */
export interface PreprocessingRecipe {
  readonly pixelMax?: number;
  readonly normalize: boolean;
}

/** The transform recorded on `ds` (the identity for raw data). */
export function preprocessingOf(ds: Dataset): Preprocessing {
  return ds.preprocessing ?? IDENTITY;
}

/** `ds` with `pre` recorded as the transform applied to it (the identity is not recorded). */
export function withPreprocessing(ds: Dataset, pre: Preprocessing | undefined): Dataset {
  const rest: Dataset = { ...ds };
  delete (rest as { preprocessing?: Preprocessing }).preprocessing;
  return pre === undefined || isIdentity(pre) ? rest : { ...rest, preprocessing: pre };
}

/** True for x ↦ x. */
export function isIdentity(pre: Preprocessing): boolean {
  return pre.pixelMax === undefined && pre.scale === 1;
}

/** True when both transforms are the same map. */
export function samePreprocessing(a: Preprocessing, b: Preprocessing): boolean {
  return a.pixelMax === b.pixelMax && a.scale === b.scale;
}

/**
 * Fits the recipe on `ds` (the radius is measured after pixel scaling) and applies it; returns
 * the transformed data and the transform from the raw features (including what `ds` carried). DataError when every point is 0 and normalize is set.
 */
export function fitPreprocessing(
  ds: Dataset,
  recipe: PreprocessingRecipe,
): { dataset: Dataset; preprocessing: Preprocessing } {
  let out = recipe.pixelMax === undefined ? ds : scalePixels(ds, recipe.pixelMax);
  let scale = 1;
  if (recipe.normalize) {
    const r = radius(out);
    if (!(r > 0)) throw new DataError(`${out.name}: every point is 0, cannot scale to radius 1`);
    scale = 1 / r;
    out = scaleFeatures(out, scale);
  }
  // The record composes with what `ds` carried already (e.g. pixels mapped to [0, 1] earlier).
  return { dataset: out, preprocessing: preprocessingOf(out) };
}

/**
 * Brings `ds` to the input space of a model fitted after `target`: applies what `ds` lacks of
 * it (nothing when it already carries `target`, all of it for raw data, the scaling when only
 * the pixels were scaled). Data that the caller transformed in another way are used as they are.
 */
export function applyPreprocessing(ds: Dataset, target: Preprocessing | undefined): Dataset {
  const want = target ?? IDENTITY;
  const have = preprocessingOf(ds);
  if (samePreprocessing(have, want)) return ds;
  let out = ds;
  if (isIdentity(have)) {
    if (want.pixelMax !== undefined) out = scalePixels(out, want.pixelMax);
    if (want.scale !== 1) out = scaleFeatures(out, want.scale);
    return withPreprocessing(out, want);
  }
  if (have.pixelMax === want.pixelMax && have.scale === 1) {
    return withPreprocessing(scaleFeatures(out, want.scale), want);
  }
  return ds;
}

/** "x / 255 · 0.0357" and the like. */
export function describePreprocessing(pre: Preprocessing): string {
  if (isIdentity(pre)) return "the raw features";
  const parts = ["x"];
  if (pre.pixelMax !== undefined) parts.push(`/ ${pre.pixelMax}`);
  if (pre.scale !== 1) parts.push(`· ${pre.scale}`);
  return parts.join(" ");
}
