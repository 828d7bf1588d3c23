// The second layer: random candidate selection of Algorithm 2 (lines 2–10), which with a
// first layer that separates all pairs is exactly the second loop of Algorithm 1 (lines 9–14).

import { Rng } from "../random/rng.js";
import type { Workspace } from "../backends/types.js";
import type { MaskedScores } from "./maskedScores.js";
import { removeOrderedSubsequence } from "./rowLists.js";

/** Candidates whose minima are computed in one pass over X⁺ (see selectSecondLayer). */
const CANDIDATE_BATCH = 16;

/** One class subnetwork's second layer: neuron j is σ(−⟨u_j, z⟩ + m_j). */
export interface SecondLayer {
  /** The class the subnetwork detects (X⁻ of its binary problem). */
  readonly classIndex: number;
  /** Number of neurons n̂. */
  readonly width: number;
  /** Masks u_j, bit-packed, width × wordsPerRow words (same layout as the activations). */
  readonly masks: Uint32Array;
  /** Thresholds m_j (integers for the threshold activation). */
  readonly thresholds: Float64Array;
  /** Training-set row of the accepted candidate x*_j of each neuron. */
  readonly candidates: Int32Array;
}

/** What the selection loop did, beyond the layer itself. */
export interface SelectionResult {
  readonly layer: SecondLayer;
  /** Candidates drawn (accepted + rejected with m = 0). */
  readonly candidatesTried: number;
  /** Rows of X⁻ left in the universe U at the end: not detected by any neuron. */
  readonly uncovered: Int32Array;
}

/** Inputs of the selection loop for one binary problem X⁻ vs X⁺ (rows of the activations). */
export interface SelectionProblem {
  readonly classIndex: number;
  readonly negativeRows: Int32Array;
  readonly positiveRows: Int32Array;
  readonly wordsPerRow: number;
  readonly scores: MaskedScores;
  /** Where the loop's working arrays live (so fast kernels read them in place). */
  readonly workspace: Workspace;
  /** Seed of the run; the candidate order uses the stream (seed, 2, classIndex). */
  readonly seed: number;
  /** Called after each candidate with (|X⁻| − |U|, |X⁻|). */
  readonly onProgress?: (covered: number, total: number) => void;
}

/**
 * Algorithm 2, lines 2–10. Candidates are taken in the order of one uniformly random permutation
 * of X⁻, skipping points no longer in C: the same distribution as drawing uniformly from C at
 * each step (README.md, "How it works"). A candidate with m = 0 is rejected; otherwise it is accepted and every
 * x⁻ in U with ⟨u, Φ(x⁻)⟩ < m is removed from C and U.
 */
export function selectSecondLayer(problem: SelectionProblem): SelectionResult {
  const { negativeRows, positiveRows, wordsPerRow, scores, workspace } = problem;
  const total = negativeRows.length;
  const order = new Rng(problem.seed, 2, problem.classIndex).permutation(total);
  // Position of each X⁻ row in negativeRows, to update C by membership flags.
  const slotOfRow = new Map<number, number>();
  for (let s = 0; s < total; s++) slotOfRow.set(negativeRows[s], s);
  const inCandidates = new Uint8Array(total).fill(1);
  const universe = workspace.i32(total);
  universe.set(negativeRows);
  let universeSize = total;
  const removed = workspace.i32(total);

  const batchMasks = workspace.u32(CANDIDATE_BATCH * wordsPerRow);
  const batchMins = new Float64Array(CANDIDATE_BATCH);
  const batch = new Int32Array(CANDIDATE_BATCH);
  const masks: Uint32Array[] = [];
  const thresholds: number[] = [];
  const candidates: number[] = [];
  let tried = 0;
  let next = 0;

  while (universeSize > 0) {
    // The next candidates of the permutation that are still in C. Their minima m only depend on
    // the candidate and X⁺, so they are computed together in one pass over X⁺; the candidates are
    // then processed one at a time exactly as in the paper, skipping those that an earlier one of
    // the batch removed from C (their minimum is then unused).
    let size = 0;
    while (size < CANDIDATE_BATCH && next < total) {
      const slot = order[next++];
      if (inCandidates[slot] === 1) batch[size++] = slot;
    }
    if (size === 0) break;
    for (let b = 0; b < size; b++) {
      scores.zeroMask(
        negativeRows[batch[b]],
        batchMasks.subarray(b * wordsPerRow, (b + 1) * wordsPerRow),
      );
    }
    scores.minMany(batchMasks, size, positiveRows, positiveRows.length, 0, batchMins);
    for (let b = 0; b < size && universeSize > 0; b++) {
      const slot = batch[b];
      if (inCandidates[slot] === 0) continue;
      inCandidates[slot] = 0;
      tried++;
      const m = batchMins[b];
      if (m > 0) {
        const mask = batchMasks.subarray(b * wordsPerRow, (b + 1) * wordsPerRow);
        const removedCount = scores.below(mask, universe, universeSize, m, removed);
        for (let t = 0; t < removedCount; t++) {
          const s = slotOfRow.get(removed[t]);
          if (s !== undefined) inCandidates[s] = 0;
        }
        universeSize = removeOrderedSubsequence(universe, universeSize, removed, removedCount);
        masks.push(mask.slice());
        thresholds.push(m);
        candidates.push(negativeRows[slot]);
      }
      problem.onProgress?.(total - universeSize, total);
    }
  }

  const width = masks.length;
  const packed = new Uint32Array(width * wordsPerRow);
  masks.forEach((u, j) => packed.set(u, j * wordsPerRow));
  return {
    layer: {
      classIndex: problem.classIndex,
      width,
      masks: packed,
      thresholds: Float64Array.from(thresholds),
      candidates: Int32Array.from(candidates),
    },
    candidatesTried: tried,
    uncovered: universe.slice(0, universeSize),
  };
}
