// Stage II (Lemma A.4 with Lemma A.6): the interval-selection network. For sorted 1-D points
// x_1 < ... < x_N at distance >= 2, interval j holds points (j−1)k+1 .. jk; block j adds
// v_j · F̃_j(x) to an accumulator y, where F̃_j is the window of Lemma A.6 on [a_j, b_j]. So on
// every point of interval j the accumulator ends at v_j.
//
// Erratum (documented in README.md, "The construction, step by step"): the paper takes b_j = ⌊x_jk⌋, but then
// F̃_j(x_jk) = 0 whenever x_jk − ⌊x_jk⌋ > ½ (and a = b for a one-point interval, which Lemma A.6
// excludes). memonet takes a_j = ⌊x_(j−1)k+1⌋ and b_j = ⌊x_jk⌋ + 1: every point of the interval
// lies in [a_j, b_j), and the neighbours (>= 2 away) lie beyond the margins a_j − ½, b_j + ½.

import { Lin, NetworkBuilder } from "./builder.js";
import { pick, windowFirst, windowSecond, windowValue } from "./blocks.js";
import { type Dyadic, floor } from "./dyadic.js";
import type { ReluNetwork } from "./network.js";

/** The intervals and the integers each accumulator outputs on them. */
export interface IntervalSelection {
  /** [a_j, b_j] of each interval j (integers, a_j < b_j). */
  readonly bounds: readonly (readonly [bigint, bigint])[];
  /** values[t][j]: what accumulator t outputs on interval j (w_j, u_j, ...). */
  readonly values: readonly (readonly bigint[])[];
}

/**
 * Emits Lemma A.4 for each accumulator t, side by side (the paper's concatenation: each copy has
 * its own x and indicator neurons), carrying `carry` along. Two layers per interval. Returns the
 * accumulators' outputs as expressions (folded into whatever layer comes next).
 */
export function emitIntervalSelection<K extends string>(
  bld: NetworkBuilder,
  x: Lin,
  selection: IntervalSelection,
  carry: Readonly<Record<K, Lin>>,
): { outputs: Lin[]; carry: Record<K, Lin> } {
  const copies = selection.values.length;
  const carryKeys = Object.keys(carry) as K[];
  const xs: Lin[] = new Array<Lin>(copies).fill(x);
  const ys: Lin[] = new Array<Lin>(copies).fill(Lin.zero);
  let kept: Record<K, Lin> = { ...carry };
  const m = selection.bounds.length;
  selection.bounds.forEach(([a, b], j) => {
    if (!(a < b)) throw new Error(`interval ${j}: need a < b, got [${a}, ${b}]`);
    const lastBlock = j === m - 1;
    bld.span(`stage II interval ${j + 1} of ${m} (Lemma A.4/A.6)`, () => {
      const layerA: Record<string, Lin> = { ...kept };
      for (let t = 0; t < copies; t++) {
        const [h1, h2] = windowFirst(xs[t], Lin.constant(a), Lin.constant(b));
        layerA[`A4.${t}.x`] = xs[t];
        layerA[`A4.${t}.h1`] = h1;
        layerA[`A4.${t}.h2`] = h2;
        if (!ys[t].isConstant) layerA[`A4.${t}.y`] = ys[t];
      }
      const sa = bld.step(layerA);
      const layerB: Record<string, Lin> = { ...pick(sa, carryKeys) };
      for (let t = 0; t < copies; t++) {
        const [g1, g2] = windowSecond(sa[`A4.${t}.h1`], sa[`A4.${t}.h2`]);
        if (!lastBlock) layerB[`A4.${t}.x`] = sa[`A4.${t}.x`];
        layerB[`A4.${t}.g1`] = g1;
        layerB[`A4.${t}.g2`] = g2;
        if (!ys[t].isConstant) layerB[`A4.${t}.y`] = sa[`A4.${t}.y`];
      }
      const sb = bld.step(layerB);
      for (let t = 0; t < copies; t++) {
        if (!lastBlock) xs[t] = sb[`A4.${t}.x`];
        const indicator = windowValue(sb[`A4.${t}.g1`], sb[`A4.${t}.g2`]);
        const prev = ys[t].isConstant ? ys[t] : sb[`A4.${t}.y`];
        ys[t] = prev.plus(indicator.times(selection.values[t][j]));
      }
      kept = pick(sb, carryKeys);
    });
  });
  return { outputs: ys, carry: kept };
}

/**
 * The intervals of `k` consecutive sorted points each: a_j = ⌊first point⌋, b_j = ⌊last point⌋ + 1
 * (see the erratum above). Points must be sorted and >= 2 apart.
 */
export function intervalBounds(floors: readonly bigint[], k: number): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (let start = 0; start < floors.length; start += k) {
    const end = Math.min(floors.length, start + k) - 1;
    out.push([floors[start], floors[end] + 1n]);
  }
  return out;
}

/**
 * Lemma A.4 as a network R → R: for sorted points x_1 < ... < x_N (>= 2 apart, as dyadics) and
 * integers w_1..w_m (m < N... any m >= 1), F(x_i) = w_⌈i/k⌉ with k = ⌈N/m⌉. Width 4.
 */
export function lemmaA4Network(points: readonly Dyadic[], w: readonly bigint[]): ReluNetwork {
  const m = w.length;
  if (m < 1 || points.length < 1) throw new RangeError("Lemma A.4 needs points and m >= 1 values");
  const k = Math.ceil(points.length / m);
  const bounds = intervalBounds(points.map(floor), k);
  const bld = new NetworkBuilder(1);
  const [x] = bld.inputs();
  const { outputs } = emitIntervalSelection(
    bld,
    x,
    { bounds, values: [w.slice(0, bounds.length)] },
    {},
  );
  return bld.finish([outputs[0]]);
}
