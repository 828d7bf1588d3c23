// Row lists shared by the scoring kernels: an i32 row index list and a software prefetch.

/**
 * The scoring kernels touch row rows[k + PREFETCH] while working on row rows[k]: a software
 * prefetch (WebAssembly has none) that overlaps cache misses when the row order is random.
 */
const PREFETCH: i32 = 8;

/** Row index rows[k]. */
// @ts-ignore: decorator
@inline
export function rowAt(rows: usize, k: i32): i32 {
  return load<i32>(rows + ((<usize>k) << 2));
}

/**
 * Touches two cache lines of row rows[k + PREFETCH] (when it is before `end` and a valid row) so
 * that its loads from memory overlap with the current row's work; returns a value that keeps the
 * loads alive.
 */
// @ts-ignore: decorator
@inline
export function touchAhead(
  base: usize,
  rowBytes: usize,
  nRows: i32,
  rows: usize,
  k: i32,
  end: i32,
): i32 {
  if (k + PREFETCH >= end) return 0;
  const r = rowAt(rows, k + PREFETCH);
  if (<u32>r >= <u32>nRows) return 0;
  const next = base + <usize>r * rowBytes;
  return load<i32>(next) ^ load<i32>(next + (rowBytes >> 1));
}
