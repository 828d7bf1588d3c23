// Results aggregated while they are read: one accumulator per data-set family, activation, n, λ
// and N, so that figures and findings of files of 10⁶ rows never hold the rows themselves.

import type { Activation } from "../dfg/firstLayer.js";
import type { FigureAxis, FigureValue } from "./config.js";
import { datasetFamily, datasetLabel, type ResultRow, streamResults } from "./results.js";
import type { ResultsStreamInfo } from "./results.js";
import {
  type Accumulator,
  accumulate,
  accumulatorStats,
  type CellStats,
  emptyAccumulator,
  mergeAccumulator,
  round,
  unknownSamples,
} from "./stats.js";

/** One panel of a figure: the rows of one data-set family (and activation). */
export interface Panel {
  readonly key: string;
  readonly family: string;
  readonly activation: Activation;
  /** In words, e.g. "MNIST 1 vs 9" (with the activation when several are present). */
  readonly label: string;
  /** The `dataset` values of its rows, sorted. */
  readonly datasets: readonly string[];
}

/** A cell of an aggregation over two axes. */
export interface AggregatedCell {
  readonly a: number;
  readonly b: number;
  readonly stats: CellStats;
}

interface BaseCell {
  readonly panel: string;
  readonly n: number;
  readonly lambda: number;
  /** N, or undefined where the row does not tell it. */
  readonly size: number | undefined;
  readonly dataset: string;
  readonly acc: Accumulator;
}

/** Results rows reduced to per-cell statistics (add rows one at a time). */
export class ResultsTable {
  private readonly cells = new Map<string, BaseCell>();
  private readonly panelInfo = new Map<
    string,
    { family: string; activation: Activation; datasets: Set<string> }
  >();
  /** Number of rows added. */
  rows = 0;
  /** Rows that interpolate. */
  interpolating = 0;
  /** True while every row is of the parallel-lines data (Fig. 14). */
  allLines = true;
  /** Rows of binary data whose second-layer width is N/2: one neuron per point of X⁻. */
  onePerPoint = 0;
  widthMin = Infinity;
  widthMax = -Infinity;
  widthSum = 0;
  /** The largest N of the rows (0 when none is known). */
  maxSamples = 0;

  /** Panel of each (dataset, activation) seen so far: the name is parsed once, not per row. */
  private readonly panelOf = new Map<string, string>();

