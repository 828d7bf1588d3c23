// Contour lines of a gridded function: Gaussian smoothing (as the paper's scipy.ndimage
// gaussian_filter, mode "reflect") and marching squares joined into polylines.

/** A grid of values: values[j * width + i] is the value at column i, row j (NaN: no data). */
export interface Grid {
  readonly width: number;
  readonly height: number;
  readonly values: Float64Array;
}

/** A point in grid coordinates (column, row), fractional. */
export type GridPoint = readonly [number, number];

function reflect(i: number, n: number): number {
  for (;;) {
    if (i < 0) i = -i - 1;
    else if (i >= n) i = 2 * n - i - 1;
    else return i;
  }
}

function kernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.round(4 * sigma));
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let t = -radius; t <= radius; t++) {
    k[t + radius] = Math.exp((-0.5 * t * t) / (sigma * sigma));
    sum += k[t + radius];
  }
  return k.map((v) => v / sum);
}

/** Separable Gaussian smoothing with standard deviation `sigma` cells; NaN cells count as 0. */
export function gaussianSmooth(grid: Grid, sigma: number): Grid {
  const { width: w, height: h } = grid;
  if (sigma <= 0) return grid;
  const k = kernel(sigma);
  const r = (k.length - 1) / 2;
  const src = grid.values.map((v) => (Number.isNaN(v) ? 0 : v));
  const tmp = new Float64Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += k[t + r] * src[j * w + reflect(i + t, w)];
      tmp[j * w + i] = s;
    }
  }
  const out = new Float64Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += k[t + r] * tmp[reflect(j + t, h) * w + i];
      out[j * w + i] = s;
    }
  }
  return { width: w, height: h, values: out };
}

// Corner bits: 1 = (i, j), 2 = (i+1, j), 4 = (i+1, j+1), 8 = (i, j+1). Edges: 0 bottom,
// 1 right, 2 top, 3 left. Each case lists the edge pairs its segments join; saddles (5, 10)
// have two variants, chosen by the cell's mean value.
const SEGMENTS: readonly (readonly (readonly [number, number])[])[] = [
  [],
  [[3, 0]],
  [[0, 1]],
  [[3, 1]],
  [[1, 2]],
  [],
  [[0, 2]],
  [[3, 2]],
  [[2, 3]],
  [[0, 2]],
  [],
  [[1, 2]],
  [[3, 1]],
  [[0, 1]],
  [[3, 0]],
  [],
];

function saddle(code: 5 | 10, centreAbove: boolean): (readonly [number, number])[] {
  const isolateBelowOf5: (readonly [number, number])[] = [
    [0, 1],
    [2, 3],
  ];
  const isolateAboveOf5: (readonly [number, number])[] = [
    [3, 0],
    [1, 2],
  ];
  if (code === 5) return centreAbove ? isolateBelowOf5 : isolateAboveOf5;
  return centreAbove ? isolateAboveOf5 : isolateBelowOf5;
}

/**
 * The level set {value = level} as polylines in grid coordinates (open at the grid's border,
 * closed rings repeat their first point). Squares with a NaN corner are skipped.
 */
export function contourLines(grid: Grid, level: number): GridPoint[][] {
  const { width: w, height: h, values } = grid;
  const v = (i: number, j: number) => values[j * w + i];
  const point = new Map<string, GridPoint>();
  const links = new Map<string, string[]>();
  const edgeId = (i: number, j: number, e: number): string => {
    // Canonical id of an edge and its crossing point.
    const [kind, a, b] =
      e === 0 ? ["h", i, j] : e === 2 ? ["h", i, j + 1] : e === 3 ? ["v", i, j] : ["v", i + 1, j];
    const id = `${kind}${a},${b}`;
    if (!point.has(id)) {
      const v0 = v(a as number, b as number);
      const v1 =
        kind === "h" ? v((a as number) + 1, b as number) : v(a as number, (b as number) + 1);
      const t = v1 === v0 ? 0.5 : (level - v0) / (v1 - v0);
      point.set(
        id,
        kind === "h" ? [(a as number) + t, b as number] : [a as number, (b as number) + t],
      );
    }
    return id;
  };
  const link = (x: string, y: string) => {
    (links.get(x) ?? links.set(x, []).get(x) ?? []).push(y);
    (links.get(y) ?? links.set(y, []).get(y) ?? []).push(x);
  };
  for (let j = 0; j + 1 < h; j++) {
    for (let i = 0; i + 1 < w; i++) {
      const c = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)];
      if (c.some(Number.isNaN)) continue;
      const code =
        (c[0] >= level ? 1 : 0) |
        (c[1] >= level ? 2 : 0) |
        (c[2] >= level ? 4 : 0) |
        (c[3] >= level ? 8 : 0);
      const segments =
        code === 5 || code === 10
          ? saddle(code, (c[0] + c[1] + c[2] + c[3]) / 4 >= level)
          : SEGMENTS[code];
      for (const [e0, e1] of segments) link(edgeId(i, j, e0), edgeId(i, j, e1));
    }
  }
  return joinChains(links).map((chain) => chain.map((id) => point.get(id) as GridPoint));
}

/** Walks the segment graph (every node has 1 or 2 neighbours) into chains of node ids. */
function joinChains(links: Map<string, string[]>): string[][] {
  const used = new Set<string>();
  const chains: string[][] = [];
  const walk = (start: string): string[] => {
    const chain = [start];
    used.add(start);
    let current = start;
    for (;;) {
      const next = (links.get(current) ?? []).find((x) => !used.has(x));
      if (next === undefined) break;
      chain.push(next);
      used.add(next);
      current = next;
    }
    return chain;
  };
  // Open chains first (from their ends), then closed rings.
  for (const [id, neighbours] of links) {
    if (neighbours.length === 1 && !used.has(id)) chains.push(walk(id));
  }
  for (const id of links.keys()) {
    if (!used.has(id)) {
      const ring = walk(id);
      ring.push(ring[0]);
      chains.push(ring);
    }
  }
  return chains;
}

/** Maps a fractional index into sorted axis values by linear interpolation. */
export function indexToValue(values: readonly number[], f: number): number {
  if (values.length === 1) return values[0];
  const i = Math.min(Math.max(Math.floor(f), 0), values.length - 2);
  return values[i] + (f - i) * (values[i + 1] - values[i]);
}
