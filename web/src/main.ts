// The playground page: data controls, the fit worker, the picture, stats, n × λ panels and the
// exact construction. State shared in the URL; downloads of the model, CSV, PNG and SVG.

import "./style.css";
import {
  type InterpolationModel,
  modelStats,
  modelToJson,
  SELECTION_STRATEGIES,
  type SelectionStrategy,
} from "../../src/browser.js";
import { MEMORIZE_MAX_POINTS } from "./exact.js";
import { download, pointsFromCsv, pointsToCsv } from "./files.js";
import { makePreset, PRESET_INFO, PRESETS, type PresetName } from "./presets.js";
import type {
  FitKnobs,
  FitPicture,
  MemorizeSummary,
  PointsMessage,
  WorkerReply,
  WorkerRequest,
} from "./protocol.js";
import { formatState, type PageState, parseState } from "./state.js";
import {
  canvasPainter,
  drawScene,
  fitViewport,
  fromPixel,
  gridOf,
  type Layers,
  type Scene,
  sceneToSvg,
  toPixelX,
  toPixelY,
  type Viewport,
} from "./view.js";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page lacks #${id}`);
  return el as T;
};

const ui = {
  preset: $<HTMLSelectElement>("preset"),
  size: $<HTMLInputElement>("size"),
  noise: $<HTMLInputElement>("noise"),
  noiseLabel: $<HTMLSpanElement>("noise-label"),
  dataSeed: $<HTMLInputElement>("data-seed"),
  drawClass: $<HTMLSelectElement>("draw-class"),
  clear: $<HTMLButtonElement>("clear"),
  importCsv: $<HTMLInputElement>("import-csv"),
  exportCsv: $<HTMLButtonElement>("export-csv"),
  algorithm: $<HTMLSelectElement>("algorithm"),
  n: $<HTMLInputElement>("n"),
  nValue: $<HTMLOutputElement>("n-value"),
  lambda: $<HTMLInputElement>("lambda"),
  lambdaValue: $<HTMLOutputElement>("lambda-value"),
  activation: $<HTMLSelectElement>("activation"),
  selection: $<HTMLSelectElement>("selection"),
  seed: $<HTMLInputElement>("seed"),
  auto: $<HTMLInputElement>("auto"),
  fit: $<HTMLButtonElement>("fit"),
  cancel: $<HTMLButtonElement>("cancel"),
  progress: $<HTMLProgressElement>("progress"),
  status: $<HTMLParagraphElement>("status"),
  showHyperplanes: $<HTMLInputElement>("show-hyperplanes"),
  showRegions: $<HTMLInputElement>("show-regions"),
  showBoundary: $<HTMLInputElement>("show-boundary"),
  downloadModel: $<HTMLButtonElement>("download-model"),
  downloadPng: $<HTMLButtonElement>("download-png"),
  downloadSvg: $<HTMLButtonElement>("download-svg"),
  plot: $<HTMLCanvasElement>("plot"),
  stats: $<HTMLTableElement>("stats"),
  cli: $<HTMLElement>("cli"),
  panels: $<HTMLButtonElement>("panels"),
  panelGrid: $<HTMLDivElement>("panel-grid"),
  row: $<HTMLInputElement>("row"),
  memorize: $<HTMLButtonElement>("memorize"),
  exact: $<HTMLDivElement>("exact"),
};

/** The points on the page (raw coordinates), the fitted picture and the run in flight. */
const page = {
  state: parseState(location.search),
  name: "",
  features: new Float32Array(0) as Float32Array,
  labels: new Int32Array(0) as Int32Array,
  classNames: ["0", "1"] as string[],
  view: fitViewport(new Float32Array(0), ui.plot.width, ui.plot.height) as Viewport,
  picture: null as FitPicture | null,
  model: null as InterpolationModel | null,
  backend: "…",
  fits: 0,
  /** Main-thread time of the last redraw after a fit. */
  drawMs: 0,
  /** The run in flight: its id, kind and start time; null when idle. */
  running: null as { id: number; kind: WorkerRequest["kind"]; start: number } | null,
  /** A fit asked for while another run was in flight. */
  pendingFit: false,
  nextId: 1,
};

