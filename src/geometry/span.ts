// The dimension of the span of a component's points around its center (Remark 12: w(A − c) ≤
// ρ·√dim span(A − c)), computed exactly up to a rounding tolerance by modified Gram–Schmidt in
// float64 (re-orthogonalized once, which keeps the basis orthonormal to working precision).

/** Relative tolerance: a residual below TOL·‖x − c‖ counts as inside the span found so far. */
const TOL = 1e-9;

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
  let activeCount = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] * dim;
    for (let k = 0; k < dim; k++) {
      if (active[k] === 0 && features[r + k] !== features[c + k]) {
        active[k] = 1;
        activeCount++;
      }
    }
  }
  if (activeCount === 0) return 0;
  const cols = Int32Array.from({ length: dim }, (_, k) => k).filter((k) => active[k] === 1);
  const m = cols.length;
  const basis: Float64Array[] = [];
  const v = new Float64Array(m);
  for (let i = 0; i < rows.length && basis.length < m; i++) {
    const r = rows[i] * dim;
    let norm2 = 0;
    for (let j = 0; j < m; j++) {
      v[j] = features[r + cols[j]] - features[c + cols[j]];
      norm2 += v[j] * v[j];
    }
    if (norm2 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0;
        for (let j = 0; j < m; j++) dot += q[j] * v[j];
        for (let j = 0; j < m; j++) v[j] -= dot * q[j];
      }
    }
    let res2 = 0;
    for (let j = 0; j < m; j++) res2 += v[j] * v[j];
    if (res2 <= TOL * TOL * norm2) continue;
    const inv = 1 / Math.sqrt(res2);
    basis.push(Float64Array.from(v, (x) => x * inv));
  }
  return basis.length;
}
