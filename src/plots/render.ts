// Rendering figures: Vega-Lite specifications compiled by vega-lite, rendered to SVG by vega
// (headless, no canvas), rasterized to PNG by resvg, converted to vector PDF by PDFKit with
// svg-to-pdfkit; the specification itself can be saved beside them (<name>.vl.json).

import { makeDirectory, writeFileAtomic } from "../node/files.js";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { svgToPdf } from "./pdf.js";
import { installTextWidth } from "./textWidth.js";

/** A figure: its file name (without extension), its specification and a caption. */
export interface Figure {
  readonly name: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** Output formats. */
export type FigureFormat = "svg" | "png" | "pdf";

/** Every output format, in the order files are written. */
export const FIGURE_FORMATS: readonly FigureFormat[] = ["svg", "png", "pdf"];

/** Size and value range of a figure (each optional: the figure's own default). */
export interface FigureLook {
  /** Width and height of the plotting area of one panel, in pixels. */
  readonly width?: number;
  readonly height?: number;
  /** Range of the plotted value: the colour scale of a heatmap, the y axis of slices. */
  readonly vmin?: number;
  readonly vmax?: number;
}

/** How figure files are written. */
export interface WriteOptions {
  /** PNG pixels per SVG pixel (default 2). */
  readonly scale?: number;
  /** Also write the Vega-Lite specification as <name>.vl.json (default false). */
  readonly saveSpec?: boolean;
}

/** The files written for a figure. */
export interface WrittenFigure {
  readonly name: string;
  readonly caption: string;
  readonly files: readonly string[];
  /** The self-contained Vega-Lite specification (theme included) that was rendered. */
  readonly spec: TopLevelSpec;
  /** Its file, when saveSpec was asked for. */
  readonly specFile?: string;
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

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** The specification with the shared theme and the schema: what is rendered and saved. */
export function themedSpec(spec: TopLevelSpec): TopLevelSpec {
  return {
    $schema: SCHEMA,
    ...spec,
    config: { ...THEME, ...(spec.config ?? {}) },
  } as TopLevelSpec;
}

/** The figure as SVG text. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  installTextWidth();
  const compiled = compile(themedSpec(spec));
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

/** Writes `<dir>/<name>.svg`, `.png` and/or `.pdf` (and `.vl.json`); returns the paths. */
export async function writeFigure(
  dir: string,
  figure: Figure,
  formats: readonly FigureFormat[] = ["svg", "png"],
  options: WriteOptions = {},
): Promise<WrittenFigure> {
  await makeDirectory(dir);
  const spec = themedSpec(figure.spec);
  const svg = await toSvg(figure.spec);
  const files: string[] = [];
  for (const format of FIGURE_FORMATS.filter((f) => formats.includes(f))) {
    const path = join(dir, `${figure.name}.${format}`);
    const contents =
      format === "svg"
        ? svg
        : format === "png"
          ? svgToPng(svg, options.scale ?? 2)
          : await svgToPdf(svg, figure.caption);
    await writeFileAtomic(path, contents);
    files.push(path);
  }
  let specFile: string | undefined;
  if (options.saveSpec) {
    specFile = join(dir, `${figure.name}.vl.json`);
    await writeFileAtomic(specFile, `${JSON.stringify(spec)}\n`);
  }
  return {
    name: figure.name,
    caption: figure.caption,
    files,
    spec,
    ...(specFile === undefined ? {} : { specFile }),
  };
}
