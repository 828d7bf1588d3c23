// Synthetic data sets: two moons (Sec. 4.1), two parallel lines (Sec. 4.6, Fig. 14), the
// alternating points of Proposition 13, and small random sets for algorithm tests. All
// randomness comes from Rng, so a seed gives the same points on every platform.

import { Rng } from "../random/rng.js";
import { atMost, checkParam, integerAtLeast, multipleOf } from "../validation.js";
import { DataError, type Dataset, makeDataset } from "./dataset.js";

const BINARY_NAMES: readonly string[] = ["0", "1"];
/**
 * Class names of the paper's two-class data (moons, parallel lines): class 0 — X⁻, the class
 * whose second-layer neurons are built — is the paper's label 1, as its code builds the second
 * layer for `y == 1` (the README's table of which class is X⁻); class 1 (X⁺) is its label 0.
 */
const PAPER_BINARY_NAMES: readonly string[] = ["1", "0"];

/** Most points a generator draws (moons, lines: 10⁷ points are 80 MB of float32 features). */
export const MAX_GENERATED_POINTS = 10_000_000;

/** The sizes a generator accepts (the CLI's --size and the configurations' sizes too). */
export const GENERATED_SIZE = [
  integerAtLeast(1),
  atMost(MAX_GENERATED_POINTS, "at most 10^7"),
] as const;

/** The sizes of parallel lines: GENERATED_SIZE, at least 2 and even (two equal classes). */
export const LINES_SIZE = [
  integerAtLeast(2),
  atMost(MAX_GENERATED_POINTS, "at most 10^7"),
  multipleOf(2, "even (two equal classes)"),
] as const;

function checkCount(count: number, min: number, what: string): void {
  const constraints = [integerAtLeast(min), GENERATED_SIZE[1]] as const;
  checkParam(count, `${what}: count`, constraints, (m) => new DataError(m));
}

/** numpy.linspace(start, stop, n): start + i·step with step = (stop-start)/(n-1), last = stop. */
function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) out[0] = start;
  if (n <= 1) return out;
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + start;
  out[n - 1] = stop;
  return out;
}

/**
 * Two interleaving half circles, defined exactly as scikit-learn's make_moons(count, noise=noise,
 * shuffle=True): ⌊count/2⌋ points (cos t, sin t) with t = linspace(0, π) (the outer moon,
 * scikit-learn's label 0) and the rest (1 − cos t, 1 − sin t − 0.5) (the inner moon, its label
 * 1), shuffled, then N(0, noise²) added to every coordinate. As in the paper's code the inner
 * moon is X⁻: class 0, named "1"; the outer moon is class 1, named "0". Seeded by `seed` (the
 * numbers differ from NumPy's generator). DataError for bad args.
 */
export function makeMoons(count: number, noise: number, seed: number): Dataset {
  checkCount(count, 1, "makeMoons");
  if (!(noise >= 0) || !Number.isFinite(noise)) {
    throw new DataError(`makeMoons: noise must be a finite number >= 0, got ${noise}`);
  }
  const nOut = Math.floor(count / 2);
  const nIn = count - nOut;
  const x = new Float64Array(2 * count);
  const y = new Int32Array(count);
  const tOut = linspace(0, Math.PI, nOut);
  for (let i = 0; i < nOut; i++) {
    x[2 * i] = Math.cos(tOut[i]);
    x[2 * i + 1] = Math.sin(tOut[i]);
    y[i] = 1;
  }
  const tIn = linspace(0, Math.PI, nIn);
  for (let i = 0; i < nIn; i++) {
    x[2 * (nOut + i)] = 1 - Math.cos(tIn[i]);
    x[2 * (nOut + i) + 1] = 1 - Math.sin(tIn[i]) - 0.5;
  }
  const rng = new Rng(seed);
  const perm = rng.permutation(count);
  const features = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const p = perm[i];
    let a = x[2 * p];
    let b = x[2 * p + 1];
    if (noise > 0) {
      a += noise * rng.normal();
      b += noise * rng.normal();
    }
    features[2 * i] = a;
    features[2 * i + 1] = b;
    labels[i] = y[p];
  }
  return makeDataset(
    `moons(N=${count}, noise=${noise}, seed=${seed})`,
    features,
    2,
    labels,
    PAPER_BINARY_NAMES,
  );
}

/**
 * Two parallel lines (Sec. 4.6, Fig. 14) in d = 2, as in the paper's code: m = count/2 grid
 * positions x_j = −1 + 2j/(m−1) (x = 0 if m = 1); class 0 (X⁻, named "1" as the paper's label
 * of these points) at (x_j, −distance/2) (rows 0..m−1), class 1 (named "0") at
 * (x_j, +distance/2) (rows m..2m−1). With a `seed`, each pair is moved by the
 * same uniform offset in [−h/4, h/4] along the lines (h = 2/(m−1)), so points of one class stay
 * at least h/2 = 1/(m−1) apart. Every point's nearest neighbour is its partner of the other class
 * when distance < 1/(m−1) (< 2/(m−1) without a seed); the default 1e-3 ensures this for
 * count <= 2000. The paper's Fig. 14 uses count = 20, distance = 0.1. DataError if count is odd.
 */
