// A static k-d tree over some rows of a row-major float32 matrix (low dimension: the 2-D data of
// the paper's figures), for nearest-neighbour and ball queries. Distances use the distance
// kernel's exact rounding (squaredDistance), so results equal the blocked kernel's.

import { squaredDistance } from "../backends/reference/distances.js";

const LEAF = 8;

/** The tree: rows permuted so that every node's range splits at its middle element. */
export class KdTree {
  private readonly perm: Int32Array;
  private readonly split: Uint8Array;
  private readonly stack = new Int32Array(256);
  private readonly bound = new Float64Array(128);

  /** Builds the tree over `rows` of `x` (row-major, `dim` columns). */
  constructor(
    private readonly x: Float32Array,
    private readonly dim: number,
    rows: Int32Array,
  ) {
    this.perm = Int32Array.from(rows);
    this.split = new Uint8Array(rows.length);
    this.build(0, rows.length);
  }

  /** The row nearest() found last (−1 if none). */
  lastRow = -1;

  /** The tree's rows in tree order (spatially coherent: good for warm-started queries). */
  get order(): Int32Array {
    return this.perm;
  }

  get size(): number {
    return this.perm.length;
  }

  private coord(row: number, axis: number): number {
    return this.x[row * this.dim + axis];
  }

  private build(lo: number, hi: number): void {
    // Iterative over the left child, recursive over the right: depth stays O(log N).
    while (hi - lo > LEAF) {
      let axis = 0;
      let widest = -1;
      for (let a = 0; a < this.dim; a++) {
        let min = Infinity;
        let max = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = this.coord(this.perm[i], a);
          if (v < min) min = v;
          if (v > max) max = v;
        }
        if (max - min > widest) {
          widest = max - min;
          axis = a;
        }
      }
      const mid = (lo + hi) >> 1;
      this.select(lo, hi - 1, mid, axis);
      this.split[mid] = axis;
      this.build(mid + 1, hi);
      hi = mid;
    }
  }

  /** Quickselect: perm[k] gets the element of rank k in [lo, hi] by coordinate `axis`. */
  private select(lo: number, hi: number, k: number, axis: number): void {
    const p = this.perm;
    while (hi > lo) {
      const pivot = this.coord(p[(lo + hi) >> 1], axis);
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (this.coord(p[i], axis) < pivot) i++;
        while (this.coord(p[j], axis) > pivot) j--;
        if (i <= j) {
          const t = p[i];
          p[i] = p[j];
          p[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  /**
   * Smallest squared distance from row `q` of `qx` (a row-major matrix with the tree's `dim`
   * columns) to a tree row other than `exclude` (Infinity when there is none). `hint`, a tree row
   * near the query (e.g. the answer for a nearby query), only speeds the search up.
   */
  nearest(qx: Float32Array, q: number, exclude = -1, hint = -1): number {
    let best = Infinity;
    let bestRow = -1;
    const dim = this.dim;
    const x = this.x;
    const perm = this.perm;
    const qo = q * dim;
    if (hint >= 0 && hint !== exclude) {
      // A warm start: a nearby query's neighbour bounds the search from the start.
      best = squaredDistance(qx, qo, x, hint * dim, dim);
      bestRow = hint;
    }
    // An explicit stack of ranges with the squared distance bound of each (no allocation).
    const stack = this.stack;
    const bound = this.bound;
    let top = 0;
    stack[0] = 0;
    stack[1] = perm.length;
    bound[0] = 0;
    top = 1;
    while (top > 0) {
      top--;
      if (bound[top] > best) continue;
      let lo = stack[2 * top];
      let hi = stack[2 * top + 1];
      // Walk down the near side, pushing the far sides.
      while (hi - lo > LEAF) {
        const mid = (lo + hi) >> 1;
        const r = perm[mid];
        if (r !== exclude) {
          const s = squaredDistance(qx, qo, x, r * dim, dim);
          if (s < best) {
            best = s;
            bestRow = r;
          }
        }
        const axis = this.split[mid];
        const diff = qx[qo + axis] - x[r * dim + axis];
        const d2 = diff * diff;
        if (diff < 0) {
          if (d2 <= best) {
            stack[2 * top] = mid + 1;
            stack[2 * top + 1] = hi;
            bound[top++] = d2;
          }
          hi = mid;
        } else {
          if (d2 <= best) {
            stack[2 * top] = lo;
            stack[2 * top + 1] = mid;
            bound[top++] = d2;
          }
          lo = mid + 1;
        }
      }
      for (let i = lo; i < hi; i++) {
        const r = perm[i];
        if (r === exclude) continue;
        const s = squaredDistance(qx, qo, x, r * dim, dim);
        if (s < best) {
          best = s;
          bestRow = r;
        }
      }
    }
    this.lastRow = bestRow;
    return best;
  }

  /** Calls visit(row, squared distance) for every tree row within squared distance r2 of row q. */
  ball(qx: Float32Array, q: number, r2: number, visit: (row: number, s: number) => void): void {
    const dim = this.dim;
    const walk = (lo: number, hi: number): void => {
      if (hi - lo <= LEAF) {
        for (let i = lo; i < hi; i++) {
          const r = this.perm[i];
          const s = squaredDistance(qx, q * dim, this.x, r * dim, dim);
          if (s <= r2) visit(r, s);
        }
        return;
      }
      const mid = (lo + hi) >> 1;
      const r = this.perm[mid];
      const s = squaredDistance(qx, q * dim, this.x, r * dim, dim);
      if (s <= r2) visit(r, s);
      const diff = qx[q * dim + this.split[mid]] - this.x[r * dim + this.split[mid]];
      if (diff <= 0 || diff * diff <= r2) walk(lo, mid);
      if (diff >= 0 || diff * diff <= r2) walk(mid + 1, hi);
    };
    walk(0, this.perm.length);
  }
}