  /** Adds one row. */
  add(row: ResultRow): void {
    const seen = `${row.dataset}|${row.activation}`;
    let panel = this.panelOf.get(seen);
    if (panel === undefined) {
      const family = datasetFamily(row.dataset);
      panel = `${family}|${row.activation}`;
      let info = this.panelInfo.get(panel);
      if (info === undefined) {
        info = { family, activation: row.activation, datasets: new Set() };
        this.panelInfo.set(panel, info);
      }
      info.datasets.add(row.dataset);
      this.panelOf.set(seen, panel);
    }
    const n = round(row.n);
    const lambda = round(row.lambda);
    const size = row.samples === undefined ? undefined : round(row.samples);
    const key = `${panel}|${n}|${lambda}|${size ?? ""}`;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { panel, n, lambda, size, dataset: row.dataset, acc: emptyAccumulator() };
      this.cells.set(key, cell);
    }
    accumulate(cell.acc, row.secondDimOut, row.interpolated);
    this.rows++;
    if (row.interpolated) this.interpolating++;
    if (!row.dataset.startsWith("lines")) this.allLines = false;
    const w = row.secondDimOut;
    if (row.perClass.length <= 1 && row.samples !== undefined && w === row.samples / 2) {
      this.onePerPoint++;
    }
    if (w < this.widthMin) this.widthMin = w;
    if (w > this.widthMax) this.widthMax = w;
    this.widthSum += w;
    if (row.samples !== undefined && row.samples > this.maxSamples) this.maxSamples = row.samples;
  }

  /** A table of `rows`. */
  static of(rows: Iterable<ResultRow>): ResultsTable {
    const table = new ResultsTable();
    for (const r of rows) table.add(r);
    return table;
  }

  /** The panels, sorted by family; labels name the activation only when several are present. */
  panels(): Panel[] {
    const activations = new Set([...this.panelInfo.values()].map((p) => p.activation));
    return [...this.panelInfo.entries()]
      .map(([key, p]) => ({
        key,
        family: p.family,
        activation: p.activation,
        label:
          datasetLabel(p.family) +
          (activations.size > 1 ? `, ${p.activation === "relu" ? "ReLU" : "threshold"}` : ""),
        datasets: [...p.datasets].sort(),
      }))
      .sort((x, y) => x.family.localeCompare(y.family) || x.activation.localeCompare(y.activation));
  }

  private cellsOf(panel: string | undefined): BaseCell[] {
    const all = [...this.cells.values()];
    return panel === undefined ? all : all.filter((c) => c.panel === panel);
  }

  private static value(c: BaseCell, axis: FigureAxis): number {
    if (axis === "n") return c.n;
    if (axis === "lambda") return c.lambda;
    if (c.size === undefined) throw unknownSamples(c.dataset);
    return c.size;
  }

  /** True if N is known for every row (of `panel`). */
  sizesKnown(panel?: string): boolean {
    return this.cellsOf(panel).every((c) => c.size !== undefined);
  }

  /** Sorted distinct values of an axis (in `panel`, or over all panels). */
  axisValues(axis: FigureAxis, panel?: string): number[] {
    const values = new Set<number>();
    for (const c of this.cellsOf(panel)) values.add(ResultsTable.value(c, axis));
    return [...values].sort((x, y) => x - y);
  }

  /** Cells over two axes (of `panel`, or of all rows), each with the statistics of `value`. */
  aggregate(
    value: FigureValue,
    a: FigureAxis,
    b: FigureAxis,
    panel?: string,
  ): Map<string, AggregatedCell> {
    const groups = new Map<string, { a: number; b: number; acc: Accumulator }>();
    for (const c of this.cellsOf(panel)) {
      const va = ResultsTable.value(c, a);
      const vb = ResultsTable.value(c, b);
      const key = `${va}|${vb}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { a: va, b: vb, acc: emptyAccumulator() }));
      mergeAccumulator(g.acc, c.acc);
    }
    const out = new Map<string, AggregatedCell>();
    for (const [key, g] of groups)
      out.set(key, { a: g.a, b: g.b, stats: accumulatorStats(g.acc, value) });
    return out;
  }

  /** The fewest and most runs of an (a, b) cell (of `panel`). */
  runsPerCell(a: FigureAxis, b: FigureAxis, panel?: string): { min: number; max: number } {
    let min = Infinity;
    let max = 0;
    for (const c of this.aggregate("interpolation", a, b, panel).values()) {
      min = Math.min(min, c.stats.count);
      max = Math.max(max, c.stats.count);
    }
    return { min: min === Infinity ? 0 : min, max };
  }
}

/** Rows or a table of them: what the figures and findings accept. */
export type ResultsSource = ResultsTable | readonly ResultRow[];

/** `source` as a table (rows are aggregated once). */
export function asTable(source: ResultsSource): ResultsTable {
  return source instanceof ResultsTable ? source : ResultsTable.of(source);
}

/**
 * Streams results files into one table; `onPartial` is told of each file whose last line was
 * cut. ExperimentError names the file (and line) of a bad one.
 */
export async function readResultsTable(
  paths: readonly string[],
  onPartial?: (path: string) => void,
): Promise<{ table: ResultsTable; files: ResultsStreamInfo[] }> {
  const table = new ResultsTable();
  const files: ResultsStreamInfo[] = [];
  for (const path of paths) {
    const info = await streamResults(path, (row) => table.add(row));
    if (info.partial !== undefined) onPartial?.(path);
    files.push(info);
  }
  return { table, files };
}
