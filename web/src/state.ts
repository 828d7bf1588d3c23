// Shareable page state in the URL query: data preset and its knobs, fit parameters and seed.

import { SELECTION_STRATEGIES, type SelectionStrategy } from "../../src/browser.js";
import { PRESET_INFO, PRESETS, type PresetName } from "./presets.js";
import type { FitKnobs } from "./protocol.js";

/** The state the URL carries. preset "custom" means drawn or imported points (not in the URL). */
export interface PageState {
  readonly preset: PresetName | "custom";
  readonly size: number;
  readonly noise: number;
  readonly dataSeed: number;
  readonly knobs: FitKnobs;
}

export const DEFAULT_STATE: PageState = {
  preset: "moons",
  size: PRESET_INFO.moons.size,
  noise: PRESET_INFO.moons.noise,
  dataSeed: 0,
  knobs: { algorithm: 2, n: 100, lambda: 1, activation: "threshold", seed: 0, selection: "random" },
};

/** A finite number from the query, or the fallback. */
function num(params: URLSearchParams, key: string, fallback: number, integer = false): number {
  const text = params.get(key);
  if (text === null || text.trim() === "") return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) return fallback;
  return v;
}

/** Reads the state from a query string (unknown or bad values fall back to the defaults). */
export function parseState(search: string): PageState {
  const p = new URLSearchParams(search);
  const presetText = p.get("preset") ?? DEFAULT_STATE.preset;
  const preset = (PRESETS as readonly string[]).includes(presetText)
    ? (presetText as PresetName)
    : DEFAULT_STATE.preset;
  const info = PRESET_INFO[preset === "custom" ? "moons" : preset];
  const d = DEFAULT_STATE.knobs;
  const algorithm = p.get("alg") === "1" ? 1 : 2;
  const activation = p.get("act") === "relu" ? "relu" : "threshold";
  const selText = p.get("sel") ?? "random";
  const selection = (SELECTION_STRATEGIES as readonly string[]).includes(selText)
    ? (selText as SelectionStrategy)
    : "random";
  return {
    preset,
    size: Math.max(1, num(p, "N", info.size, true)),
    noise: num(p, "noise", info.noise),
    dataSeed: num(p, "dataSeed", 0, true),
    knobs: {
      algorithm,
      n: num(p, "n", algorithm === 1 ? 0 : d.n, true),
      lambda: num(p, "lambda", d.lambda),
      activation,
      seed: num(p, "seed", d.seed, true),
      selection,
    },
  };
}

/** The query string of a state. */
export function formatState(s: PageState): string {
  const p = new URLSearchParams();
  p.set("preset", s.preset);
  if (s.preset !== "custom") {
    p.set("N", String(s.size));
    p.set("noise", String(s.noise));
    p.set("dataSeed", String(s.dataSeed));
  }
  p.set("alg", String(s.knobs.algorithm));
  p.set("n", String(s.knobs.n));
  p.set("lambda", String(s.knobs.lambda));
  p.set("act", s.knobs.activation);
  p.set("seed", String(s.knobs.seed));
  if (s.knobs.selection !== "random") p.set("sel", s.knobs.selection);
  return `?${p.toString()}`;
}