// ---------------------------------------------------------------- worker

let worker = startWorker();

function startWorker(): Worker {
  const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (event: MessageEvent<WorkerReply>) => onReply(event.data);
  w.onerror = (event) => {
    event.preventDefault();
    finishRun();
    setStatus(`the worker failed: ${event.message}`, true);
  };
  return w;
}

function send(request: WorkerRequest): void {
  page.running = { id: request.id, kind: request.kind, start: performance.now() };
  document.body.dataset.busy = "1";
  ui.cancel.disabled = false;
  ui.progress.value = 0;
  worker.postMessage(request);
}

function finishRun(): void {
  page.running = null;
  document.body.dataset.busy = "0";
  ui.cancel.disabled = true;
  if (page.pendingFit) {
    page.pendingFit = false;
    requestFit();
  }
}

function onReply(reply: WorkerReply): void {
  if (reply.kind === "ready") {
    page.backend = reply.backend;
    return;
  }
  const run = page.running;
  if (run === null || reply.id !== run.id) return;
  switch (reply.kind) {
    case "progress":
      ui.progress.value = reply.fraction;
      setStatus(reply.text);
      return;
    case "fit": {
      page.backend = reply.backend;
      showPicture(reply.picture);
      finishRun();
      return;
    }
    case "panel":
      drawPanel(reply.index, reply.picture);
      if (reply.index === panelKnobs().length - 1) {
        setStatus("grid drawn");
        finishRun();
      }
      return;
    case "memorize":
      showExact(reply.summary);
      setStatus(`exact network built in ${reply.summary.seconds.toFixed(2)} s`);
      finishRun();
      return;
    case "error":
      setStatus(reply.message, true);
      if (run.kind === "memorize") {
        const p = document.createElement("p");
        p.className = "error";
        p.textContent = reply.message;
        ui.exact.replaceChildren(p);
      }
      finishRun();
      return;
  }
}

function cancelRun(): void {
  if (page.running === null) return;
  worker.terminate();
  worker = startWorker();
  page.pendingFit = false;
  finishRun();
  ui.progress.value = 0;
  setStatus("cancelled");
}

// ---------------------------------------------------------------- data and state

function points(): PointsMessage {
  return {
    name: page.name,
    features: page.features.slice(),
    labels: page.labels.slice(),
    classNames: [...page.classNames],
  };
}

function setPoints(
  name: string,
  features: Float32Array,
  labels: Int32Array,
  classNames: readonly string[],
): void {
  page.name = name;
  page.features = features;
  page.labels = labels;
  page.classNames = [...classNames];
  page.picture = null;
  page.model = null;
}

function knobsFromControls(): FitKnobs {
  const integer = (el: HTMLInputElement, fallback: number) => {
    const v = Number(el.value);
    return Number.isInteger(v) && v >= 0 ? v : fallback;
  };
  return {
    algorithm: ui.algorithm.value === "1" ? 1 : 2,
    n: integer(ui.n, 100),
    lambda: Number(ui.lambda.value),
    activation: ui.activation.value === "relu" ? "relu" : "threshold",
    seed: integer(ui.seed, 0),
    selection: (SELECTION_STRATEGIES as readonly string[]).includes(ui.selection.value)
      ? (ui.selection.value as SelectionStrategy)
      : "random",
  };
}

function readControls(): PageState {
  const preset = ui.preset.value as PresetName | "custom";
  return {
    preset,
    size: Math.max(1, Math.round(Number(ui.size.value)) || 1),
    noise: Math.max(0, Number(ui.noise.value) || 0),
    dataSeed: Math.max(0, Math.round(Number(ui.dataSeed.value)) || 0),
    knobs: knobsFromControls(),
  };
}

