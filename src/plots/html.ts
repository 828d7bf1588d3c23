// A small HTML page that shows all figures of an experiment with their parameters and findings:
// each figure an interactive chart (vega-embed, from scripts beside the page, with tooltips) over
// its static SVG or PNG, which stays where the scripts cannot run.

import type { ExperimentConfig, GridAxes } from "../sweeps/config.js";
import { planOf } from "../sweeps/grid.js";
import type { WrittenFigure } from "./render.js";
import { basename } from "node:path";

function escape(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function list(values: readonly (number | string)[]): string {
  if (values.length <= 8) return values.join(", ");
  return `${values.slice(0, 3).join(", ")}, …, ${values.slice(-2).join(", ")} (${values.length} values)`;
}

function gridText(g: GridAxes): string {
  const parts = [`n ∈ {${list(g.n)}}`, `λ ∈ {${list(g.lambda)}}`];
  if (g.size.length > 0) parts.push(`N ∈ {${list(g.size)}}`);
  parts.push(`activation ${g.activation.join(", ")}`);
  return parts.join("; ");
}

/** What the page shows. */
export interface PageInputs {
  readonly title: string;
  readonly config?: ExperimentConfig;
  readonly quick: boolean;
  readonly resultsFiles: readonly string[];
  readonly trials: number;
  readonly findings: readonly string[];
  readonly figures: readonly WrittenFigure[];
  /** Relative URLs of the vega, vega-lite and vega-embed scripts; absent: static images only. */
  readonly scripts?: readonly string[];
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Replaces each chart's static image by its interactive view (the image stays on failure). */
const EMBED = `(function () {
  if (typeof vegaEmbed !== "function") return;
  var specs = JSON.parse(document.getElementById("memonet-specs").textContent);
  var charts = document.querySelectorAll(".chart[data-spec]");
  var pending = charts.length;
  function settle() { if (--pending === 0) document.body.dataset.charts = "ready"; }
  if (pending === 0) document.body.dataset.charts = "ready";
  charts.forEach(function (el) {
    var spec = specs[el.getAttribute("data-spec")];
    var fallback = el.innerHTML;
    vegaEmbed(el, spec, {
      renderer: "svg",
      actions: { export: true, source: false, compiled: false, editor: false },
    }).then(function () { el.classList.add("interactive"); settle(); },
      function (err) { el.innerHTML = fallback; el.title = String(err); settle(); });
  });
})();`;

/** The HTML text of the page (figures referenced by relative file names). */
export function figurePage(p: PageInputs): string {
  const rows: [string, string][] = [];
  if (p.config !== undefined) {
    const plan = planOf(p.config, p.quick);
    rows.push(["experiment", `${p.config.name}${p.quick ? " (quick grid)" : " (full grid)"}`]);
    if (p.config.paperFigure) rows.push(["paper", p.config.paperFigure]);
    rows.push(["data", JSON.stringify(plan.dataset)]);
    plan.grids.forEach((g, i) =>
      rows.push([`grid${plan.grids.length > 1 ? ` ${i + 1}` : ""}`, gridText(g)]),
    );
    rows.push(["restarts", String(plan.restarts)]);
    rows.push(["algorithm", `${p.config.algorithm}; score by ${p.config.score}`]);
  }
  rows.push(["results", p.resultsFiles.map((f) => basename(f)).join(", ")]);
  rows.push(["trials plotted", p.trials.toLocaleString("en-US")]);
  rows.push(["made", new Date().toISOString()]);
  const table = rows
    .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`)
    .join("\n");
  const interactive = p.scripts !== undefined && p.scripts.length > 0;
  const figures = p.figures
    .map((f) => {
      const svg = f.files.find((x) => x.endsWith(".svg"));
      const png = f.files.find((x) => x.endsWith(".png"));
      const image = svg ?? png;
      const links = [...f.files, ...(f.specFile ? [f.specFile] : [])]
        .map((x) => `<a href="${escape(basename(x))}">${escape(basename(x))}</a>`)
        .join(" · ");
      const fallback =
        image === undefined
          ? `<p class="noimage">(no SVG or PNG written; the chart needs JavaScript)</p>`
          : `<img src="${escape(basename(image))}" alt="${escape(f.caption)}">`;
      const chart = interactive
        ? `<div class="chart" data-spec="${escape(f.name)}">${fallback}</div>`
        : fallback;
      return (
        `<figure id="${escape(f.name)}">${chart}` +
        `<figcaption><b>${escape(f.name)}</b>: ${escape(f.caption)} <span class="files">${links}</span></figcaption></figure>`
      );
    })
    .join("\n");
  const specs = interactive
    ? `<script id="memonet-specs" type="application/json">${scriptJson(
        Object.fromEntries(p.figures.map((f) => [f.name, f.spec])),
      )}</script>\n` +
      (p.scripts ?? []).map((src) => `<script src="${escape(src)}"></script>`).join("\n") +
      `\n<script>\n${EMBED}\n</script>`
    : "";
  const findings = p.findings.map((f) => `<li>${escape(f)}</li>`).join("\n");
  const description = p.config?.description ? `<p>${escape(p.config.description)}</p>` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(p.title)}</title>
<style>
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { text-align: left; padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; vertical-align: top; }
figure { margin: 2em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
.chart { overflow-x: auto; }
#vg-tooltip-element { font-family: "DejaVu Sans", Verdana, sans-serif; }
figcaption { margin-top: 0.4em; }
.files { color: #777; font-size: 0.9em; }
</style>
</head>
<body>
<h1>${escape(p.title)}</h1>
${description}
<table>
${table}
</table>
<h2>Findings</h2>
<ul>
${findings}
</ul>
<h2>Figures</h2>
${interactive ? `<p class="files">Interactive charts: hover for the values of a cell or point; the … menu of a chart saves it as SVG or PNG. Without JavaScript the static figures show.</p>\n` : ""}${figures}
${specs}
</body>
</html>
`;
}
