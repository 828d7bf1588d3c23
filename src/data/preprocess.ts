// Pure preprocessing of Datasets: every function returns a new Dataset (or a summary) and never
// modifies its input.

import { checkFeatures } from "../validation.js";
import { Rng } from "../random/rng.js";
import { DataError, type Dataset, makeDataset } from "./dataset.js";
import { preprocessingOf, withPreprocessing, type Preprocessing } from "./preprocessing.js";

/** Number of points in each class: result[k] counts label k (length = number of classes). */
export function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (let i = 0; i < ds.size; i++) counts[ds.labels[i]]++;
  return counts;
}

/** Euclidean norm of point i (computed in float64). */
export function pointNorm(ds: Dataset, i: number): number {
  let s = 0;
  const base = i * ds.dim;
  for (let j = 0; j < ds.dim; j++) {
    const v = ds.features[base + j];
    s += v * v;
  }
  return Math.sqrt(s);
}

/** Radius R = max_i ‖x_i‖₂ of the data (0 for an empty data set), in the features' units. */
export function radius(ds: Dataset): number {
  let r = 0;
  for (let i = 0; i < ds.size; i++) r = Math.max(r, pointNorm(ds, i));
  return r;
}

/** Returns a copy with every feature multiplied by `factor` (rounded to float32). */
export function scaleFeatures(ds: Dataset, factor: number, name = ds.name): Dataset {
  if (!Number.isFinite(factor)) {
    throw new DataError(`${ds.name}: scale factor must be finite, got ${factor}`);
  }
  const out = new Float32Array(ds.features.length);
  for (let i = 0; i < out.length; i++) out[i] = ds.features[i] * factor;
  return carry(
    makeDataset(name, out, ds.dim, ds.labels.slice(), ds.classNames),
    scaled(ds, factor),
  );
}

/**
 * Options of the scaling functions. inPlace: overwrite ds.features and return ds itself instead
 * of a copy — the same numbers without a second copy of a large data set (e.g. 220 MB for MNIST).
 */
export interface ScaleOptions {
  readonly inPlace?: boolean;
}

/** Maps pixel values 0..max to [0, 1] by dividing every feature by `max` (> 0, default 255). */
export function scalePixels(ds: Dataset, max = 255, options: ScaleOptions = {}): Dataset {
  if (!(max > 0) || !Number.isFinite(max)) {
    throw new DataError(`${ds.name}: pixel maximum must be a positive number, got ${max}`);
  }
  const f = ds.features;
  if (options.inPlace) {
    for (let i = 0; i < f.length; i++) f[i] = f[i] / max;
    return recordInPlace(ds, pixelsScaled(ds, max));
  }
  const out = new Float32Array(f.length);
  for (let i = 0; i < out.length; i++) out[i] = f[i] / max;
  return carry(
    makeDataset(ds.name, out, ds.dim, ds.labels.slice(), ds.classNames),
    pixelsScaled(ds, max),
  );
}

/**
 * Scales all points by R / max‖x‖₂ so that the radius becomes `r` (default 1, up to float32
 * rounding). DataError if every point is 0 or the radius is not finite.
 */
export function normalizeRadius(ds: Dataset, r = 1, options: ScaleOptions = {}): Dataset {
  if (!(r > 0) || !Number.isFinite(r)) {
    throw new DataError(`${ds.name}: target radius must be a positive number, got ${r}`);
  }
  const current = radius(ds);
  if (current === 0) {
    throw new DataError(`${ds.name}: cannot normalize the radius: all ${ds.size} points are 0`);
  }
  if (!Number.isFinite(current)) {
    throw new DataError(
      `${ds.name}: cannot normalize the radius: it is ${current} (run checkFinite)`,
    );
  }
  if (options.inPlace) {
    const factor = r / current;
    const f = ds.features;
    for (let i = 0; i < f.length; i++) f[i] = f[i] * factor;
    return recordInPlace(ds, scaled(ds, factor));
  }
  return scaleFeatures(ds, r / current);
}

/** Resolves a class given by name or by index to its index; DataError naming the classes. */
export function classIndex(ds: Dataset, cls: string | number): number {
  if (typeof cls === "number") {
    if (!Number.isInteger(cls) || cls < 0 || cls >= ds.classNames.length) {
      throw new DataError(
        `${ds.name}: class index ${cls} does not exist; expected 0..${ds.classNames.length - 1}`,
      );
    }
    return cls;
  }
  const k = ds.classNames.indexOf(cls);
  if (k < 0) {
    throw new DataError(
      `${ds.name}: no class named "${cls}"; classes are ${ds.classNames.map((n) => `"${n}"`).join(", ")}`,
    );
  }
  return k;
}

/**
 * The binary problem "a vs b": keeps the points of classes a and b (names or indices), class a
 * becoming label 0 (X⁻) and b label 1 (X⁺), in the original order. DataError if a class is
 * unknown or has no points, or a and b are the same class.
 */
