// The priority queue of the greedy set cover: neuron indices ordered by (gain descending, index
// ascending), the gains read from a shared array that the caller updates between operations.

/** A binary max-heap of indices keyed by (gain[j] descending, j ascending). */
export class GainHeap {
  private readonly items: number[] = [];

  constructor(private readonly gain: Int32Array) {}

  get size(): number {
    return this.items.length;
  }

  /** The first index in the order (the heap must not be empty). */
  peek(): number {
    return this.items[0];
  }

  private before(a: number, b: number): boolean {
    const ga = this.gain[a];
    const gb = this.gain[b];
    return ga > gb || (ga === gb && a < b);
  }

  push(j: number): void {
    const items = this.items;
    let i = items.push(j) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  /** Removes and returns the first index in the order. */
  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as number;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.before(items[l], items[best])) best = l;
        if (r < items.length && this.before(items[r], items[best])) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best], items[i]];
        i = best;
      }
    }
    return top;
  }
}
