// The dimension of the span of a component's points around its center (Remark 12: w(A − c) ≤
// ρ·√dim span(A − c)), computed exactly up to a rounding tolerance by Gram–Schmidt in float64:
// classical Gram–Schmidt with selective re-orthogonalization ("twice is enough"), which keeps the
// basis orthonormal to working precision, like modified Gram–Schmidt re-orthogonalized once, at
// about a third of its cost (the projections against four basis vectors share each read of x − c).

/** Relative tolerance: a residual below TOL·‖x − c‖ counts as inside the span found so far. */
const TOL = 1e-9;

/**
 * A second projection is made unless the first kept at least this share of ‖v‖² (then the loss
 * of orthogonality is of the order of the rounding) or left less than (TOL/100)²·‖x − c‖².
 */
const KEEP = 0.5;
const CLEARLY_INSIDE = 1e-4 * TOL * TOL;

/**
 * dim span{x_p − c : p ∈ rows} for rows of `features` (`dim` columns) and the center row `center`.
 * Cost O(|rows| · rank · dim); stops early once the rank reaches the number of coordinates in
 * which some point differs from the center (an upper bound that Gram–Schmidt cannot pass).
 */
export function spanRank(
  features: Float32Array,
  dim: number,
  rows: ArrayLike<number>,
  center: number,
): number {
  const c = center * dim;
  const active = new Uint8Array(dim);
  let m = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] * dim;
    for (let k = 0; k < dim; k++) {
      if (active[k] === 0 && features[r + k] !== features[c + k]) {
        active[k] = 1;
        m++;
      }
    }
  }
  if (m === 0) return 0;
  const cols = new Int32Array(m);
  for (let k = 0, j = 0; k < dim; k++) if (active[k] === 1) cols[j++] = k;
  // The orthonormal basis, one row of m numbers per vector.
  const q = new Float64Array(Math.min(m, rows.length) * m);
  const h = new Float64Array(m);
  const v = new Float64Array(m);
  let rank = 0;
  for (let i = 0; i < rows.length && rank < m; i++) {
    const r = rows[i] * dim;
    let norm2 = 0;
    for (let j = 0; j < m; j++) {
      const d = features[r + cols[j]] - features[c + cols[j]];
      v[j] = d;
      norm2 += d * d;
    }
    if (norm2 === 0) continue;
    let res2 = norm2;
    for (let pass = 0; pass < 2; pass++) {
      const before = res2;
      project(q, rank, m, v, h);
      res2 = 0;
      for (let j = 0; j < m; j++) res2 += v[j] * v[j];
      if (res2 >= KEEP * before || res2 <= CLEARLY_INSIDE * norm2) break;
    }
    if (res2 <= TOL * TOL * norm2) continue;
    const inv = 1 / Math.sqrt(res2);
    const o = rank * m;
    for (let j = 0; j < m; j++) q[o + j] = v[j] * inv;
    rank++;
  }
  return rank;
}

/** v ← v − Σ_b ⟨q_b, v⟩ q_b over the first `rank` rows of q (h: scratch for the coefficients). */
function project(q: Float64Array, rank: number, m: number, v: Float64Array, h: Float64Array): void {
  let b = 0;
  for (; b + 4 <= rank; b += 4) {
    const o0 = b * m;
    const o1 = o0 + m;
    const o2 = o1 + m;
    const o3 = o2 + m;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < m; j++) {
      const x = v[j];
      s0 += q[o0 + j] * x;
      s1 += q[o1 + j] * x;
      s2 += q[o2 + j] * x;
      s3 += q[o3 + j] * x;
    }
    h[b] = s0;
    h[b + 1] = s1;
    h[b + 2] = s2;
    h[b + 3] = s3;
  }
  for (; b < rank; b++) {
    const o = b * m;
    let s = 0;
    for (let j = 0; j < m; j++) s += q[o + j] * v[j];
    h[b] = s;
  }
  b = 0;
  for (; b + 4 <= rank; b += 4) {
    const o0 = b * m;
    const o1 = o0 + m;
    const o2 = o1 + m;
    const o3 = o2 + m;
    const h0 = h[b];
    const h1 = h[b + 1];
    const h2 = h[b + 2];
    const h3 = h[b + 3];
    for (let j = 0; j < m; j++) {
      v[j] -= h0 * q[o0 + j] + h1 * q[o1 + j] + (h2 * q[o2 + j] + h3 * q[o3 + j]);
    }
  }
  for (; b < rank; b++) {
    const o = b * m;
    const hb = h[b];
    for (let j = 0; j < m; j++) v[j] -= hb * q[o + j];
  }
}
