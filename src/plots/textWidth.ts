// Text widths for vega's layout without a canvas: advance widths of DejaVu Sans (the font the
// PNGs are rendered with), so titles and legends get the space they need. Vega's own fallback
// (0.8 em per character) makes figures far too wide.

import * as vega from "vega";

/** Advance widths (1/1000 em) of DejaVu Sans for the characters 32..126, normal and bold. */
const NORMAL = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 300, 337, 636, 636, 636,
  636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
  575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
  611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
  278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const BOLD = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
  696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
  683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
  724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
  343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/** What vega passes for a text item. */
interface TextItem {
  readonly fontSize?: number;
  readonly fontWeight?: string | number;
}

/** Width in pixels of `text` in DejaVu Sans at the item's size and weight. */
export function textWidth(item: TextItem, text: unknown): number {
  const s = text === null || text === undefined ? "" : String(text);
  const bold =
    item.fontWeight === "bold" || (typeof item.fontWeight === "number" && item.fontWeight >= 600);
  const table = bold ? BOLD : NORMAL;
  let units = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x300 && c < 0x370) continue; // combining marks take no space
    units += c >= 32 && c < 127 ? table[c - 32] : bold ? 700 : 640;
  }
  return (units / 1000) * (item.fontSize ?? 11);
}

let installed = false;

/** Makes vega measure text with textWidth (once per process). */
export function installTextWidth(): void {
  if (installed) return;
  const metrics = (
    vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }
  ).textMetrics;
  metrics.width = textWidth;
  installed = true;
}