function writeControls(s: PageState): void {
  ui.preset.value = s.preset;
  ui.size.value = String(s.size);
  ui.noise.value = String(s.noise);
  ui.dataSeed.value = String(s.dataSeed);
  ui.noiseLabel.textContent = s.preset === "custom" ? "noise" : PRESET_INFO[s.preset].noiseLabel;
  ui.algorithm.value = String(s.knobs.algorithm);
  ui.n.value = String(s.knobs.n);
  ui.lambda.value = String(s.knobs.lambda);
  ui.activation.value = s.knobs.activation;
  ui.seed.value = String(s.knobs.seed);
  ui.selection.value = s.knobs.selection;
  ui.nValue.textContent = String(s.knobs.n);
  ui.lambdaValue.textContent = Number(s.knobs.lambda).toFixed(2);
}

/** Keeps the URL and the CLI line in step with the controls. */
function syncState(): void {
  page.state = readControls();
  history.replaceState(null, "", formatState(page.state));
  ui.nValue.textContent = String(page.state.knobs.n);
  ui.lambdaValue.textContent = page.state.knobs.lambda.toFixed(2);
  ui.cli.textContent = cliLine(page.state);
}

function cliLine(s: PageState): string {
  const k = s.knobs;
  const fit =
    `--algorithm ${k.algorithm} --n ${k.n} --lambda ${k.lambda} --activation ${k.activation} ` +
    `--seed ${k.seed}${k.selection === "random" ? "" : ` --selection ${k.selection}`} --out model.json`;
  if (s.preset === "moons") {
    return `memonet fit --data moons --size ${s.size} --noise ${s.noise} --data-seed ${s.dataSeed} ${fit}`;
  }
  if (s.preset === "lines") {
    return `memonet fit --data lines --size ${s.size - (s.size % 2)} --distance ${s.noise} ${fit}`;
  }
  return `memonet fit --data csv --path points.csv ${fit}   (points.csv from "export CSV")`;
}

function loadPreset(): void {
  const s = readControls();
  const preset = s.preset;
  if (preset === "custom") return;
  try {
    const ds = makePreset({ ...s, preset });
    setPoints(ds.name, ds.features, ds.labels, ds.classNames);
    page.view = fitViewport(ds.features, ui.plot.width, ui.plot.height);
    setStatus(`${ds.name}: ${ds.size} points`);
  } catch (error) {
    setStatus(error instanceof Error ? error.message : String(error), true);
  }
  redraw();
}

function markCustom(name: string): void {
  ui.preset.value = "custom";
  page.name = name;
  syncState();
}

// ---------------------------------------------------------------- fitting

function requestFit(): void {
  if (page.running !== null) {
    page.pendingFit = true;
    return;
  }
  if (page.labels.length === 0) {
    setStatus("no points: pick a preset or click the picture", true);
    return;
  }
  send({
    id: page.nextId++,
    kind: "fit",
    points: points(),
    knobs: knobsFromControls(),
    grid: gridOf(page.view),
  });
}

function changed(refit: boolean): void {
  syncState();
  if (refit && ui.auto.checked) requestFit();
}

function showPicture(picture: FitPicture): void {
  page.picture = picture;
  page.model = picture.model;
  const t0 = performance.now();
  redraw();
  page.drawMs = performance.now() - t0;
  page.fits++;
  document.body.dataset.fits = String(page.fits);
  showStats(page.model, picture, performance.now() - (page.running?.start ?? 0));
  ui.downloadModel.disabled = false;
  ui.progress.value = 1;
  setStatus("fitted");
}

