// Theorem 11's quantities from a mutual covering: the centers' separation δ, the local
// complexity ω of Eq. (2) (from Monte-Carlo mean widths), Remark 12's cheap estimates, and the
// predicted widths with every hidden constant set to 1.

/** Theorem 11 with constants 1: n_min ≳ λ δ⁻¹ log(2 M⁻ M⁺ / η) + λ ω, and n̂ <= M⁻. */
export function predictedWidth(
  lambda: number,
  delta: number,
  mMinus: number,
  mPlus: number,
  omega: number,
  eta: number,
): { n: number; separationTerm: number; complexityTerm: number; nHat: number } {
  const separationTerm = (lambda / delta) * Math.log((2 * mMinus * mPlus) / eta);
  const complexityTerm = lambda * omega;
  return { n: separationTerm + complexityTerm, separationTerm, complexityTerm, nHat: mMinus };
}

/** Remark 12's upper estimates of w(A − c) for a component of radius ρ (constants 1). */
export function remark12Estimates(
  radius: number,
  size: number,
  spanBound: number,
  sparsity: number,
  dim: number,
): { finite: number; subspace: number; sparse: number } {
  return {
    finite: radius * Math.sqrt(Math.log(Math.max(size, 1))),
    subspace: radius * Math.sqrt(spanBound),
    sparse: sparsity === 0 ? 0 : radius * Math.sqrt(sparsity * Math.log((Math.E * dim) / sparsity)),
  };
}

/** ω-type maximum: max over components of w² / d³ (0 for no components). */
export function omegaOf(widths: ArrayLike<number>, distances: ArrayLike<number>): number {
  let best = 0;
  for (let l = 0; l < widths.length; l++) {
    const v = widths[l] ** 2 / distances[l] ** 3;
    if (v > best) best = v;
  }
  return best;
}
