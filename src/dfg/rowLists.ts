// Lists of row indices kept as compact Int32Array prefixes.

/**
 * Removes from list[0..size) the values drop[0..dropCount), which must appear in list in the same
 * order (the kernels report matching rows in input order). Compacts in place; returns the new size.
 */
export function removeOrderedSubsequence(
  list: Int32Array,
  size: number,
  drop: Int32Array,
  dropCount: number,
): number {
  let d = 0;
  let kept = 0;
  for (let k = 0; k < size; k++) {
    if (d < dropCount && list[k] === drop[d]) d++;
    else list[kept++] = list[k];
  }
  return kept;
}