function showStats(model: InterpolationModel, picture: FitPicture, updateMs: number): void {
  const s = modelStats(model);
  const rows: [string, string, string][] = [
    [
      "data",
      "data",
      `${model.info.trainingSize} points, d = ${s.inputDim}, ${model.classNames.length} classes`,
    ],
    ["first-width", "first-layer width n", String(s.firstLayerWidth)],
    ["second-widths", "second-layer widths n̂", s.secondLayerWidths.join(", ")],
    ["parameters", "parameters", `${s.parameters} (${s.nonzeroParameters} non-zero)`],
    [
      "interpolates",
      "interpolates",
      `${model.info.interpolates ? "yes" : "no"} (training accuracy ${model.info.trainingAccuracy})`,
    ],
    ["fit-ms", "fit time", `${picture.fitMs.toFixed(1)} ms (grid ${picture.gridMs.toFixed(1)} ms)`],
    ["draw-ms", "drawing", `${page.drawMs.toFixed(1)} ms`],
    ["update-ms", "update (request → picture)", `${updateMs.toFixed(1)} ms`],
    [
      "backend",
      "kernels",
      `${page.backend}${globalThis.crossOriginIsolated ? " (cross-origin isolated)" : ""}`,
    ],
  ];
  const body = ui.stats.tBodies[0];
  body.replaceChildren(
    ...rows.map(([key, label, value]) => {
      const tr = document.createElement("tr");
      const a = document.createElement("td");
      const b = document.createElement("td");
      a.textContent = label;
      b.textContent = value;
      b.dataset.stat = key;
      b.dataset.value =
        key === "update-ms"
          ? updateMs.toFixed(3)
          : key === "draw-ms"
            ? page.drawMs.toFixed(3)
            : value;
      tr.append(a, b);
      return tr;
    }),
  );
}

// ---------------------------------------------------------------- drawing

function layers(): Layers {
  return {
    hyperplanes: ui.showHyperplanes.checked,
    regions: ui.showRegions.checked,
    boundary: ui.showBoundary.checked,
  };
}

function currentScene(): Scene {
  const p = page.picture;
  const base = {
    view: page.view,
    grid: gridOf(page.view),
    features: page.features,
    labels: page.labels,
    layers: layers(),
  };
  if (p === null || page.model === null) return base;
  return { ...base, model: page.model, region: p.region, decision: p.decision };
}

function redraw(): void {
  const ctx = ui.plot.getContext("2d");
  if (ctx === null) return;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, ui.plot.width, ui.plot.height);
  drawScene(currentScene(), canvasPainter(ctx));
}

// ---------------------------------------------------------------- free drawing

const ERASE_RADIUS = 10;
let stroke: { x: number; y: number; erasing: boolean } | null = null;

function canvasPoint(event: PointerEvent): [number, number] {
  const rect = ui.plot.getBoundingClientRect();
  return [
    ((event.clientX - rect.left) * ui.plot.width) / rect.width,
    ((event.clientY - rect.top) * ui.plot.height) / rect.height,
  ];
}

function eraseAt(px: number, py: number): boolean {
  const keep: number[] = [];
  for (let i = 0; i < page.labels.length; i++) {
    const dx = toPixelX(page.view, page.features[2 * i]) - px;
    const dy = toPixelY(page.view, page.features[2 * i + 1]) - py;
    if (dx * dx + dy * dy > ERASE_RADIUS * ERASE_RADIUS) keep.push(i);
  }
  if (keep.length === page.labels.length) return false;
  const features = new Float32Array(2 * keep.length);
  const labels = new Int32Array(keep.length);
  keep.forEach((i, t) => {
    features[2 * t] = page.features[2 * i];
    features[2 * t + 1] = page.features[2 * i + 1];
    labels[t] = page.labels[i];
  });
  setPoints("drawn points", features, labels, page.classNames);
  return true;
}

function addPoint(px: number, py: number): void {
  const [x, y] = fromPixel(page.view, px, py);
  const k = Number(ui.drawClass.value);
  const features = new Float32Array(page.features.length + 2);
  features.set(page.features);
  features[page.features.length] = x;
  features[page.features.length + 1] = y;
  const labels = new Int32Array(page.labels.length + 1);
  labels.set(page.labels);
  labels[page.labels.length] = k;
  const names = [...page.classNames];
  while (names.length <= k) names.push(String(names.length));
  setPoints("drawn points", features, labels, names);
}