export function makeParallelLines(count: number, distance = 1e-3, seed?: number): Dataset {
  checkParam(count, "makeParallelLines: count", LINES_SIZE, (m) => new DataError(m));
  if (!(distance > 0) || !Number.isFinite(distance)) {
    throw new DataError(`makeParallelLines: distance must be a positive number, got ${distance}`);
  }
  const m = count / 2;
  const xs = m === 1 ? new Float64Array([0]) : linspace(-1, 1, m);
  if (seed !== undefined && m > 1) {
    const rng = new Rng(seed);
    const h = 2 / (m - 1);
    for (let j = 0; j < m; j++) xs[j] += rng.uniformIn(-h / 4, h / 4);
  }
  const features = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let j = 0; j < m; j++) {
    features[2 * j] = xs[j];
    features[2 * j + 1] = -distance / 2;
    features[2 * (m + j)] = xs[j];
    features[2 * (m + j) + 1] = distance / 2;
    labels[m + j] = 1;
  }
  const seedText = seed === undefined ? "" : `, seed=${seed}`;
  return makeDataset(
    `parallel-lines(N=${count}, distance=${distance}${seedText})`,
    features,
    2,
    labels,
    PAPER_BINARY_NAMES,
  );
}

/**
 * The 1-D data set of Proposition 13 (Sec. 3.6), d = 1: centres c_ℓ⁻ = (ℓ−1)/(M⁻−1), ℓ = 1..M⁻
 * (label 0, X⁻) and c_j⁺ = (j−1/2)/(M⁻−1), j = 1..M⁻−1 (label 1), alternating on [0, 1]. Each
 * centre brings `perCenter` points (default 1): itself and perCenter−1 more at offsets
 * k·s/(2·perCenter) towards the interior of [0, 1] (s = 1/(2(M⁻−1)) is the centre spacing), so a
 * point of the other class lies between any two clusters. Rows: X⁻ clusters in order, then X⁺;
 * the centre is the first point of its cluster. Algorithm 1 needs >= M⁻ second-layer neurons.
 */
export function makeAlternatingPoints(mMinus: number, perCenter = 1): Dataset {
  checkCount(mMinus, 2, "makeAlternatingPoints (M⁻)");
  checkCount(perCenter, 1, "makeAlternatingPoints (points per centre)");
  const mPlus = mMinus - 1;
  const spacing = 1 / (2 * (mMinus - 1));
  const size = (mMinus + mPlus) * perCenter;
  const features = new Float32Array(size);
  const labels = new Int32Array(size);
  let n = 0;
  const cluster = (centre: number, direction: number, label: number): void => {
    for (let k = 0; k < perCenter; k++) {
      features[n] = centre + (direction * k * spacing) / (2 * perCenter);
      labels[n++] = label;
    }
  };
  for (let l = 1; l <= mMinus; l++) cluster((l - 1) / (mMinus - 1), l === mMinus ? -1 : 1, 0);
  for (let j = 1; j <= mPlus; j++) cluster((j - 0.5) / (mMinus - 1), 1, 1);
  return makeDataset(
    `alternating(M-=${mMinus}, perCenter=${perCenter})`,
    features,
    1,
    labels,
    BINARY_NAMES,
  );
}

/**
 * `count` Gaussian points N(0, I/dim) in R^dim (norms concentrate near 1) with random labels: a
 * random permutation of 0, 1, ..., classes−1, 0, 1, ... so class sizes differ by at most one.
 * Class names "0".."classes−1". DataError for bad arguments.
 */
export function makeRandomLabels(
  count: number,
  dim: number,
  classes: number,
  seed: number,
): Dataset {
  checkCount(count, 1, "makeRandomLabels");
  checkCount(dim, 1, "makeRandomLabels (dim)");
  checkCount(classes, 1, "makeRandomLabels (classes)");
  const rng = new Rng(seed);
  const features = new Float32Array(count * dim);
  const scale = 1 / Math.sqrt(dim);
  for (let i = 0; i < features.length; i++) features[i] = rng.normal() * scale;
  const perm = rng.permutation(count);
  const labels = Int32Array.from(perm, (p) => p % classes);
  const names = Array.from({ length: classes }, (_, k) => String(k));
  return makeDataset(
    `random-labels(N=${count}, d=${dim}, K=${classes}, seed=${seed})`,
    features,
    dim,
    labels,
    names,
  );
}

/**
 * `count` points t_i·u on a line through the origin in R^dim (u a random unit vector), sorted by
 * t_i ∈ [−1, 1] (point i lies in the i-th of `count` equal cells, at least 1/count from its
 * neighbours), labels alternating 0, 1, 0, ... along the line. Hard for hyperplanes through 0.
 */
export function makeLinePoints(count: number, seed: number, dim = 2): Dataset {
  checkCount(count, 1, "makeLinePoints");
  checkCount(dim, 1, "makeLinePoints (dim)");
  const rng = new Rng(seed);
  const u = new Float64Array(dim);
  let norm = 0;
  while (norm === 0) {
    norm = 0;
    for (let j = 0; j < dim; j++) {
      u[j] = rng.normal();
      norm += u[j] * u[j];
    }
    norm = Math.sqrt(norm);
  }
  const features = new Float32Array(count * dim);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const t = -1 + (2 * i + 1 + (rng.uniform() - 0.5)) / count;
    for (let j = 0; j < dim; j++) features[i * dim + j] = (t * u[j]) / norm;
    labels[i] = i % 2;
  }
  return makeDataset(
    `line-points(N=${count}, d=${dim}, seed=${seed})`,
    features,
    dim,
    labels,
    BINARY_NAMES,
  );
}
