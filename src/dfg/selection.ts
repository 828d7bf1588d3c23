// Second-layer selection strategies. Every candidate x*⁻ ∈ X⁻ defines a neuron (u, m) that never
// fires on X⁺ (m is the minimum over X⁺, the test strict) and fires on a set of X⁻ points, its
// cover. Any set of neurons whose covers contain every x⁻ interpolates, so choosing few neurons
// is set cover: "greedy" takes the neuron covering most uncovered points (ties: the lowest
// candidate index), "+prune" then drops, last first, every neuron whose points the others cover.

import { coverWordsFor } from "../backends/bits.js";
import { boundedGreedyCover } from "./boundedGreedy.js";
import { checkCoverMemory, COVER_BLOCK, coverBits, coversFromBits, type Covers } from "./covers.js";
import { GainHeap } from "./gainHeap.js";
import type { SelectionStrategy } from "./model.js";
import {
  selectSecondLayer,
  type SecondLayer,
  type SelectionProblem,
  type SelectionResult,
} from "./secondLayer.js";

export type { Covers } from "./covers.js";

/**
 * Every candidate's neuron, computed in full (the unbounded instance that boundedGreedyCover
 * avoids building): m_c = min over X⁺ of ⟨u_c, Φ(x⁺)⟩ with u_c = 1[Φ(x_c) = 0] (a candidate
 * with m_c <= 0 is rejected and covers nothing), and its cover over X⁻, in blocks of candidates.
 */
export function candidateCovers(problem: SelectionProblem): {
  thresholds: Float64Array;
  covers: Covers;
} {
  const { negativeRows, positiveRows, wordsPerRow, scores, workspace } = problem;
  const total = negativeRows.length;
  checkCoverMemory(`class ${problem.classIndex}`, total, total);
  const thresholds = new Float64Array(total);
  const masks = new Uint32Array(total * wordsPerRow);
  const block = workspace.u32(COVER_BLOCK * wordsPerRow);
  const mins = new Float64Array(COVER_BLOCK);
  for (let start = 0; start < total; start += COVER_BLOCK) {
    const size = Math.min(COVER_BLOCK, total - start);
    for (let b = 0; b < size; b++) {
      scores.zeroMask(
        negativeRows[start + b],
        block.subarray(b * wordsPerRow, (b + 1) * wordsPerRow),
      );
    }
    // stopAt 0: a minimum that reaches 0 rejects the candidate, its exact value is not needed.
    scores.minMany(block, size, positiveRows, positiveRows.length, 0, mins);
    for (let b = 0; b < size; b++) thresholds[start + b] = Math.max(mins[b], 0);
    masks.set(block.subarray(0, size * wordsPerRow), start * wordsPerRow);
  }
  const bits = coverBits(scores, masks, wordsPerRow, thresholds, total, negativeRows);
  return { thresholds, covers: coversFromBits(bits, total, coverWordsFor(total)) };
}

/**
 * Greedy set cover over `universe` points: repeatedly the neuron covering the most points not yet
 * covered (ties: the lowest index), until no neuron adds a point. Lazy evaluation (a neuron's
 * gain only shrinks) gives exactly the greedy choice. Returns the chosen neurons in order.
 */
export function greedyCover(covers: Covers, universe: number): Int32Array {
  const { offsets, slots } = covers;
  const covered = new Uint8Array(universe);
  const gain = new Int32Array(covers.count);
  const heap = new GainHeap(gain);
  for (let j = 0; j < covers.count; j++) {
    gain[j] = offsets[j + 1] - offsets[j];
    if (gain[j] > 0) heap.push(j);
  }
  const chosen: number[] = [];
  while (heap.size > 0) {
    const j = heap.pop();
    let fresh = 0;
    for (let p = offsets[j]; p < offsets[j + 1]; p++) if (covered[slots[p]] === 0) fresh++;
    if (fresh === gain[j]) {
      chosen.push(j);
      for (let p = offsets[j]; p < offsets[j + 1]; p++) covered[slots[p]] = 1;
    } else {
      gain[j] = fresh;
      if (fresh > 0) heap.push(j);
    }
  }
  return Int32Array.from(chosen);
}

/**
 * Reverse-delete pruning: walks `chosen` from last to first and drops each neuron whose points
 * are all covered by at least one other kept neuron. The union of the covers is unchanged.
 * Returns the kept neurons in their original order.
 */
