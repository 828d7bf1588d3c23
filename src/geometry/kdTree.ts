// A static k-d tree over some rows of a row-major float32 matrix (low dimension: the 2-D data of
// the paper's figures), for nearest-neighbour and ball queries. Distances use the distance
// kernel's exact rounding (squaredDistance), so results equal the blocked kernel's.
//
// Every node keeps the tight bounding box of its points. Pruning compares a query's computed
// distance to a box (per axis the rounded difference to the box's nearer or farther face, squared
// and summed in squaredDistance's order) with the radius: rounding is monotone, so the computed
// distance of every point in the box lies between the box's two bounds, and a box entirely inside
// a ball is taken whole without a distance per point. Answers are exactly those of a brute-force
// scan with squaredDistance.

import { squaredDistance } from "../backends/reference/distances.js";

const LEAF = 8;

/** Σ_k v_k in squaredDistance's grouping: partial sums s[k mod 4], then (s0 + s1) + (s2 + s3). */
function groupedSum(v: Float64Array, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = 0; k < dim; k += 4) {
    s0 += v[k];
    if (k + 1 < dim) s1 += v[k + 1];
    if (k + 2 < dim) s2 += v[k + 2];
    if (k + 3 < dim) s3 += v[k + 3];
  }
  return s0 + s1 + (s2 + s3);
}

/** The tree: rows permuted so that every node's range splits at its middle element. */
export class KdTree {
  private readonly perm: Int32Array;
  private readonly split: Uint8Array;
  /** The tree's points in tree order (row-major), for contiguous scans. */
  private readonly pts: Float32Array;
  /** Tight boxes: node [lo, hi) at key (lo + hi) >> 1 (unique: a node's middle element). */
  private readonly boxMin: Float32Array;
  private readonly boxMax: Float32Array;
  private readonly stack = new Int32Array(512);
  private readonly bound = new Float64Array(256);
  private readonly axisTerms: Float64Array;
  private found = new Int32Array(1024);
  private axes: Float32Array[];

