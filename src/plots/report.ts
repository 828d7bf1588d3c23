// Writing all figures of an experiment or results file, their Vega-Lite specifications, the
// scripts of the interactive charts, and the HTML page that shows them.

import { makeDirectory, readBytes, writeFileAtomic } from "../node/files.js";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExperimentError } from "../sweeps/errors.js";
import { summarize } from "../sweeps/summary.js";
import { buildFigure, figureSpecs, inputTable, type FigureInputs } from "./figures.js";
import { figurePage } from "./html.js";
import { type FigureFormat, type WrittenFigure, writeFigure } from "./render.js";

/** What was written. */
export interface Report {
  readonly dir: string;
  readonly page: string;
  readonly figures: readonly WrittenFigure[];
  readonly findings: readonly string[];
}

/** How a report is written (each optional). */
export interface ReportOptions {
  /** PNG pixels per SVG pixel (default 2). */
  readonly scale?: number;
  /** Interactive charts in index.html, scripts copied to <dir>/vendor/ (default true). */
  readonly interactive?: boolean;
}

/** The browser builds of vega, vega-lite and vega-embed, from the installed packages. */
const SCRIPTS = [
  ["vega", "vega.min.js"],
  ["vega-lite", "vega-lite.min.js"],
  ["vega-embed", "vega-embed.min.js"],
] as const;

/** Copies the chart scripts into `<dir>/vendor/`; their URLs relative to the page. */
async function copyScripts(dir: string): Promise<string[]> {
  const vendor = join(dir, "vendor");
  await makeDirectory(vendor);
  const urls: string[] = [];
  for (const [pkg, file] of SCRIPTS) {
    // Each package's entry point lies in its build/ folder, beside its browser build.
    const source = fileURLToPath(new URL(file, import.meta.resolve(pkg)));
    await writeFileAtomic(join(vendor, file), await readBytes(source));
    urls.push(`vendor/${file}`);
  }
  return urls;
}

/** σ of the n × λ probability heatmap of the experiment (what the findings read). */
function findingsSigma(inputs: FigureInputs): number | undefined {
  if (inputs.overrides?.sigma !== undefined) return inputs.overrides.sigma;
  for (const f of inputs.config?.figures ?? []) {
    if (f.kind === "heatmap" && f.value === "interpolation" && f.sigma !== undefined)
      return f.sigma;
  }
  return undefined;
}

/**
 * Draws every figure into `dir` (SVG, PNG and/or PDF, and each one's Vega-Lite specification as
 * <name>.vl.json) and writes `dir/index.html`. `onFigure` is told each figure's name as it is
 * written. ExperimentError when there is nothing to plot.
 */
export async function writeReport(
  dir: string,
  inputs: FigureInputs & { readonly resultsFiles: readonly string[] },
  formats: readonly FigureFormat[] = ["svg", "png"],
  onFigure?: (name: string) => void,
  options: ReportOptions = {},
): Promise<Report> {
  const table = inputTable(inputs);
  const all = { ...inputs, table };
  const specs = figureSpecs(all);
  const needsRows = specs.some((s) => s.kind === "heatmap" || s.kind === "slices");
  if (needsRows && table.rows === 0) {
    throw new ExperimentError(`${inputs.resultsFiles.join(", ")}: no results rows to plot`);
  }
  await makeDirectory(dir);
  const figures: WrittenFigure[] = [];
  for (const spec of specs) {
    const figure = await buildFigure(spec, all);
    figures.push(
      await writeFigure(dir, figure, formats, {
        saveSpec: true,
        ...(options.scale === undefined ? {} : { scale: options.scale }),
      }),
    );
    onFigure?.(figure.name);
  }
  const sigma = findingsSigma(inputs);
  const findings = table.rows > 0 ? summarize(table, sigma === undefined ? {} : { sigma }) : [];
  const scripts = options.interactive === false ? [] : await copyScripts(dir);
  const page = join(dir, "index.html");
  await writeFileAtomic(
    page,
    figurePage({
      title: inputs.config
        ? `${inputs.title} — ${inputs.config.paperFigure || inputs.config.name}`
        : inputs.title,
      ...(inputs.config ? { config: inputs.config } : {}),
      quick: inputs.quick,
      resultsFiles: inputs.resultsFiles,
      trials: table.rows,
      findings,
      figures,
      scripts,
    }),
  );
  return { dir, page, figures, findings };
}