export function binarySubproblem(ds: Dataset, a: string | number, b: string | number): Dataset {
  const ka = classIndex(ds, a);
  const kb = classIndex(ds, b);
  if (ka === kb) {
    throw new DataError(
      `${ds.name}: a binary subproblem needs two different classes, got "${ds.classNames[ka]}" twice`,
    );
  }
  const counts = classCounts(ds);
  for (const k of [ka, kb]) {
    if (counts[k] === 0) {
      throw new DataError(`${ds.name}: class "${ds.classNames[k]}" has no points`);
    }
  }
  const size = counts[ka] + counts[kb];
  const features = new Float32Array(size * ds.dim);
  const labels = new Int32Array(size);
  let n = 0;
  for (let i = 0; i < ds.size; i++) {
    const l = ds.labels[i];
    if (l !== ka && l !== kb) continue;
    features.set(ds.features.subarray(i * ds.dim, (i + 1) * ds.dim), n * ds.dim);
    labels[n++] = l === ka ? 0 : 1;
  }
  const names = [ds.classNames[ka], ds.classNames[kb]];
  return carry(
    makeDataset(`${ds.name} ${names[0]} vs ${names[1]}`, features, ds.dim, labels, names),
    ds.preprocessing,
  );
}

/** The points at `indices` (0-based, in the given order; repeats allowed). DataError if out of range. */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const features = new Float32Array(indices.length * ds.dim);
  const labels = new Int32Array(indices.length);
  for (let n = 0; n < indices.length; n++) {
    const i = indices[n];
    if (!Number.isInteger(i) || i < 0 || i >= ds.size) {
      throw new DataError(
        `${ds.name}: subset index ${n} is ${i}, expected an integer in 0..${ds.size - 1}`,
      );
    }
    features.set(ds.features.subarray(i * ds.dim, (i + 1) * ds.dim), n * ds.dim);
    labels[n] = ds.labels[i];
  }
  return carry(makeDataset(name, features, ds.dim, labels, ds.classNames), ds.preprocessing);
}

/**
 * Concatenates data sets with the same dimension and class names (e.g. MNIST train + test).
 * DataError if the dimensions or class names differ or the list is empty.
 */
export function concatDatasets(parts: readonly Dataset[], name: string): Dataset {
  if (parts.length === 0) throw new DataError(`${name}: nothing to concatenate`);
  const first = parts[0];
  let size = 0;
  for (const p of parts) {
    if (p.dim !== first.dim) {
      throw new DataError(
        `${name}: cannot concatenate ${first.name} (d = ${first.dim}) and ${p.name} (d = ${p.dim})`,
      );
    }
    const same =
      p.classNames.length === first.classNames.length &&
      p.classNames.every((c, k) => c === first.classNames[k]);
    if (!same) {
      throw new DataError(
        `${name}: cannot concatenate ${first.name} and ${p.name}: class names differ ` +
          `([${first.classNames.join(", ")}] vs [${p.classNames.join(", ")}])`,
      );
    }
    size += p.size;
  }
  const features = new Float32Array(size * first.dim);
  const labels = new Int32Array(size);
  let n = 0;
  for (const p of parts) {
    features.set(p.features, n * first.dim);
    labels.set(p.labels, n);
    n += p.size;
  }
  return makeDataset(name, features, first.dim, labels, first.classNames);
}

/**
 * Nested, stratified random subsets: for non-decreasing `sizes` s_1 <= s_2 <= ... <= N returns
 * sorted index sets I_1 ⊆ I_2 ⊆ ... with |I_t| = s_t and, for every class k and every t,
 * |count_k(I_t) - s_t·N_k/N| < 1. Deterministic in `seed`. DataError for invalid sizes.
 */
export function stratifiedNestedSubsets(
  ds: Dataset,
  sizes: readonly number[],
  seed: number,
): Int32Array[] {
  let previous = 0;
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0 || s > ds.size) {
      throw new DataError(`${ds.name}: subset size ${s} must be an integer in 0..${ds.size}`);
    }
    if (s < previous) {
      throw new DataError(
        `${ds.name}: nested subset sizes must not decrease, got ${previous} then ${s}`,
      );
    }
    previous = s;
  }
  const total = ds.size;
  const k = ds.classNames.length;
  const counts = classCounts(ds);
  // Members of each class in a random order (one stream per class).
  const members: Int32Array[] = counts.map((c) => new Int32Array(c));
  const fill = new Array<number>(k).fill(0);
  for (let i = 0; i < total; i++) members[ds.labels[i]][fill[ds.labels[i]]++] = i;
  const shuffled = members.map((m, cls) => {
    const p = new Rng(seed, cls).permutation(m.length);
    return Int32Array.from(p, (j) => m[j]);
  });
  // One order of all points in which every prefix of length s holds c_k points of class k with
  // |c_k − s·N_k/N| < 1. The j-th point of class k (1-based) must then sit at a position p
  // (1-based) with (j−1)·N/N_k < p < j·N/N_k + 1: a unit job with a release time and deadline
  // ceil(j·N/N_k). Earliest-deadline-first meets every deadline because a feasible order exists
  // (Tijdeman's chairman-assignment theorem). Ties go to the lower class index.
  const order = new Int32Array(previous);
  const taken = new Array<number>(k).fill(0);
  for (let s = 1; s <= previous; s++) {
    let best = -1;
    let bestDeadline = Infinity;
    for (let c = 0; c < k; c++) {
      const nk = counts[c];
      const j = taken[c] + 1;
      if (j > nk || (j - 1) * total >= s * nk) continue; // exhausted or not yet released
      const deadline = Math.floor((j * total + nk - 1) / nk);
      if (deadline < bestDeadline) {
        bestDeadline = deadline;
        best = c;
      }
    }
    if (best < 0 || bestDeadline < s) {
      throw new Error(`stratifiedNestedSubsets: internal error at position ${s}`);
    }
    order[s - 1] = shuffled[best][taken[best]++];
  }
  return sizes.map((s) => order.slice(0, s).sort());
}

