// The picture: data points, first-layer hyperplanes (Fig. 2), the activation region of every
// second-layer neuron with its accepted point starred, and the decision boundary (Figs. 6–7).
// Drawn through a small Painter so the same scene goes to a canvas or to SVG text.

import type { InterpolationModel } from "../../src/browser.js";
import type { GridSpec } from "./protocol.js";

/** The part of the plane shown: [x0, x1] × [y0, y1] on a width × height pixel surface. */
export interface Viewport {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  readonly width: number;
  readonly height: number;
}

/** Which layers of the picture are drawn. */
export interface Layers {
  readonly hyperplanes: boolean;
  readonly regions: boolean;
  readonly boundary: boolean;
}

/** Everything one picture shows. */
export interface Scene {
  readonly view: Viewport;
  readonly grid: GridSpec;
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly model?: InterpolationModel;
  readonly region?: Int32Array;
  readonly decision?: Int32Array;
  readonly layers: Layers;
  /** Smaller marks for the n × λ panels. */
  readonly compact?: boolean;
}

/** Drawing primitives in pixel coordinates. */
export interface Painter {
  /** An image of any size, stretched over the whole view without smoothing. */
  image(pixels: ImageData): void;
  line(x1: number, y1: number, x2: number, y2: number, color: string, width: number): void;
  polyline(points: readonly number[], color: string, width: number): void;
  circle(x: number, y: number, r: number, fill: string, stroke: string): void;
  star(x: number, y: number, r: number, fill: string, stroke: string): void;
}

export const CLASS_COLORS = ["#e8710a", "#1a73e8", "#188038", "#9334e6", "#d01884", "#5f6368"];

/** Pixel cell size of the region grid. */
export const CELL = 5;

/** A viewport around the points (10 % margin), keeping squares square. */
export function fitViewport(features: Float32Array, width: number, height: number): Viewport {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < features.length; i += 2) {
    x0 = Math.min(x0, features[i]);
    x1 = Math.max(x1, features[i]);
    y0 = Math.min(y0, features[i + 1]);
    y1 = Math.max(y1, features[i + 1]);
  }
  if (!(x1 >= x0)) [x0, x1, y0, y1] = [-1, 1, -1, 1];
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const span = Math.max((x1 - x0) / width, (y1 - y0) / height, 0.5 / Math.min(width, height));
  const perPixel = span * 1.2;
  return {
    x0: cx - (perPixel * width) / 2,
    x1: cx + (perPixel * width) / 2,
    y0: cy - (perPixel * height) / 2,
    y1: cy + (perPixel * height) / 2,
    width,
    height,
  };
}

/** The region grid of a viewport: one cell per CELL × CELL pixels. */
export function gridOf(view: Viewport, cell = CELL): GridSpec {
  return {
    x0: view.x0,
    x1: view.x1,
    y0: view.y0,
    y1: view.y1,
    cols: Math.ceil(view.width / cell),
    rows: Math.ceil(view.height / cell),
  };
}

export function toPixelX(view: Viewport, x: number): number {
  return ((x - view.x0) / (view.x1 - view.x0)) * view.width;
}

export function toPixelY(view: Viewport, y: number): number {
  return ((view.y1 - y) / (view.y1 - view.y0)) * view.height;
}

/** Plane coordinates of a pixel. */
export function fromPixel(view: Viewport, px: number, py: number): [number, number] {
  return [
    view.x0 + (px / view.width) * (view.x1 - view.x0),
    view.y1 - (py / view.height) * (view.y1 - view.y0),
  ];
}

/** A light colour for second-layer neuron `g` (golden-angle hues). */
function regionColor(g: number): [number, number, number] {
  const hue = (g * 137.508) % 360;
  const s = 0.55;
  const l = 0.78;
  const k = (n: number) => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(255 * f(0)), Math.round(255 * f(8)), Math.round(255 * f(4))];
}

