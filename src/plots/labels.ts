// Words and symbols of the figures, as in the paper.

import type { FigureAxis, FigureValue } from "../sweeps/config.js";
import { formatShort } from "../util/round.js";

/** Axis title of a swept quantity. */
export function axisTitle(axis: FigureAxis): string {
  return axis === "n"
    ? "width of first layer n"
    : axis === "lambda"
      ? "maximal bias λ"
      : "number of samples N";
}

/** Short symbol of a swept quantity, for legends ("n = 200"). */
export function axisSymbol(axis: FigureAxis): string {
  return axis === "n" ? "n" : axis === "lambda" ? "λ" : "N";
}

/** Legend title of a series axis. */
export function seriesTitle(axis: FigureAxis): string {
  return axis === "n" ? "width n" : axis === "lambda" ? "max bias λ" : "samples N";
}

/** Title of a plotted value. */
export function valueTitle(value: FigureValue): string {
  return value === "interpolation" ? "interpolation probability" : "width of the second layer";
}

/** A number for labels: thousands separated, short decimals. */
export function formatValue(v: number): string {
  return formatShort(v, 6);
}

/** Vega format of an axis's tick labels. */
export function axisFormat(axis: FigureAxis): string {
  return axis === "lambda" ? "~g" : "~s";
}
