// Plain-text output: aligned tables and human-readable numbers.

/** Renders rows as an aligned text table; numeric-looking cells are right-aligned. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const numeric = (s: string) => /^[-+]?[\d.,]+(e[-+]?\d+)?\s*[a-z%]*$/i.test(s);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** An integer with thousands separators: 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Seconds with a sensible number of digits. */
export function formatSeconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

/** Key–value lines with aligned values. */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  const w = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
}
