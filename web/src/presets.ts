// The playground's data sets: the library's generators (two moons, parallel lines, Prop. 13's
// alternating points) and three more pictures made here from the library's seeded Rng (two
// circles, two spirals, Gaussian blobs). All are plain Datasets in raw coordinates.

import {
  type Dataset,
  makeAlternatingPoints,
  makeDataset,
  makeMoons,
  makeParallelLines,
  Rng,
} from "../../src/browser.js";

export const PRESETS = ["moons", "circles", "spirals", "lines", "alternating", "blobs"] as const;
export type PresetName = (typeof PRESETS)[number];

/** The knobs of a preset: N points, noise (or line distance), seed; unused ones are ignored. */
export interface PresetParams {
  readonly preset: PresetName;
  readonly size: number;
  readonly noise: number;
  readonly dataSeed: number;
}

/** What each preset calls its knobs (for labels), and its defaults. */
export const PRESET_INFO: Record<
  PresetName,
  {
    readonly title: string;
    readonly size: number;
    readonly noise: number;
    readonly noiseLabel: string;
  }
> = {
  moons: { title: "Two moons (Sec. 4.1)", size: 200, noise: 0.05, noiseLabel: "noise σ" },
  circles: { title: "Two circles", size: 200, noise: 0.05, noiseLabel: "noise σ" },
  spirals: { title: "Two spirals", size: 200, noise: 0.02, noiseLabel: "noise σ" },
  lines: { title: "Parallel lines (Sec. 4.6)", size: 20, noise: 0.1, noiseLabel: "distance" },
  alternating: { title: "Alternating points (Prop. 13)", size: 9, noise: 0, noiseLabel: "—" },
  blobs: { title: "Gaussian blobs (3 classes)", size: 150, noise: 0.25, noiseLabel: "spread σ" },
};

const BINARY = ["0", "1"] as const;

/** Two concentric circles of radii 1 (class 0, X⁻) and 0.5 (class 1), like make_circles. */
function makeCircles(count: number, noise: number, seed: number): Dataset {
  const rng = new Rng(seed, 101);
  const features = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  const outer = Math.floor(count / 2);
  for (let i = 0; i < count; i++) {
    const inner = i >= outer;
    const share = inner ? count - outer : outer;
    const t = (2 * Math.PI * (inner ? i - outer : i)) / Math.max(share, 1);
    const r = inner ? 0.5 : 1;
    features[2 * i] = r * Math.cos(t) + noise * rng.normal();
    features[2 * i + 1] = r * Math.sin(t) + noise * rng.normal();
    labels[i] = inner ? 1 : 0;
  }
  return makeDataset(
    `circles(N=${count}, noise=${noise}, seed=${seed})`,
    features,
    2,
    labels,
    BINARY,
  );
}

/** Two interleaved spirals (1.5 turns each), class 0 and class 1 rotated by π. */
function makeSpirals(count: number, noise: number, seed: number): Dataset {
  const rng = new Rng(seed, 102);
  const features = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  const half = Math.ceil(count / 2);
  for (let i = 0; i < count; i++) {
    const label = i < half ? 0 : 1;
    const k = label === 0 ? i : i - half;
    const share = label === 0 ? half : count - half;
    const s = (k + 0.5) / Math.max(share, 1);
    const t = 3 * Math.PI * s;
    const r = 0.1 + 0.9 * s;
    const phase = label === 0 ? 0 : Math.PI;
    features[2 * i] = r * Math.cos(t + phase) + noise * rng.normal();
    features[2 * i + 1] = r * Math.sin(t + phase) + noise * rng.normal();
    labels[i] = label;
  }
  return makeDataset(
    `spirals(N=${count}, noise=${noise}, seed=${seed})`,
    features,
    2,
    labels,
    BINARY,
  );
}

/** Three Gaussian blobs N(c_k, σ²I) around centres on the unit circle, classes "0", "1", "2". */
function makeBlobs(count: number, spread: number, seed: number): Dataset {
  const rng = new Rng(seed, 103);
  const features = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = i % 3;
    const angle = Math.PI / 2 + (2 * Math.PI * k) / 3;
    features[2 * i] = Math.cos(angle) + spread * rng.normal();
    features[2 * i + 1] = Math.sin(angle) + spread * rng.normal();
    labels[i] = k;
  }
  return makeDataset(`blobs(N=${count}, σ=${spread}, seed=${seed})`, features, 2, labels, [
    "0",
    "1",
    "2",
  ]);
}

/** Prop. 13's points on [0, 1] (d = 1), drawn in the plane on the line y = 0 (so d = 2 here). */
function alternatingInPlane(mMinus: number): Dataset {
  const line = makeAlternatingPoints(mMinus);
  const features = new Float32Array(2 * line.size);
  for (let i = 0; i < line.size; i++) features[2 * i] = line.features[i];
  return makeDataset(`${line.name} on y = 0`, features, 2, line.labels, line.classNames);
}

/** The data set of a preset (DataError from the generators for bad knobs). */
export function makePreset(p: PresetParams): Dataset {
  switch (p.preset) {
    case "moons":
      return makeMoons(p.size, p.noise, p.dataSeed);
    case "circles":
      return makeCircles(p.size, p.noise, p.dataSeed);
    case "spirals":
      return makeSpirals(p.size, p.noise, p.dataSeed);
    case "lines":
      return makeParallelLines(p.size - (p.size % 2), p.noise);
    case "alternating":
      return alternatingInPlane(Math.max(2, p.size));
    case "blobs":
      return makeBlobs(p.size, p.noise, p.dataSeed);
  }
}
