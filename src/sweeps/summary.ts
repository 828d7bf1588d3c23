// Findings in words, computed from results rows: what each figure is meant to show.

import type { ResultRow } from "./results.js";
import { aggregate, axisValues } from "./stats.js";

function fmt(v: number, digits = 3): string {
  return Number.isInteger(v) ? v.toLocaleString("en-US") : String(Number(v.toPrecision(digits)));
}

function varies(rows: readonly ResultRow[], pick: (r: ResultRow) => number | undefined): boolean {
  return new Set(rows.map(pick)).size > 1;
}

/** Plain-text findings: interpolation at λ = 0, the 99% threshold, width plateau, width vs N. */
export function summarize(rows: readonly ResultRow[]): string[] {
  if (rows.length === 0) return ["no results"];
  const lines: string[] = [];
  const interpolating = rows.filter((r) => r.interpolated).length;
  lines.push(
    `${rows.length.toLocaleString("en-US")} trials; ${fmt((100 * interpolating) / rows.length, 3)}% interpolate.`,
  );
  const lambdaVaries = varies(rows, (r) => r.lambda);
  const nVaries = varies(rows, (r) => r.n);
  const sizeVaries = rows.every((r) => r.samples !== undefined) && varies(rows, (r) => r.samples);
  if (lambdaVaries && nVaries) {
    const cells = [...aggregate(rows, "width", "lambda", "n").values()];
    const atZero = cells.filter((c) => c.a === 0);
    if (atZero.length > 0) {
      const best = Math.max(...atZero.map((c) => c.stats.interpolation));
      lines.push(
        `λ = 0: the highest interpolation probability over all n (up to ${fmt(Math.max(...atZero.map((c) => c.b)))}) is ${fmt(best)}.`,
      );
    }
    const lambdas = axisValues(rows, "lambda");
    const thresholds = lambdas
      .map((l) => {
        const ok = cells.filter((c) => c.a === l && c.stats.interpolation >= 0.99).map((c) => c.b);
        return ok.length === 0 ? undefined : { l, n: Math.min(...ok) };
      })
      .filter((x): x is { l: number; n: number } => x !== undefined);
    if (thresholds.length > 0) {
      const pick = thresholds.filter((_, i) => i % Math.ceil(thresholds.length / 8) === 0);
      lines.push(
        `99% contour: smallest n with interpolation probability ≥ 99%: ` +
          pick.map((t) => `λ = ${fmt(t.l)}: n = ${fmt(t.n)}`).join("; ") +
          ".",
      );
    } else lines.push("No cell reaches an interpolation probability of 99%.");
    const high = cells.filter((c) => c.stats.interpolation >= 0.99).map((c) => c.stats.mean);
    if (high.length > 0) {
      high.sort((a, b) => a - b);
      const n = rows.reduce((m, r) => Math.max(m, r.samples ?? 0), -Infinity);
      lines.push(
        `Width plateau: where interpolation probability ≥ 99% (${high.length} cells) the mean second-layer ` +
          `width is ${fmt(high[0])}–${fmt(high[high.length - 1])} (median ${fmt(high[Math.floor(high.length / 2)])})` +
          (n > 0 ? ` for N = ${fmt(n)} points.` : "."),
      );
    }
  }
  if (sizeVaries) {
    const cells = [...aggregate(rows, "width", "size", "n").values()];
    for (const n of axisValues(rows, "n")) {
      const curve = cells.filter((c) => c.b === n).sort((a, b) => a.a - b.a);
      if (curve.length < 2) continue;
      const text = curve.map((c) => `${fmt(c.a)}: ${fmt(c.stats.mean)}`).join(", ");
      const first = curve[0];
      const mid = curve[Math.floor((curve.length - 1) / 2)];
      const last = curve[curve.length - 1];
      const early = (mid.stats.mean - first.stats.mean) / Math.max(1e-9, mid.a - first.a);
      const late = (last.stats.mean - mid.stats.mean) / Math.max(1e-9, last.a - mid.a);
      lines.push(
        `n = ${fmt(n)}: mean second-layer width by N: ${text}. Growth per 1000 points: ` +
          `${fmt(1000 * early)} in the first half of the N range, ${fmt(1000 * late)} in the second.`,
      );
    }
  }
  // One neuron per point of X⁻ (the worst case of Sec. 4.6): binary data with N⁻ = N/2.
  const perPoint = rows.filter(
    (r) => r.perClass.length <= 1 && r.samples !== undefined && r.secondDimOut === r.samples / 2,
  ).length;
  if (rows.every((r) => r.dataset.startsWith("lines"))) {
    const widths = rows.map((r) => r.secondDimOut);
    lines.push(
      `Second-layer width = N⁻ = N/2 (one neuron per point of X⁻) in ${perPoint} of ${rows.length} runs ` +
        `(widths ${widths.reduce((a, b) => Math.min(a, b), Infinity)}–${widths.reduce((a, b) => Math.max(a, b), -Infinity)}, mean ${fmt(widths.reduce((a, b) => a + b, 0) / widths.length)}).`,
    );
  }
  return lines;
}
