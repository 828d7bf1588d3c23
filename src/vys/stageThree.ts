// Stage III (Lemma A.5 with Lemmas A.7 and A.8): bit extraction from the crafted integers.
// Input (x, w, u): u holds n segments of ρ bits (segment i = the floor of the i-th point of the
// interval), w holds n segments of c bits (the labels). For each segment i the network extracts
// the ρ bits of u and the c bits of w (two Lemma A.7 tracks run side by side, the shorter one
// padded with identity layers), tests ⌊x⌋ = BIN(u segment) with Lemma A.8 (window [y, y + 1]),
// and adds y_i = σ(2^(c+1)·ỹ − 2^(c+1) + BIN(w segment)) to the output. Since segments of u differ
// by >= 2, exactly one window contains x, and the output is that segment's label.

import {
  BitTrack,
  bitTrackInputs,
  pick,
  windowFirst,
  windowSecond,
  windowValue,
} from "./blocks.js";
import { Lin, NetworkBuilder } from "./builder.js";
import { pow2 } from "./dyadic.js";
import type { ReluNetwork } from "./network.js";

/** Shape of a Lemma A.5 network: n segments of ρ bits in u and of c bits in w. */
export interface ExtractionShape {
  readonly segments: number;
  readonly rho: number;
  readonly c: number;
}

/**
 * Emits Lemma A.5 on (x, w, u), carrying `carry` along; returns the output expression
 * F(x, w, u) = Σ_i y_i (folded into whatever layer comes next). The first layer includes the
 * paper's H: z = v/2^(nρ) + 2^−(nρ+1), v/2^(nρ) + 2^−(nρ+2) for v = u (and likewise for w).
 */
export function emitBitExtraction<K extends string>(
  bld: NetworkBuilder,
  x: Lin,
  w: Lin,
  u: Lin,
  shape: ExtractionShape,
  carry: Readonly<Record<K, Lin>>,
): { y: Lin; carry: Record<K, Lin> } {
  const { segments: n, rho, c } = shape;
  if (![n, rho, c].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`Lemma A.5 needs integers n, ρ, c >= 1, got ${n}, ${rho}, ${c}`);
  }
  const carryKeys = Object.keys(carry) as K[];
  const U = new BitTrack("u", n * rho, ...bitTrackInputs(u, n * rho));
  const W = new BitTrack("w", n * c, ...bitTrackInputs(w, n * c));
  let X = x;
  let Y = Lin.zero;
  let kept: Record<K, Lin> = { ...carry };
  const steps = Math.max(rho, c);
  const common = (withX: boolean): Record<string, Lin> => ({
    ...kept,
    ...(withX ? { "A5.x": X } : {}),
    ...(Y.isConstant ? {} : { "A5.Y": Y }),
  });
  const absorbCommon = (got: Record<string, Lin>, withX: boolean): void => {
    if (withX) X = got["A5.x"];
    if (!Y.isConstant) Y = got["A5.Y"];
    kept = pick(got, carryKeys);
  };

  for (let i = 0; i < n; i++) {
    const lastSegment = i === n - 1;
    U.acc = Lin.zero;
    W.acc = Lin.zero;
    bld.span(`stage III segment ${i + 1} of ${n}: bits (Lemma A.7)`, () => {
      for (let l = 0; l < steps; l++) {
        const uActive = l < rho;
        const wActive = l < c;
        const keepU = (n - 1 - i) * rho + Math.max(0, rho - 1 - l) > 0;
        const keepW = (n - 1 - i) * c + Math.max(0, c - 1 - l) > 0;
        for (const phase of [0, 1, 2] as const) {
          const got = bld.step({
            ...U.emit(phase, uActive, i * rho + l + 1, keepU),
            ...W.emit(phase, wActive, i * c + l + 1, keepW),
            ...common(true),
          });
          U.absorb(phase, uActive, got, 1n << BigInt(Math.max(0, rho - 1 - l)));
          W.absorb(phase, wActive, got, 1n << BigInt(Math.max(0, c - 1 - l)));
          absorbCommon(got, true);
        }
      }
    });
    bld.span(`stage III segment ${i + 1} of ${n}: match and output (Lemma A.8)`, () => {
      const binU = U.acc;
      const binW = W.acc;
      U.acc = Lin.zero;
      W.acc = Lin.zero;
      const keepX = !lastSegment;
      const phis = (): Record<string, Lin> => ({
        ...U.emit(0, false, 0, !lastSegment),
        ...W.emit(0, false, 0, !lastSegment),
      });
      const absorbPhis = (got: Record<string, Lin>): void => {
        U.absorb(0, false, got, 0n);
        W.absorb(0, false, got, 0n);
      };
      const [h1, h2] = windowFirst(X, binU, binU.plus(1));
      const s1 = bld.step({
        ...phis(),
        ...common(keepX),
        "A8.h1": h1,
        "A8.h2": h2,
        "A5.binW": binW,
      });
      absorbPhis(s1);
      absorbCommon(s1, keepX);
      const [g1, g2] = windowSecond(s1["A8.h1"], s1["A8.h2"]);
      const s2 = bld.step({
        ...phis(),
        ...common(keepX),
        "A8.g1": g1,
        "A8.g2": g2,
        "A5.binW": s1["A5.binW"],
      });
      absorbPhis(s2);
      absorbCommon(s2, keepX);
      const yTilde = windowValue(s2["A8.g1"], s2["A8.g2"]);
      const big = pow2(c + 1);
      const ySeg = yTilde.times(big).minus(big).plus(s2["A5.binW"]);
      const s3 = bld.step({ ...phis(), ...common(keepX), "A5.ySeg": ySeg });
      absorbPhis(s3);
      absorbCommon(s3, keepX);
      Y = Y.plus(s3["A5.ySeg"]);
    });
  }
  return { y: Y, carry: kept };
}

/**
 * Lemma A.5 as a network R³ → R on (x, w, u): if ⌊x⌋ = BIN_{ρj+1:ρ(j+1)}(u) for some segment j
 * (u read as n·ρ bits, its segments pairwise >= 2 apart) then F = BIN_{cj+1:c(j+1)}(w) (w read as
 * n·c bits). Width 12; depth n·(3·max(ρ, c) + 3) + 1; bit complexity max(n·max(ρ, c) + 2, c + 3)
 * (the lemma says n·max(ρ, c) + 2: folding ỹ's −1 into y_i's bias makes it −2^(c+2), one bit
 * more when n = 1 and c >= ρ).
 */
export function lemmaA5Network(shape: ExtractionShape): ReluNetwork {
  const bld = new NetworkBuilder(3);
  const [x, w, u] = bld.inputs();
  const { y } = emitBitExtraction(bld, x, w, u, shape, {});
  return bld.finish([y]);
}