/** Cell tints where no neuron fires, by predicted class. */
const TINTS: readonly (readonly [number, number, number])[] = [
  [253, 226, 204],
  [214, 228, 250],
  [209, 235, 215],
  [232, 215, 250],
];

/** The grid as one pixel per cell: each neuron's region in its colour, elsewhere a class tint. */
function regionPixels(scene: Scene): ImageData | null {
  const { grid, region, decision } = scene;
  if (region === undefined || decision === undefined) return null;
  const pixels = new ImageData(grid.cols, grid.rows);
  const colors = new Map<number, readonly [number, number, number]>();
  for (let cell = 0; cell < grid.cols * grid.rows; cell++) {
    const g = scene.layers.regions ? region[cell] : -1;
    let rgb = g >= 0 ? colors.get(g) : TINTS[decision[cell] % TINTS.length];
    if (rgb === undefined) {
      rgb = regionColor(g);
      colors.set(g, rgb);
    }
    const at = 4 * cell;
    pixels.data[at] = rgb[0];
    pixels.data[at + 1] = rgb[1];
    pixels.data[at + 2] = rgb[2];
    pixels.data[at + 3] = 255;
  }
  return pixels;
}

/** Cell edges where the predicted class changes, as pixel line segments [x1, y1, x2, y2, …]. */
function boundarySegments(scene: Scene): number[] {
  const { grid, decision, view } = scene;
  if (decision === undefined) return [];
  const cw = view.width / grid.cols;
  const ch = view.height / grid.rows;
  const out: number[] = [];
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const d = decision[r * grid.cols + c];
      if (c + 1 < grid.cols && decision[r * grid.cols + c + 1] !== d) {
        out.push((c + 1) * cw, r * ch, (c + 1) * cw, (r + 1) * ch);
      }
      if (r + 1 < grid.rows && decision[(r + 1) * grid.cols + c] !== d) {
        out.push(c * cw, (r + 1) * ch, (c + 1) * cw, (r + 1) * ch);
      }
    }
  }
  return out;
}

/** Pixel end points of the line w·(s·x) + b = 0 inside the view, or null when it misses. */
function hyperplaneSegment(
  view: Viewport,
  w0: number,
  w1: number,
  offset: number,
): [number, number, number, number] | null {
  const ends: [number, number][] = [];
  if (Math.abs(w1) > 1e-12) {
    for (const x of [view.x0, view.x1]) ends.push([x, (offset - w0 * x) / w1]);
  }
  if (Math.abs(w0) > 1e-12) {
    for (const y of [view.y0, view.y1]) ends.push([(offset - w1 * y) / w0, y]);
  }
  const inside = ends.filter(
    ([x, y]) =>
      x >= view.x0 - 1e-9 && x <= view.x1 + 1e-9 && y >= view.y0 - 1e-9 && y <= view.y1 + 1e-9,
  );
  if (inside.length < 2) return null;
  const [a, b] = [inside[0], inside[inside.length - 1]];
  return [toPixelX(view, a[0]), toPixelY(view, a[1]), toPixelX(view, b[0]), toPixelY(view, b[1])];
}

