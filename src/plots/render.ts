// Rendering figures: Vega-Lite specifications compiled by vega-lite, rendered to SVG by vega
// (headless, no canvas), rasterized to PNG by resvg.

import { makeDirectory, writeFileAtomic } from "../node/files.js";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { installTextWidth } from "./textWidth.js";

/** A figure: its file name (without extension), its specification and a caption. */
export interface Figure {
  readonly name: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** Output formats. */
export type FigureFormat = "svg" | "png";

/** The files written for a figure. */
export interface WrittenFigure {
  readonly name: string;
  readonly caption: string;
  readonly files: readonly string[];
}

/** Font stack: DejaVu Sans (Debian's fonts-dejavu-core) has λ, Φ̂ and the other symbols. */
export const FONT = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";

/** Shared look: readable sizes, no chart border. */
export const THEME = {
  font: FONT,
  background: "white",
  padding: 8,
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: "#444", anchor: "start", offset: 10 },
  axis: {
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: "normal",
    grid: true,
    gridColor: "#e8e8e8",
  },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "normal" },
  header: { labelFontSize: 12, titleFontSize: 13 },
  view: { stroke: "#888" },
} as const;

/** The figure as SVG text. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  installTextWidth();
  const compiled = compile({
    ...spec,
    config: { ...THEME, ...(spec.config ?? {}) },
  } as TopLevelSpec);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes SVG to PNG at `scale` times its size (fonts: the system's, DejaVu Sans first). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: {
      loadSystemFonts: true,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return Buffer.from(resvg.render().asPng());
}

/** Writes `<dir>/<name>.svg` and/or `.png`; returns the paths. */
export async function writeFigure(
  dir: string,
  figure: Figure,
  formats: readonly FigureFormat[] = ["svg", "png"],
): Promise<WrittenFigure> {
  await makeDirectory(dir);
  const svg = await toSvg(figure.spec);
  const files: string[] = [];
  if (formats.includes("svg")) {
    const path = join(dir, `${figure.name}.svg`);
    await writeFileAtomic(path, svg);
    files.push(path);
  }
  if (formats.includes("png")) {
    const path = join(dir, `${figure.name}.png`);
    await writeFileAtomic(path, svgToPng(svg));
    files.push(path);
  }
  return { name: figure.name, caption: figure.caption, files };
}