ui.plot.addEventListener("pointerdown", (event) => {
  const [x, y] = canvasPoint(event);
  stroke = { x, y, erasing: false };
  ui.plot.setPointerCapture(event.pointerId);
});
ui.plot.addEventListener("pointermove", (event) => {
  if (stroke === null) return;
  const [x, y] = canvasPoint(event);
  if (!stroke.erasing && Math.hypot(x - stroke.x, y - stroke.y) > 4) stroke.erasing = true;
  if (stroke.erasing && eraseAt(x, y)) redraw();
});
ui.plot.addEventListener("pointerup", (event) => {
  if (stroke === null) return;
  const [x, y] = canvasPoint(event);
  const erased = stroke.erasing;
  stroke = null;
  if (!erased) addPoint(x, y);
  markCustom("drawn points");
  redraw();
  if (ui.auto.checked) requestFit();
});

// ---------------------------------------------------------------- n × λ panels (Fig. 7)

const PANEL_W = 168;
const PANEL_H = 126;

function panelKnobs(): FitKnobs[] {
  const k = knobsFromControls();
  const base = Math.max(k.n, 4);
  const ns = [Math.round(base / 4), Math.round(base / 2), base, base * 2];
  const lambdas = [0.25, 0.5, 1, 2];
  return ns.flatMap((n) => lambdas.map((lambda) => ({ ...k, n, lambda })));
}

function drawPanels(): void {
  if (page.running !== null) cancelRun();
  if (page.labels.length === 0) return;
  const knobs = panelKnobs();
  ui.panelGrid.replaceChildren(
    ...knobs.map((k) => {
      const figure = document.createElement("figure");
      const canvas = document.createElement("canvas");
      canvas.width = PANEL_W;
      canvas.height = PANEL_H;
      const caption = document.createElement("figcaption");
      caption.textContent = `n = ${k.n}, λ = ${k.lambda}`;
      figure.append(canvas, caption);
      return figure;
    }),
  );
  const view = { ...page.view, width: PANEL_W, height: PANEL_H };
  send({ id: page.nextId++, kind: "panels", points: points(), knobs, grid: gridOf(view, 3) });
}

function drawPanel(index: number, picture: FitPicture): void {
  const figure = ui.panelGrid.children[index];
  const canvas = figure?.querySelector("canvas");
  const ctx = canvas?.getContext("2d");
  if (!ctx) return;
  const model = picture.model;
  const view = { ...page.view, width: PANEL_W, height: PANEL_H };
  drawScene(
    {
      view,
      grid: gridOf(view, 3),
      features: page.features,
      labels: page.labels,
      model,
      region: picture.region,
      decision: picture.decision,
      layers: { hyperplanes: false, regions: true, boundary: true },
      compact: true,
    },
    canvasPainter(ctx),
  );
  const caption = figure.querySelector("figcaption");
  if (caption) caption.textContent += ` · n̂ = ${modelStats(model).secondLayerWidth}`;
}

// ---------------------------------------------------------------- exact network

function buildExact(): void {
  const size = page.labels.length;
  if (size > MEMORIZE_MAX_POINTS) {
    ui.exact.innerHTML = "";
    const p = document.createElement("p");
    p.className = "error";
    p.textContent =
      `${size} points is too many for the exact construction on this page (at most ` +
      `${MEMORIZE_MAX_POINTS}; it works in exact big-integer arithmetic): lower N, or use ` +
      "`memonet memorize` on the command line.";
    ui.exact.append(p);
    return;
  }
  if (page.running !== null) cancelRun();
  ui.exact.textContent = "building…";
  send({
    id: page.nextId++,
    kind: "memorize",
    points: points(),
    seed: knobsFromControls().seed,
    row: Math.round(Number(ui.row.value)) || 0,
  });
}

