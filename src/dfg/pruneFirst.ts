// First-layer pruning (threshold activation). Removing first-layer neuron i lowers
// s_c(x) = ⟨u_c, Φ(x)⟩ by 1 exactly where u_ci = Φ_i(x) = 1 and leaves the thresholds m_c alone,
// so points a second-layer neuron fires on (s < m) keep firing. Neuron i may go iff afterwards
// every second-layer neuron c still has s_c(x⁺) >= m_c on every x⁺ of its X⁺: the network then
// computes the same training labels. Neurons are tried from the last to the first (greedy).

import type { BitMatrix } from "../backends/types.js";
import { wordsPerRowFor } from "../backends/types.js";
import { maskedPopcountRow } from "../backends/reference/index.js";
import type { FirstLayer } from "./firstLayer.js";
import type { SecondLayer } from "./secondLayer.js";

/** Removals between two exact recomputations of the slacks (pairs tracked: slack <= this). */
const SLACK_WINDOW = 16;

/** A second-layer neuron with the X⁺ rows it must never fire on. */
interface Guard {
  readonly mask: Uint32Array;
  readonly threshold: number;
  readonly positiveRows: Int32Array;
}

/** The pruned network: the kept first-layer neurons (increasing) and the re-packed layers. */
export interface PrunedFirstLayer {
  readonly kept: Int32Array;
  readonly firstLayer: FirstLayer;
  readonly wordsPerRow: number;
  readonly subnetworks: SecondLayer[];
}

const hasBit = (words: Uint32Array, base: number, i: number): boolean =>
  ((words[base + (i >>> 5)] >>> (i & 31)) & 1) === 1;

/**
 * Greedy first-layer pruning with the exact check through the bit matrix `bits` (Φ of the
 * training set). `positiveRowsOf(k)` lists X⁺ of subnetwork k.
 */
export function pruneFirstLayer(
  firstLayer: FirstLayer,
  subnetworks: readonly SecondLayer[],
  bits: BitMatrix,
  positiveRowsOf: (classIndex: number) => Int32Array,
): PrunedFirstLayer {
  const words = bits.wordsPerRow;
  const n = firstLayer.width;
  const guards: Guard[] = [];
  for (const s of subnetworks) {
    const pos = positiveRowsOf(s.classIndex);
    for (let j = 0; j < s.width; j++) {
      guards.push({
        mask: s.masks.slice(j * words, (j + 1) * words),
        threshold: s.thresholds[j],
        positiveRows: pos,
      });
    }
  }
  // Tracked pairs (guard, row) with slack s − m <= SLACK_WINDOW; the others have more slack
  // than the removals until the next recomputation can use up.
  let pairGuard: number[] = [];
  let pairRow: number[] = [];
  let slack: number[] = [];
  const recompute = () => {
    pairGuard = [];
    pairRow = [];
    slack = [];
    guards.forEach((g, gi) => {
      const limit = g.threshold + SLACK_WINDOW + 1;
      for (const row of g.positiveRows) {
        const e = maskedPopcountRow(bits, g.mask, row, limit) - g.threshold;
        if (e <= SLACK_WINDOW) {
          pairGuard.push(gi);
          pairRow.push(row);
          slack.push(e);
        }
      }
    });
  };
  recompute();
  const removed = new Uint8Array(n);
  let sinceRecompute = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (sinceRecompute === SLACK_WINDOW) {
      recompute();
      sinceRecompute = 0;
    }
    let blocked = false;
    for (let p = 0; p < slack.length && !blocked; p++) {
      if (slack[p] === 0 && hasBit(guards[pairGuard[p]].mask, 0, i)) {
        blocked = hasBit(bits.data, pairRow[p] * words, i);
      }
    }
    if (blocked) continue;
    removed[i] = 1;
    sinceRecompute++;
    for (let p = 0; p < slack.length; p++) {
      if (hasBit(guards[pairGuard[p]].mask, 0, i) && hasBit(bits.data, pairRow[p] * words, i)) {
        slack[p]--;
      }
    }
    // The removed neuron no longer counts in any later recomputation.
    for (const g of guards) g.mask[i >>> 5] &= ~(1 << (i & 31));
  }
  const kept = Int32Array.from({ length: n }, (_, i) => i).filter((i) => removed[i] === 0);
  return repack(firstLayer, subnetworks, kept, words);
}

/** The layers restricted to the first-layer neurons `kept`. */
function repack(
  firstLayer: FirstLayer,
  subnetworks: readonly SecondLayer[],
  kept: Int32Array,
  oldWords: number,
): PrunedFirstLayer {
  const { dim } = firstLayer;
  const width = kept.length;
  const weights = new Float32Array(width * dim);
  const bias = new Float32Array(width);
  kept.forEach((i, t) => {
    weights.set(firstLayer.weights.subarray(i * dim, (i + 1) * dim), t * dim);
    bias[t] = firstLayer.bias[i];
  });
  const wordsPerRow = wordsPerRowFor(width);
  return {
    kept,
    firstLayer: { dim, width, weights, bias },
    wordsPerRow,
    subnetworks: subnetworks.map((s) => ({
      ...s,
      masks: selectColumns(s.masks, s.width, oldWords, kept, wordsPerRow),
    })),
  };
}

/** Rows of a bit matrix restricted to the columns `kept` (in order), re-packed. */
export function selectColumns(
  data: Uint32Array,
  rows: number,
  oldWords: number,
  kept: Int32Array,
  newWords: number,
): Uint32Array {
  const out = new Uint32Array(rows * newWords);
  for (let r = 0; r < rows; r++) {
    kept.forEach((i, t) => {
      if (hasBit(data, r * oldWords, i)) out[r * newWords + (t >>> 5)] |= 1 << (t & 31);
    });
  }
  return out;
}