  /** Builds the tree over `rows` of `x` (row-major, `dim` columns). */
  constructor(
    private readonly x: Float32Array,
    private readonly dim: number,
    rows: Int32Array,
  ) {
    const n = rows.length;
    this.perm = Int32Array.from(rows);
    this.split = new Uint8Array(n);
    // The coordinates by axis, permuted together with perm (contiguous scans while building).
    this.axes = Array.from({ length: dim }, (_, a) =>
      Float32Array.from({ length: n }, (_, i) => x[rows[i] * dim + a]),
    );
    this.build(0, n);
    this.pts = new Float32Array(n * dim);
    for (let a = 0; a < dim; a++) {
      const c = this.axes[a];
      for (let i = 0; i < n; i++) this.pts[i * dim + a] = c[i];
    }
    this.axes = [];
    this.boxMin = new Float32Array(n * dim);
    this.boxMax = new Float32Array(n * dim);
    if (n > 0) this.boxes(0, n);
    this.axisTerms = new Float64Array(dim);
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

  private build(lo: number, hi: number): void {
    // Iterative over the left child, recursive over the right: depth stays O(log N).
    while (hi - lo > LEAF) {
      let axis = 0;
      let widest = -1;
      for (let a = 0; a < this.dim; a++) {
        const c = this.axes[a];
        let min = Infinity;
        let max = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = c[i];
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

  /** Fills the box of node [lo, hi) and of every node below it. */
  private boxes(lo: number, hi: number): void {
    const dim = this.dim;
    const key = ((lo + hi) >> 1) * dim;
    const bmin = this.boxMin;
    const bmax = this.boxMax;
    if (hi - lo <= LEAF) {
      for (let a = 0; a < dim; a++) {
        let min = Infinity;
        let max = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = this.pts[i * dim + a];
          if (v < min) min = v;
          if (v > max) max = v;
        }
        bmin[key + a] = min;
        bmax[key + a] = max;
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    this.boxes(lo, mid);
    this.boxes(mid + 1, hi);
    const l = ((lo + mid) >> 1) * dim;
    const r = ((mid + 1 + hi) >> 1) * dim;
    for (let a = 0; a < dim; a++) {
      const v = this.pts[mid * dim + a];
      bmin[key + a] = Math.min(v, bmin[l + a], bmin[r + a]);
      bmax[key + a] = Math.max(v, bmax[l + a], bmax[r + a]);
    }
  }

  /** Quickselect: position k gets the element of rank k in [lo, hi] by coordinate `axis`. */
  private select(lo: number, hi: number, k: number, axis: number): void {
    const p = this.perm;
    const axes = this.axes;
    const c = axes[axis];
    const dim = this.dim;
    while (hi > lo) {
      const pivot = c[(lo + hi) >> 1];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (c[i] < pivot) i++;
        while (c[j] > pivot) j--;
        if (i <= j) {
          const t = p[i];
          p[i] = p[j];
          p[j] = t;
          for (let a = 0; a < dim; a++) {
            const ca = axes[a];
            const v = ca[i];
            ca[i] = ca[j];
            ca[j] = v;
          }
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  /** Lower bound, as computed by squaredDistance, of the distance from qx[qo..] to the box. */
  private nearBound(qx: Float32Array, qo: number, key: number): number {
    const dim = this.dim;
    const t = this.axisTerms;
    for (let a = 0; a < dim; a++) {
      const q = qx[qo + a];
      const lo = this.boxMin[key + a];
      const hi = this.boxMax[key + a];
      const d = q < lo ? q - lo : q > hi ? q - hi : 0;
      t[a] = d * d;
    }
    return dim === 2 ? t[0] + t[1] : groupedSum(t, dim);
  }

  /** Upper bound, as computed by squaredDistance, of the distance from qx[qo..] to the box. */
  private farBound(qx: Float32Array, qo: number, key: number): number {
    const dim = this.dim;
    const t = this.axisTerms;
    for (let a = 0; a < dim; a++) {
      const q = qx[qo + a];
      const dl = q - this.boxMin[key + a];
      const dh = q - this.boxMax[key + a];
      const d = Math.max(Math.abs(dl), Math.abs(dh));
      t[a] = d * d;
    }
    return dim === 2 ? t[0] + t[1] : groupedSum(t, dim);
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
    const pts = this.pts;
    const perm = this.perm;
    const qo = q * dim;
    if (hint >= 0 && hint !== exclude) {
      // A warm start: a nearby query's neighbour bounds the search from the start.
      best = squaredDistance(qx, qo, this.x, hint * dim, dim);
      bestRow = hint;
    }
    const n = perm.length;
    if (n === 0) {
      this.lastRow = bestRow;
      return best;
    }
    // An explicit stack of node ranges with the box bound of each (no allocation).
    const stack = this.stack;
    const bound = this.bound;
    stack[0] = 0;
    stack[1] = n;
    bound[0] = this.nearBound(qx, qo, (n >> 1) * dim);
    let top = 1;
    while (top > 0) {
      top--;
      if (bound[top] > best) continue;
      const lo = stack[2 * top];
      const hi = stack[2 * top + 1];
      if (hi - lo <= LEAF) {
        for (let i = lo; i < hi; i++) {
          const r = perm[i];
          if (r === exclude) continue;
          const s = squaredDistance(qx, qo, pts, i * dim, dim);
          if (s < best) {
            best = s;
            bestRow = r;
          }
        }
        continue;
      }
      const mid = (lo + hi) >> 1;
      const r = perm[mid];
      if (r !== exclude) {
        const s = squaredDistance(qx, qo, pts, mid * dim, dim);
        if (s < best) {
          best = s;
          bestRow = r;
        }
      }
      const bl = this.nearBound(qx, qo, ((lo + mid) >> 1) * dim);
      const br = this.nearBound(qx, qo, ((mid + 1 + hi) >> 1) * dim);
      // Push the farther child first so that the nearer one is searched first.
      if (bl <= br) {
        if (br <= best) {
          stack[2 * top] = mid + 1;
          stack[2 * top + 1] = hi;
          bound[top++] = br;
        }
        if (bl <= best) {
          stack[2 * top] = lo;
          stack[2 * top + 1] = mid;
          bound[top++] = bl;
        }
      } else {
        if (bl <= best) {
          stack[2 * top] = lo;
          stack[2 * top + 1] = mid;
          bound[top++] = bl;
        }
        if (br <= best) {
          stack[2 * top] = mid + 1;
          stack[2 * top + 1] = hi;
          bound[top++] = br;
        }
      }
    }
    this.lastRow = bestRow;
    return best;
  }

  /**
   * The tree rows within squared distance r2 of row q of qx (squaredDistance <= r2), in tree
   * order of the nodes visited. The array is the tree's own buffer: valid until the next call.
   */
  ballRows(qx: Float32Array, q: number, r2: number): Int32Array {
    const dim = this.dim;
    const pts = this.pts;
    const perm = this.perm;
    const qo = q * dim;
    const n = perm.length;
    let count = 0;
    const need = (extra: number) => {
      if (count + extra > this.found.length) {
        const grown = new Int32Array(Math.max(2 * this.found.length, count + extra));
        grown.set(this.found.subarray(0, count));
        this.found = grown;
      }
    };
    if (n === 0) return this.found.subarray(0, 0);
    const stack = this.stack;
    stack[0] = 0;
    stack[1] = n;
    let top = 1;
    while (top > 0) {
      top--;
      const lo = stack[2 * top];
      const hi = stack[2 * top + 1];
      const key = ((lo + hi) >> 1) * dim;
      if (this.nearBound(qx, qo, key) > r2) continue;
      if (this.farBound(qx, qo, key) <= r2) {
        need(hi - lo);
        this.found.set(perm.subarray(lo, hi), count);
        count += hi - lo;
        continue;
      }
      if (hi - lo <= LEAF) {
        need(hi - lo);
        for (let i = lo; i < hi; i++) {
          if (squaredDistance(qx, qo, pts, i * dim, dim) <= r2) this.found[count++] = perm[i];
        }
        continue;
      }
      const mid = (lo + hi) >> 1;
      if (squaredDistance(qx, qo, pts, mid * dim, dim) <= r2) {
        need(1);
        this.found[count++] = perm[mid];
      }
      stack[2 * top] = mid + 1;
      stack[2 * top + 1] = hi;
      top++;
      stack[2 * top] = lo;
      stack[2 * top + 1] = mid;
      top++;
    }
    return this.found.subarray(0, count);
  }

  /** How many tree rows lie within squared distance r2 of row q of qx (as ballRows counts). */
  ballCount(qx: Float32Array, q: number, r2: number): number {
    const dim = this.dim;
    const pts = this.pts;
    const qo = q * dim;
    const n = this.perm.length;
    if (n === 0) return 0;
    let count = 0;
    const stack = this.stack;
    stack[0] = 0;
    stack[1] = n;
    let top = 1;
    while (top > 0) {
      top--;
      const lo = stack[2 * top];
      const hi = stack[2 * top + 1];
      const key = ((lo + hi) >> 1) * dim;
      if (this.nearBound(qx, qo, key) > r2) continue;
      if (this.farBound(qx, qo, key) <= r2) {
        count += hi - lo;
        continue;
      }
      if (hi - lo <= LEAF) {
        for (let i = lo; i < hi; i++) {
          if (squaredDistance(qx, qo, pts, i * dim, dim) <= r2) count++;
        }
        continue;
      }
      const mid = (lo + hi) >> 1;
      if (squaredDistance(qx, qo, pts, mid * dim, dim) <= r2) count++;
      stack[2 * top] = mid + 1;
      stack[2 * top + 1] = hi;
      top++;
      stack[2 * top] = lo;
      stack[2 * top + 1] = mid;
      top++;
    }
    return count;
  }

  /** Calls visit(row, squared distance) for every tree row within squared distance r2 of row q. */
  ball(qx: Float32Array, q: number, r2: number, visit: (row: number, s: number) => void): void {
    const dim = this.dim;
    for (const row of this.ballRows(qx, q, r2)) {
      visit(row, squaredDistance(qx, q * dim, this.x, row * dim, dim));
    }
  }
}