/**
 * Throws DataError naming the first point (0-based row) and column holding NaN or ±Infinity.
 */
export function checkFinite(ds: Dataset): void {
  checkFeatures(ds.features, ds.dim, ds.name, "feature");
}

/** A pair of points with identical features but different labels (0-based rows, first < second). */
export interface ClassConflict {
  readonly first: number;
  readonly second: number;
}

/**
 * Finds points with exactly equal features (−0 = +0) but different labels, pairing each with the
 * first occurrence of its feature vector. Expected O(N·d) time (hashing), at most `limit` pairs.
 */
export function findClassConflicts(ds: Dataset, limit = Infinity): ClassConflict[] {
  const { size, dim } = ds;
  const bits = new Uint32Array(ds.features.buffer, ds.features.byteOffset, ds.features.length);
  const f = ds.features;
  let tableSize = 1;
  while (tableSize < 2 * size) tableSize *= 2;
  const mask = tableSize - 1;
  const slots = new Int32Array(tableSize).fill(-1); // representative row of each distinct vector
  const slotHash = new Uint32Array(tableSize);
  const conflicts: ClassConflict[] = [];
  for (let i = 0; i < size && conflicts.length < limit; i++) {
    const base = i * dim;
    let h = 0x811c9dc5;
    for (let j = 0; j < dim; j++) {
      let v = bits[base + j];
      if (v === 0x80000000) v = 0; // −0 hashes like +0
      h = Math.imul(h ^ v, 0x01000193);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
    let slot = h & mask;
    for (;;) {
      const rep = slots[slot];
      if (rep < 0) {
        slots[slot] = i;
        slotHash[slot] = h;
        break;
      }
      if (slotHash[slot] === h) {
        const rb = rep * dim;
        let equal = true;
        for (let j = 0; j < dim; j++) {
          if (f[rb + j] !== f[base + j]) {
            equal = false;
            break;
          }
        }
        if (equal) {
          if (ds.labels[rep] !== ds.labels[i]) conflicts.push({ first: rep, second: i });
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
  }
  return conflicts;
}

/**
 * Throws DataError if two points have identical features but different labels (the classes must
 * be disjoint for exact memorization); the message names the rows, their labels and the count.
 */
export function checkDisjointClasses(ds: Dataset): void {
  const conflicts = findClassConflicts(ds);
  if (conflicts.length === 0) return;
  const { first, second } = conflicts[0];
  const la = ds.classNames[ds.labels[first]];
  const lb = ds.classNames[ds.labels[second]];
  const more = conflicts.length > 1 ? `; ${conflicts.length} such points in total` : "";
  throw new DataError(
    `${ds.name}: points ${first} and ${second} (0-based rows) have identical features but ` +
      `different labels ("${la}" and "${lb}"): the classes must be disjoint${more}`,
  );
}

/** `ds` with the transform `pre` recorded (returns `ds` itself when there is nothing to record). */
function carry(ds: Dataset, pre: Preprocessing | undefined): Dataset {
  if (pre === undefined && ds.preprocessing === undefined) return ds;
  return withPreprocessing(ds, pre);
}

/** The record after multiplying the features of `ds` by `factor`. */
function scaled(ds: Dataset, factor: number): Preprocessing {
  const pre = preprocessingOf(ds);
  return { ...pre, scale: pre.scale * factor };
}

/** The record after dividing the features of `ds` by `max`. */
function pixelsScaled(ds: Dataset, max: number): Preprocessing {
  const pre = preprocessingOf(ds);
  return { pixelMax: (pre.pixelMax ?? 1) * max, scale: pre.scale };
}

/** Records `pre` on `ds` itself (the in-place variants modify their input, record included). */
function recordInPlace(ds: Dataset, pre: Preprocessing): Dataset {
  (ds as { preprocessing?: Preprocessing }).preprocessing = pre;
  return ds;
}