function showExact(s: MemorizeSummary): void {
  const table = (rows: readonly (readonly string[])[], head?: readonly string[]) => {
    const t = document.createElement("table");
    if (head) {
      const tr = t.createTHead().insertRow();
      for (const h of head)
        tr.append(Object.assign(document.createElement("th"), { textContent: h }));
    }
    const body = t.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      for (const cell of r) tr.insertCell().textContent = cell;
    }
    return t;
  };
  const facts = table([
    ["theorem", s.theorem],
    ["depth", String(s.depth)],
    ["width", String(s.width)],
    ["parameters", `${s.parameters} non-zero weights (+ ${s.biases} biases, ${s.neurons} neurons)`],
    ["bits", `${s.bits} bits per weight (fixed point)`],
    ["verification", `${s.ok ? "✓" : "✗"} ${s.verified}`],
    ["stage I", s.stageOne],
    ["split", s.split],
  ]);
  facts.dataset.exact = s.ok ? "ok" : "failed";
  const journeyTitle = document.createElement("h3");
  journeyTitle.textContent = `The journey of point ${s.row}`;
  const journey = table(
    s.journey.map((j) => [j.name, j.layers, j.values]),
    ["stage", "layers", "output of the stage"],
  );
  ui.exact.replaceChildren(facts, journeyTitle, journey);
}

// ---------------------------------------------------------------- downloads

function downloadPng(): void {
  ui.plot.toBlob((blob) => {
    if (blob) download("memonet-playground.png", blob);
  }, "image/png");
}

// ---------------------------------------------------------------- status and wiring

function setStatus(text: string, error = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle("error", error);
}

for (const name of PRESETS) {
  ui.preset.append(new Option(PRESET_INFO[name].title, name));
}
ui.preset.append(new Option("drawn or imported points", "custom"));

writeControls(page.state);
syncState();
if (page.state.preset !== "custom") loadPreset();

ui.preset.addEventListener("change", () => {
  const preset = ui.preset.value as PresetName | "custom";
  if (preset !== "custom") {
    const info = PRESET_INFO[preset];
    writeControls({ ...readControls(), preset, size: info.size, noise: info.noise });
    loadPreset();
  }
  changed(true);
});
for (const el of [ui.size, ui.noise, ui.dataSeed]) {
  el.addEventListener("change", () => {
    if (ui.preset.value === "custom") return;
    loadPreset();
    changed(true);
  });
}
for (const el of [ui.n, ui.lambda]) el.addEventListener("input", () => changed(true));
for (const el of [ui.algorithm, ui.activation, ui.seed, ui.selection])
  el.addEventListener("change", () => changed(true));
for (const el of [ui.showHyperplanes, ui.showRegions, ui.showBoundary])
  el.addEventListener("change", redraw);
ui.fit.addEventListener("click", () => requestFit());
ui.cancel.addEventListener("click", cancelRun);
ui.clear.addEventListener("click", () => {
  setPoints("drawn points", new Float32Array(0), new Int32Array(0), ["0", "1"]);
  markCustom("drawn points");
  redraw();
});
ui.exportCsv.addEventListener("click", () =>
  download("points.csv", pointsToCsv(page.features, page.labels, page.classNames), "text/csv"),
);
ui.importCsv.addEventListener("change", async () => {
  const file = ui.importCsv.files?.[0];
  if (!file) return;
  try {
    const ds = pointsFromCsv(await file.text(), file.name);
    setPoints(file.name, ds.features, ds.labels, ds.classNames);
    page.view = fitViewport(ds.features, ui.plot.width, ui.plot.height);
    markCustom(file.name);
    redraw();
    setStatus(`${file.name}: ${ds.size} points, ${ds.classNames.length} classes`);
    if (ui.auto.checked) requestFit();
  } catch (error) {
    setStatus(error instanceof Error ? error.message : String(error), true);
  }
  ui.importCsv.value = "";
});
ui.downloadModel.addEventListener("click", () => {
  if (page.model) download("model.json", modelToJson(page.model), "application/json");
});
ui.downloadPng.addEventListener("click", downloadPng);
ui.downloadSvg.addEventListener("click", () =>
  download("memonet-playground.svg", sceneToSvg(currentScene()), "image/svg+xml"),
);
ui.panels.addEventListener("click", drawPanels);
ui.memorize.addEventListener("click", buildExact);

document.body.dataset.fits = "0";
document.body.dataset.ready = "1";
if (page.labels.length > 0) requestFit();
