// Stages II and III for one set of sorted 1-D points (all of them for Thm 3.1, one subset for
// Thms 5.1 and 6.2): the crafted integers u_j, w_j, then F₃ ∘ F₂ as in Appendix A.4.
//
// Interval j (0-based) holds sorted points j·n .. j·n + n − 1; the point with offset k in it is
// segment k, stored in bits kρ+1 .. (k+1)ρ of u_j and kc+1 .. (k+1)c of w_j, bit 1 being the most
// significant of the nρ-bit (resp. nc-bit) zero-padded representation:
//   u_j = Σ_k ⌊x_(jn+k)⌋ · 2^(ρ(n−1−k)),   w_j = Σ_k y_(jn+k) · 2^(c(n−1−k)).
// Segments of a short last interval are 0 (their w segment is 0, so they never add anything).

import { Lin, NetworkBuilder } from "./builder.js";
import { bitLength } from "./dyadic.js";
import type { ReluNetwork } from "./network.js";
import { emitIntervalSelection, intervalBounds } from "./stageTwo.js";
import { emitBitExtraction } from "./stageThree.js";

/** Sorted points of one subset: their floors ⌊x_i⌋ and labels (1..C). */
export interface SubsetPoints {
  readonly floors: readonly bigint[];
  readonly labels: ArrayLike<number>;
}

/** n points per interval (= segments per crafted integer), ρ bits per floor, c bits per label. */
export interface SubsetShape {
  readonly pointsPerInterval: number;
  readonly rho: number;
  readonly c: number;
}

/** The crafted integers and intervals of Stage II. */
export interface CraftedIntegers {
  readonly bounds: [bigint, bigint][];
  readonly u: bigint[];
  readonly w: bigint[];
}

/** Computes u_j, w_j and the interval bounds; RangeError if a floor or label does not fit. */
export function craftIntegers(points: SubsetPoints, shape: SubsetShape): CraftedIntegers {
  const { pointsPerInterval: n, rho, c } = shape;
  const size = points.floors.length;
  const u: bigint[] = [];
  const w: bigint[] = [];
  for (let start = 0; start < size; start += n) {
    let uj = 0n;
    let wj = 0n;
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const f = i < size ? points.floors[i] : 0n;
      const y = i < size ? BigInt(points.labels[i]) : 0n;
      if (f < 0n || bitLength(f) > rho)
        throw new RangeError(`floor ${f} does not fit in ${rho} bits`);
      if (y < 0n || bitLength(y) > c) throw new RangeError(`label ${y} does not fit in ${c} bits`);
      uj = (uj << BigInt(rho)) | f;
      wj = (wj << BigInt(c)) | y;
    }
    u.push(uj);
    w.push(wj);
  }
  return { bounds: intervalBounds(points.floors, n), u, w };
}

/**
 * Emits F₃ ∘ F₂ on the projected point x: Lemma A.4 twice side by side (for w and for u) plus the
 * coordinate σ(x), then Lemma A.5. Carries `carry` along; returns the label expression.
 */
export function emitSubnetwork<K extends string>(
  bld: NetworkBuilder,
  x: Lin,
  points: SubsetPoints,
  shape: SubsetShape,
  carry: Readonly<Record<K, Lin>>,
): { y: Lin; carry: Record<K, Lin> } {
  const crafted = craftIntegers(points, shape);
  const keys = Object.keys(carry) as K[];
  const two = emitIntervalSelection(
    bld,
    x,
    { bounds: crafted.bounds, values: [crafted.w, crafted.u] },
    { ...carry, "F2.x": x } as Record<K | "F2.x", Lin>,
  );
  const [w, u] = two.outputs;
  const rest = {} as Record<K, Lin>;
  for (const k of keys) rest[k] = two.carry[k];
  const segments = shape.pointsPerInterval;
  return emitBitExtraction(
    bld,
    two.carry["F2.x"],
    w,
    u,
    { segments, rho: shape.rho, c: shape.c },
    rest,
  );
}

/**
 * F₃ ∘ F₂ as a stand-alone network: R → R (x ↦ label), or with `chain` R² → R² ((x, y) ↦
 * (x, y + label), the subnetworks of Thm 6.2).
 */
export function subnetworkNetwork(
  points: SubsetPoints,
  shape: SubsetShape,
  chain = false,
): ReluNetwork {
  const bld = new NetworkBuilder(chain ? 2 : 1);
  const inputs = bld.inputs();
  const x = inputs[0];
  if (!chain) {
    const { y } = emitSubnetwork(bld, x, points, shape, {});
    return bld.finish([y]);
  }
  const { y, carry } = emitSubnetwork(bld, x, points, shape, {
    "chain.x": x,
    "chain.y": inputs[1],
  });
  return bld.finish([carry["chain.x"], carry["chain.y"].plus(y)]);
}