export function reverseDelete(covers: Covers, chosen: Int32Array, universe: number): Int32Array {
  const { offsets, slots } = covers;
  const times = new Int32Array(universe);
  for (const j of chosen) for (let p = offsets[j]; p < offsets[j + 1]; p++) times[slots[p]]++;
  const keep = new Uint8Array(chosen.length).fill(1);
  for (let k = chosen.length - 1; k >= 0; k--) {
    const j = chosen[k];
    let redundant = true;
    for (let p = offsets[j]; p < offsets[j + 1] && redundant; p++) {
      if (times[slots[p]] < 2) redundant = false;
    }
    if (!redundant) continue;
    keep[k] = 0;
    for (let p = offsets[j]; p < offsets[j + 1]; p++) times[slots[p]]--;
  }
  return chosen.filter((_, k) => keep[k] === 1);
}

/** The layer of the neurons `picked` of `source` (masks, thresholds, candidate rows). */
function subLayer(source: SecondLayer, picked: Int32Array, wordsPerRow: number): SecondLayer {
  const masks = new Uint32Array(picked.length * wordsPerRow);
  picked.forEach((j, k) =>
    masks.set(source.masks.subarray(j * wordsPerRow, (j + 1) * wordsPerRow), k * wordsPerRow),
  );
  return {
    classIndex: source.classIndex,
    width: picked.length,
    masks,
    thresholds: Float64Array.from(picked, (j) => source.thresholds[j]),
    candidates: Int32Array.from(picked, (j) => source.candidates[j]),
  };
}

/** Greedy (optionally pruned) selection over every candidate's neuron. */
function selectGreedy(problem: SelectionProblem, prune: boolean): SelectionResult {
  const { negativeRows, wordsPerRow, scores } = problem;
  const universe = negativeRows.length;
  // Greedy set cover is only an approximation: the paper's random-order cover is a cover of the
  // same instance (its neurons are candidates' neurons too) and is kept when it is smaller, so
  // "greedy" is never wider than "random" on the same first layer. Its exact thresholds are
  // handed to the greedy cover, which then need not compute them again.
  const random = selectSecondLayer(problem);
  const slotOf = new Map<number, number>();
  negativeRows.forEach((row, slot) => slotOf.set(row, slot));
  const known = new Map<number, number>();
  random.layer.candidates.forEach((row, j) => {
    known.set(slotOf.get(row) as number, random.layer.thresholds[j]);
  });
  const greedy = boundedGreedyCover(problem, known);
  let order: Int32Array = Int32Array.from(greedy.chosen, (_, k) => k);
  if (prune) order = reverseDelete(greedy.covers, order, universe);
  if (random.layer.width < order.length) return { ...random, candidatesTried: universe };
  const masks = new Uint32Array(order.length * wordsPerRow);
  order.forEach((k, i) =>
    scores.zeroMask(
      negativeRows[greedy.chosen[k]],
      masks.subarray(i * wordsPerRow, (i + 1) * wordsPerRow),
    ),
  );
  return {
    layer: {
      classIndex: problem.classIndex,
      width: order.length,
      masks,
      thresholds: Float64Array.from(order, (k) => greedy.thresholds[k]),
      candidates: Int32Array.from(order, (k) => negativeRows[greedy.chosen[k]]),
    },
    candidatesTried: universe,
    uncovered: Int32Array.from(greedy.uncovered, (slot) => negativeRows[slot]),
  };
}

/** The paper's random selection followed by reverse-delete pruning of its neurons. */
function selectRandomPruned(problem: SelectionProblem): SelectionResult {
  const result = selectSecondLayer(problem);
  const { layer } = result;
  const { negativeRows, wordsPerRow, scores } = problem;
  const universe = negativeRows.length;
  checkCoverMemory(`class ${problem.classIndex}`, layer.width, universe);
  const bits = coverBits(
    scores,
    layer.masks,
    wordsPerRow,
    layer.thresholds,
    layer.width,
    negativeRows,
  );
  const covers = coversFromBits(bits, layer.width, coverWordsFor(universe));
  const all = Int32Array.from({ length: layer.width }, (_, j) => j);
  const kept = reverseDelete(covers, all, universe);
  return { ...result, layer: subLayer(layer, kept, wordsPerRow) };
}

/** The second layer of one binary problem by `strategy` ("random" is selectSecondLayer itself). */
export function selectByStrategy(
  strategy: SelectionStrategy,
  problem: SelectionProblem,
): SelectionResult {
  switch (strategy) {
    case "random":
      return selectSecondLayer(problem);
    case "random+prune":
      return selectRandomPruned(problem);
    case "greedy":
      return selectGreedy(problem, false);
    case "greedy+prune":
      return selectGreedy(problem, true);
  }
}
