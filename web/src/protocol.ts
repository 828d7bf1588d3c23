// Messages between the page and its fit worker (structured-cloneable plain data).

import type { Activation, InterpolationModel, SelectionStrategy } from "../../src/browser.js";

/** Points as the page holds them: raw coordinates (d = 2), labels, class names. */
export interface PointsMessage {
  readonly name: string;
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
}

/** Dirksen–Finke–Genzel hyperparameters chosen on the page. */
export interface FitKnobs {
  readonly algorithm: 1 | 2;
  readonly n: number;
  readonly lambda: number;
  readonly activation: Activation;
  readonly seed: number;
  /** Second-layer selection strategy (random: the paper's; greedy set cover; pruned). */
  readonly selection: SelectionStrategy;
}

/** A grid of cell centres over the view: cols × rows cells covering [x0, x1] × [y0, y1]. */
export interface GridSpec {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  readonly cols: number;
  readonly rows: number;
}

export type WorkerRequest =
  | {
      readonly id: number;
      readonly kind: "fit";
      readonly points: PointsMessage;
      readonly knobs: FitKnobs;
      readonly grid: GridSpec;
    }
  | {
      readonly id: number;
      readonly kind: "panels";
      readonly points: PointsMessage;
      readonly knobs: readonly FitKnobs[];
      readonly grid: GridSpec;
    }
  | {
      readonly id: number;
      readonly kind: "memorize";
      readonly points: PointsMessage;
      readonly seed: number;
      readonly row: number;
    };

/** One fitted picture: the model, the region index and decision of every grid cell. */
export interface FitPicture {
  readonly knobs: FitKnobs;
  /** The model exactly as fitted (plain data), with the CLI's preprocessing record. */
  readonly model: InterpolationModel;
  /** Per cell: global index of the first second-layer neuron that fires, −1 where none does. */
  readonly region: Int32Array;
  /** Per cell: the predicted class. */
  readonly decision: Int32Array;
  readonly fitMs: number;
  readonly gridMs: number;
}

/** One row of a point's journey through the exact network. */
export interface JourneyStep {
  readonly name: string;
  readonly layers: string;
  readonly values: string;
}

export interface MemorizeSummary {
  readonly theorem: string;
  readonly depth: number;
  readonly width: number;
  readonly parameters: number;
  readonly biases: number;
  readonly bits: number;
  readonly neurons: number;
  readonly verified: string;
  readonly ok: boolean;
  readonly stageOne: string;
  readonly split: string;
  readonly row: number;
  readonly journey: readonly JourneyStep[];
  readonly seconds: number;
}

export type WorkerReply =
  | { readonly id: number; readonly kind: "ready"; readonly backend: string }
  | {
      readonly id: number;
      readonly kind: "progress";
      readonly fraction: number;
      readonly text: string;
    }
  | {
      readonly id: number;
      readonly kind: "fit";
      readonly picture: FitPicture;
      readonly backend: string;
    }
  | {
      readonly id: number;
      readonly kind: "panel";
      readonly index: number;
      readonly picture: FitPicture;
    }
  | { readonly id: number; readonly kind: "memorize"; readonly summary: MemorizeSummary }
  | { readonly id: number; readonly kind: "error"; readonly message: string };
