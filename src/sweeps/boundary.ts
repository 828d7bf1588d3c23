// Decision-boundary data of 2-D experiments (Figs. 6, 7 and 14): each panel's network is fitted
// with the seed of its trial and sampled on a pixel grid through the model's inspection API.
// The figure itself (plots/boundary.ts) only draws these data.

import type { Dataset } from "../data/dataset.js";
import type { Activation } from "../dfg/firstLayer.js";
import { fitModel } from "../dfg/fit.js";
import { neuronFiring } from "../dfg/inspect.js";
import type { Kernels } from "../backends/types.js";
import { ExperimentError } from "./errors.js";
import { trialKey, trialSeed } from "./grid.js";

/** The hyperparameters of one panel. */
export interface BoundaryPanel {
  readonly n: number;
  readonly lambda: number;
  readonly activation: Activation;
  readonly restart: number;
}

/** The plotted rectangle in data coordinates. */
export interface Extent {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** Everything a panel draws: the data, the neurons' firing maps and their candidate points. */
export interface BoundaryPanelData {
  readonly panel: BoundaryPanel;
  readonly extent: Extent;
  /** Display size of the panel (pixels); the maps have cols × rows = 2·width × 2·height cells. */
  readonly width: number;
  readonly height: number;
  readonly cols: number;
  readonly rows: number;
  /** maps[j][r·cols + c] = 1 when neuron j fires at cell (c, r), row 0 at the bottom. */
  readonly maps: readonly Uint8Array[];
  /** The accepted candidate point (x, y) of each neuron. */
  readonly candidates: readonly (readonly [number, number])[];
  readonly interpolates: boolean;
  readonly neurons: number;
}

/** The data of a boundary figure: the 2-D data set and one entry per panel. */
export interface BoundaryData {
  /** x, y and class index (0 = X⁻) of each point. */
  readonly points: readonly { readonly x: number; readonly y: number; readonly label: number }[];
  readonly classNames: readonly [string, string];
  readonly size: number;
  readonly panels: readonly BoundaryPanelData[];
}

/** How the networks are fitted: the seed namespace (experiment name), algorithm and kernels. */
export interface BoundaryOptions {
  readonly name: string;
  readonly experiment: string;
  readonly algorithm: 1 | 2;
  readonly kernels: Kernels;
}

/** The display width of a panel: 480 alone, 230 in a grid. */
export function boundaryPanelWidth(panels: number): number {
  return panels === 1 ? 480 : 230;
}

/** The data's bounding box padded by 8 %, aspect ratio kept within [0.3, 1/0.3]. */
export function extentOf(ds: Dataset): Extent {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < ds.size; i++) {
    const x = ds.features[2 * i];
    const y = ds.features[2 * i + 1];
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  let w = Math.max(x1 - x0, 1e-6);
  let h = Math.max(y1 - y0, 1e-6);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  w = Math.max(w, 0.3 * h) * 1.16;
  h = Math.max(h, 0.3 * w) * 1.16;
  return { x0: cx - w / 2, x1: cx + w / 2, y0: cy - h / 2, y1: cy + h / 2 };
}

/** The centres of a cols × rows grid over `extent`, row-major from the bottom row. */
export function gridPoints(extent: Extent, cols: number, rows: number): Float32Array {
  const features = new Float32Array(2 * cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const p = r * cols + c;
      features[2 * p] = extent.x0 + ((c + 0.5) / cols) * (extent.x1 - extent.x0);
      features[2 * p + 1] = extent.y0 + ((r + 0.5) / rows) * (extent.y1 - extent.y0);
    }
  }
  return features;
}

function panelData(
  ds: Dataset,
  panel: BoundaryPanel,
  o: BoundaryOptions,
  width: number,
): BoundaryPanelData {
  const seed = trialSeed(
    o.experiment,
    trialKey(ds.name, panel.n, panel.lambda, panel.activation, panel.restart),
  );
  const model = fitModel(
    ds,
    {
      algorithm: o.algorithm,
      n: panel.n,
      lambda: panel.lambda,
      activation: panel.activation,
      seed,
    },
    { kernels: o.kernels },
  );
  const extent = extentOf(ds);
  const height = Math.max(
    20,
    Math.round((width * (extent.y1 - extent.y0)) / (extent.x1 - extent.x0)),
  );
  // Regions are sampled at twice the figure's resolution (sharp in the 2× PNG).
  const cols = 2 * width;
  const rows = 2 * height;
  const maps = neuronFiring(model, gridPoints(extent, cols, rows), o.kernels, 0);
  const layer = model.subnetworks[0];
  const candidates = Array.from(
    layer.candidates,
    (row) => [ds.features[2 * row], ds.features[2 * row + 1]] as const,
  );
  return {
    panel,
    extent,
    width,
    height,
    cols,
    rows,
    maps,
    candidates,
    interpolates: model.info.interpolates,
    neurons: layer.width,
  };
}

/**
 * Fits the network of each panel (the seed of its trial in `experiment`) on `ds` (2-D, binary)
 * and samples where its second-layer neurons fire. ExperimentError for other data.
 */
export function boundaryData(
  ds: Dataset,
  panels: readonly BoundaryPanel[],
  o: BoundaryOptions,
): BoundaryData {
  if (ds.dim !== 2 || ds.classNames.length !== 2) {
    throw new ExperimentError(
      `${o.name}: decision boundaries need 2-D data with two classes; ${ds.name} has d = ${ds.dim} and ${ds.classNames.length} classes`,
    );
  }
  const width = boundaryPanelWidth(panels.length);
  return {
    points: Array.from({ length: ds.size }, (_, i) => ({
      x: ds.features[2 * i],
      y: ds.features[2 * i + 1],
      label: ds.labels[i],
    })),
    classNames: [ds.classNames[0], ds.classNames[1]],
    size: ds.size,
    panels: panels.map((p) => panelData(ds, p, o, width)),
  };
}
