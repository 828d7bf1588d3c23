// Writing all figures of an experiment or results file, and the HTML page that shows them.

import { makeDirectory, writeFileAtomic } from "../node/files.js";
import { join } from "node:path";
import { ExperimentError } from "../sweeps/errors.js";
import { summarize } from "../sweeps/summary.js";
import { buildFigure, figureSpecs, type FigureInputs } from "./figures.js";
import { figurePage } from "./html.js";
import { type FigureFormat, type WrittenFigure, writeFigure } from "./render.js";

/** What was written. */
export interface Report {
  readonly dir: string;
  readonly page: string;
  readonly figures: readonly WrittenFigure[];
  readonly findings: readonly string[];
}

/**
 * Draws every figure into `dir` (SVG and/or PNG) and writes `dir/index.html`. `onFigure` is
 * told each figure's name as it is written. ExperimentError when there is nothing to plot.
 */
export async function writeReport(
  dir: string,
  inputs: FigureInputs & { readonly resultsFiles: readonly string[] },
  formats: readonly FigureFormat[] = ["svg", "png"],
  onFigure?: (name: string) => void,
): Promise<Report> {
  const specs = figureSpecs(inputs);
  const needsRows = specs.some((s) => s.kind === "heatmap" || s.kind === "slices");
  if (needsRows && inputs.rows.length === 0) {
    throw new ExperimentError(`${inputs.resultsFiles.join(", ")}: no results rows to plot`);
  }
  await makeDirectory(dir);
  const figures: WrittenFigure[] = [];
  for (const spec of specs) {
    const figure = await buildFigure(spec, inputs);
    figures.push(await writeFigure(dir, figure, formats));
    onFigure?.(figure.name);
  }
  const findings = inputs.rows.length > 0 ? summarize(inputs.rows) : [];
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
      trials: inputs.rows.length,
      findings,
      figures,
    }),
  );
  return { dir, page, figures, findings };
}