/** Draws the scene with `paint`. */
export function drawScene(scene: Scene, paint: Painter): void {
  const { view, model } = scene;
  const pixels = regionPixels(scene);
  if (pixels !== null) paint.image(pixels);
  if (model !== undefined && scene.layers.hyperplanes) {
    const scale = model.preprocessing?.scale ?? 1;
    const { weights, bias, width } = model.firstLayer;
    const shown = Math.min(width, 2000);
    const alpha = width > 200 ? 0.12 : width > 50 ? 0.25 : 0.5;
    const segments: number[] = [];
    for (let i = 0; i < shown; i++) {
      const seg = hyperplaneSegment(view, weights[2 * i], weights[2 * i + 1], -bias[i] / scale);
      if (seg !== null) segments.push(...seg);
    }
    paint.polyline(segments, `rgba(60,64,67,${alpha})`, 1);
  }
  if (scene.layers.boundary) {
    const segs = boundarySegments(scene);
    if (segs.length > 0) paint.polyline(segs, "#202124", scene.compact ? 1 : 2);
  }
  const r = scene.compact ? 1.6 : 3.5;
  for (let i = 0; i < scene.labels.length; i++) {
    const color = CLASS_COLORS[scene.labels[i] % CLASS_COLORS.length];
    const x = toPixelX(view, scene.features[2 * i]);
    const y = toPixelY(view, scene.features[2 * i + 1]);
    paint.circle(x, y, r, color, "#ffffff");
  }
  if (model !== undefined && scene.layers.regions) {
    for (const layer of model.subnetworks) {
      for (const row of layer.candidates) {
        const x = toPixelX(view, scene.features[2 * row]);
        const y = toPixelY(view, scene.features[2 * row + 1]);
        paint.star(x, y, scene.compact ? 4 : 8, "#fbbc04", "#202124");
      }
    }
  }
}

/** Vertices of a five-pointed star around (x, y). */
function starPoints(x: number, y: number, r: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < 10; k++) {
    const radius = k % 2 === 0 ? r : r * 0.45;
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    out.push(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
  }
  return out;
}

/** A painter onto a 2-D canvas context. */
export function canvasPainter(ctx: CanvasRenderingContext2D): Painter {
  return {
    image(pixels) {
      const small = document.createElement("canvas");
      small.width = pixels.width;
      small.height = pixels.height;
      small.getContext("2d")?.putImageData(pixels, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, ctx.canvas.width, ctx.canvas.height);
    },
    line(x1, y1, x2, y2, color, width) {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      ctx.stroke();
    },
    polyline(points, color, width) {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      for (let i = 0; i < points.length; i += 4) {
        ctx.moveTo(points[i], points[i + 1]);
        ctx.lineTo(points[i + 2], points[i + 3]);
      }
      ctx.stroke();
    },
    circle(x, y, r, fill, stroke) {
      ctx.fillStyle = fill;
      ctx.strokeStyle = stroke;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    },
    star(x, y, r, fill, stroke) {
      const p = starPoints(x, y, r);
      ctx.fillStyle = fill;
      ctx.strokeStyle = stroke;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i], p[i + 1]);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    },
  };
}

/** The scene as a standalone SVG document (regions embedded as a PNG image). */
export function sceneToSvg(scene: Scene): string {
  const { width, height } = scene.view;
  const parts: string[] = [];
  const n = (v: number) => v.toFixed(2);
  drawScene(scene, {
    image(pixels) {
      const canvas = document.createElement("canvas");
      canvas.width = pixels.width;
      canvas.height = pixels.height;
      canvas.getContext("2d")?.putImageData(pixels, 0, 0);
      const href = canvas.toDataURL("image/png");
      parts.push(
        `<image width="${width}" height="${height}" preserveAspectRatio="none" ` +
          `style="image-rendering:pixelated" href="${href}"/>`,
      );
    },
    line(x1, y1, x2, y2, color, w) {
      parts.push(
        `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${color}" stroke-width="${w}"/>`,
      );
    },
    polyline(points, color, w) {
      let d = "";
      for (let i = 0; i < points.length; i += 4) {
        d += `M${n(points[i])} ${n(points[i + 1])}L${n(points[i + 2])} ${n(points[i + 3])}`;
      }
      parts.push(`<path d="${d}" stroke="${color}" stroke-width="${w}" fill="none"/>`);
    },
    circle(x, y, r, fill, stroke) {
      parts.push(`<circle cx="${n(x)}" cy="${n(y)}" r="${r}" fill="${fill}" stroke="${stroke}"/>`);
    },
    star(x, y, r, fill, stroke) {
      const p = starPoints(x, y, r).map(n).join(" ");
      parts.push(`<polygon points="${p}" fill="${fill}" stroke="${stroke}"/>`);
    },
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#fff"/>` +
    parts.join("") +
    "</svg>\n"
  );
}
