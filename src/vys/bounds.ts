// The theorems' bounds evaluated for concrete inputs, and the VC lower bounds (Secs. 4–6).
//
// The bounds are O(·) expressions; memonet evaluates them with every hidden constant set to 1
// (and logarithms base 2, clamped below at 1 so that log N = 0 at N = 1 does not divide by 0),
// following the paper's conventions r := max(r, 1) and δ := min(δ, 1). Only ratios
// measured/bound across N are meaningful (they stay bounded if the theorem holds).

/** Inputs of the bounds. */
export interface BoundInputs {
  readonly size: number;
  readonly dim: number;
  readonly classes: number;
  /** Radius r = max ‖x_i‖. */
  readonly radius: number;
  /** Separation δ = min_{i≠j} ‖x_i − x_j‖ (Infinity for one point). */
  readonly separation: number;
}

/** The bound expressions of one theorem (constants = 1). */
export interface TheoremBounds {
  readonly theorem: "3.1" | "5.1" | "6.2";
  /** The theorem's R for these inputs. */
  readonly R: number;
  readonly depth: number;
  readonly parameters: number;
  /** Bit complexity bound (Thm A.1 for 3.1, Thm 6.2); width bound for Thm 5.1. */
  readonly bitComplexity: number | null;
  readonly width: number | null;
  /** VC lower bound on the parameters of any memorizing network, Ω(√N) (Sec. 4). */
  readonly vcLowerBound: number;
}

/** log₂ clamped below at 1. */
export function lg(v: number): number {
  return Math.max(1, Math.log2(v));
}

function clamp(b: BoundInputs): { r: number; delta: number } {
  return {
    r: Math.max(b.radius, 1),
    delta: Math.min(Number.isFinite(b.separation) ? b.separation : 1, 1),
  };
}

/** Thm 3.1's worst-case range R = 10·r·N²·δ⁻¹·√(πd) (with r := max(r, 1), δ := min(δ, 1)). */
export function paperRangeR(b: BoundInputs): number {
  const { r, delta } = clamp(b);
  return (10 * r * b.size * b.size * Math.sqrt(Math.PI * b.dim)) / delta;
}

/**
 * Thm 3.1 / A.1: depth √(N lg N) + √(N/lg N)·max(lg R, lg C); parameters d + depth (width is
 * constant); bit complexity lg d + √(N/lg N)·max(lg R, lg C).
 */
export function theorem31Bounds(b: BoundInputs): TheoremBounds {
  const R = paperRangeR(b);
  const N = b.size;
  const tail = Math.sqrt(N / lg(N)) * Math.max(lg(R), lg(b.classes));
  const depth = Math.sqrt(N * lg(N)) + tail;
  return {
    theorem: "3.1",
    R,
    depth,
    parameters: b.dim + depth,
    bitComplexity: lg(b.dim) + tail,
    width: 12,
    vcLowerBound: Math.sqrt(N),
  };
}

/** Thm 5.1's and 6.2's R = d·N·C·r·δ⁻¹ (with r := max(r, 1), δ := min(δ, 1)). */
export function budgetRangeR(b: BoundInputs): number {
  const { r, delta } = clamp(b);
  return (b.dim * b.size * b.classes * r) / delta;
}

/** Thm 5.1 (depth parameter L): width N/L², depth L/√lg L·lg R, parameters N/(L√lg L)·lg R + d. */
export function theorem51Bounds(b: BoundInputs, L: number): TheoremBounds {
  const R = budgetRangeR(b);
  const N = b.size;
  return {
    theorem: "5.1",
    R,
    depth: (L / Math.sqrt(lg(L))) * lg(R),
    parameters: (N / (L * Math.sqrt(lg(L)))) * lg(R) + b.dim,
    bitComplexity: null,
    width: N / (L * L),
    vcLowerBound: Math.sqrt(N),
  };
}

/** Thm 6.2 (bit parameter B): bits B/√lg B·lg R, depth N√lg B/B·lg R, width O(1). */
export function theorem62Bounds(b: BoundInputs, B: number): TheoremBounds {
  const R = budgetRangeR(b);
  const N = b.size;
  const depth = ((N * Math.sqrt(lg(B))) / B) * lg(R);
  return {
    theorem: "6.2",
    R,
    depth,
    parameters: b.dim + depth,
    bitComplexity: (B / Math.sqrt(lg(B))) * lg(R),
    width: null,
    vcLowerBound: Math.sqrt(N),
  };
}

/**
 * Lower bound on the parameters W of depth-L networks that shatter N points, from the VC bound
 * O(W·L·log W) of Bartlett et al. (Sec. 5): W >= N/(L·lg N), constants 1.
 */
export function depthLimitedLowerBound(size: number, depth: number): number {
  return size / (Math.max(1, depth) * lg(size));
}

/**
 * Lower bound on the parameters W of networks with B-bit weights that shatter N points, from
 * Thm 6.1's VC bound O(W·B + W·log W): W >= N/(B + lg N), constants 1.
 */
export function bitLimitedLowerBound(size: number, bits: number): number {
  return size / (Math.max(1, bits) + lg(size));
}
