// The one heavy kernel of the geometry module: a tile of squared Euclidean distances between two
// blocks of rows. Every backend (this TypeScript reference, WebAssembly, native) must return
// bit-identical numbers, so the arithmetic is fixed, in float64 without fused multiply-add:
//   na_i = Σ_k a_ik²  and  dot_ij = Σ_k a_ik · b_jk  (each summed in increasing k; terms with
//   a_ik = 0 may be skipped, adding ±0 changes nothing),  out_ij = max(0, (na_i + nb_j) − 2 dot_ij).
// This form lets the fast backends block like a matrix product and skip zero coordinates (most of
// an image's pixels).

/** A backend of the distance tile kernel. */
export interface DistanceKernel {
  readonly name: string;
  /**
   * out[i * bRows + j] = ‖a_i − b_j‖² for rows i < aRows of `a` and j < bRows of `b` (row-major,
   * `dim` columns each), in the rounding described above.
   */
  squaredDistances(
    a: Float32Array,
    aRows: number,
    b: Float32Array,
    bRows: number,
    dim: number,
    out: Float64Array,
  ): void;
}

/** Σ_k x_k² of one row, summed in increasing k (the kernel's na_i). */
export function squaredNorm(x: Float32Array, off: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const v = x[off + k];
    s += v * v;
  }
  return s;
}

/** The kernel's value for one pair, given both squared norms. */
export function tileValue(
  a: Float32Array,
  aOff: number,
  na: number,
  b: Float32Array,
  bOff: number,
  nb: number,
  dim: number,
): number {
  let dot = 0;
  for (let k = 0; k < dim; k++) dot += a[aOff + k] * b[bOff + k];
  return Math.max(0, na + nb - 2 * dot);
}

/**
 * ‖a − b‖² of one pair as Σ_k (a_k − b_k)² (four partial sums s[k mod 4], then (s0+s1)+(s2+s3)):
 * the accurate form, used by the k-d tree and by the brute-force checks (not the kernel's form).
 */
export function squaredDistance(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  dim: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= dim; k += 4) {
    const d0 = a[aOff + k] - b[bOff + k];
    const d1 = a[aOff + k + 1] - b[bOff + k + 1];
    const d2 = a[aOff + k + 2] - b[bOff + k + 2];
    const d3 = a[aOff + k + 3] - b[bOff + k + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  if (k < dim) {
    const d0 = a[aOff + k] - b[bOff + k];
    s0 += d0 * d0;
  }
  if (k + 1 < dim) {
    const d1 = a[aOff + k + 1] - b[bOff + k + 1];
    s1 += d1 * d1;
  }
  if (k + 2 < dim) {
    const d2 = a[aOff + k + 2] - b[bOff + k + 2];
    s2 += d2 * d2;
  }
  return s0 + s1 + (s2 + s3);
}

function checkTile(
  name: string,
  a: Float32Array,
  aRows: number,
  b: Float32Array,
  bRows: number,
  dim: number,
  out: Float64Array,
): void {
  const bad = (what: string) => {
    throw new RangeError(`${name}.squaredDistances: ${what}`);
  };
  if (!Number.isInteger(dim) || dim < 1) bad(`dim = ${dim} is not a positive integer`);
  if (!Number.isInteger(aRows) || aRows < 0 || a.length < aRows * dim)
    bad(`a has ${a.length} values, needs ${aRows} rows of ${dim}`);
  if (!Number.isInteger(bRows) || bRows < 0 || b.length < bRows * dim)
    bad(`b has ${b.length} values, needs ${bRows} rows of ${dim}`);
  if (out.length < aRows * bRows) bad(`out has ${out.length} values, needs ${aRows * bRows}`);
}

/** Checks a kernel call's arguments (RangeError naming the backend and the argument). */
export const checkDistanceTile = checkTile;

/** The specification: plain TypeScript. */
export const referenceDistanceKernel: DistanceKernel = {
  name: "reference",
  squaredDistances(a, aRows, b, bRows, dim, out) {
    checkTile("reference", a, aRows, b, bRows, dim, out);
    const nb = Float64Array.from({ length: bRows }, (_, j) => squaredNorm(b, j * dim, dim));
    for (let i = 0; i < aRows; i++) {
      const row = i * bRows;
      const na = squaredNorm(a, i * dim, dim);
      for (let j = 0; j < bRows; j++)
        out[row + j] = tileValue(a, i * dim, na, b, j * dim, nb[j], dim);
    }
  },
};
