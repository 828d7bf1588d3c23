// Files the page reads and writes: points as CSV (x, y, label; what `memonet fit --data csv`
// reads) and downloads of text or blobs.

import { type Dataset, parseCsv } from "../../src/browser.js";

/** The points as CSV with a header; float32 values printed so they parse back exactly. */
export function pointsToCsv(
  features: Float32Array,
  labels: Int32Array,
  classNames: readonly string[],
): string {
  const lines = ["x,y,label"];
  for (let i = 0; i < labels.length; i++) {
    lines.push(`${features[2 * i]},${features[2 * i + 1]},${classNames[labels[i]]}`);
  }
  return lines.join("\n") + "\n";
}

/** Parses CSV points (two feature columns and a label column; DataError names the line). */
export function pointsFromCsv(text: string, name: string): Dataset {
  const ds = parseCsv(text, name);
  if (ds.dim !== 2) {
    throw new Error(
      `${name}: the playground draws points in the plane: need 2 feature columns, got ${ds.dim}`,
    );
  }
  return ds;
}

/** Offers `content` as a file download. */
export function download(name: string, content: Blob | string, type = "text/plain"): void {
  const blob = typeof content === "string" ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
