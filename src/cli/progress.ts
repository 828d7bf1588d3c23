// The one progress reporter of the CLI: renders the library's ProgressEvents on stderr — a bar
// with a smoothed ETA on a terminal, or (for sweeps) a line per 10 % of a phase otherwise.

import cliProgress from "cli-progress";
import type { OnProgress, ProgressEvent } from "../progress.js";
import { formatCount } from "./format.js";

/**
 * A rate smoothed by an exponentially weighted moving average over time (half-life
 * `halfLifeSeconds`), sampled at most every `sampleSeconds`: the ETA follows the recent speed
 * without jumping at every burst or stall.
 */
export class SmoothedRate {
  private rate: number | undefined;
  private lastT = 0;
  private lastDone = 0;

  constructor(
    private readonly halfLifeSeconds = 10,
    private readonly sampleSeconds = 0.5,
  ) {}

  /** Starts over at `done` units at time `t` (seconds). */
  reset(done: number, t: number): void {
    this.rate = undefined;
    this.lastT = t;
    this.lastDone = done;
  }

  /** Takes `done` units at time `t` (seconds) into account. */
  update(done: number, t: number): void {
    const dt = t - this.lastT;
    if (dt < this.sampleSeconds) return;
    const instant = Math.max(0, done - this.lastDone) / dt;
    const weight = 1 - Math.pow(2, -dt / this.halfLifeSeconds);
    this.rate = this.rate === undefined ? instant : this.rate + weight * (instant - this.rate);
    this.lastT = t;
    this.lastDone = done;
  }

  /** Units per second, undefined before the first sample. */
  get unitsPerSecond(): number | undefined {
    return this.rate;
  }

  /** Seconds left for `total − done` units at the smoothed rate (undefined while unknown). */
  eta(done: number, total: number): number | undefined {
    if (this.rate === undefined || !(this.rate > 0)) return undefined;
    return Math.max(0, total - done) / this.rate;
  }
}

/** "8 s", "1 m 15 s", "2 h 03 m"; "–" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
}

/** Options of progressReporter. */
export interface ReporterOptions {
  /** false: report nothing (--no-progress). */
  readonly enabled: boolean;
  /**
   * When stderr is not a terminal: print a line at the start of each phase, per 10 % of it and at
   * least once a minute (sweeps); default false (nothing).
   */
  readonly lines?: boolean;
  /** Prefix of the bar and of every line, e.g. "moons (quick)". */
  readonly label?: string;
  /** Where to write (default process.stderr); whether it is a terminal decides bar or lines. */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Clock in milliseconds (default Date.now), for tests. */
  readonly now?: () => number;
}

/** A reporter: its onProgress goes to the library; phase() labels work without counts. */
export interface ProgressReporter {
  readonly onProgress: OnProgress;
  /** Shows a phase whose amount of work is unknown (e.g. "loading data") until the next event. */
  phase(name: string, detail?: string): void;
  /** Removes the bar (call before printing results); further events are ignored. */
  stop(): void;
}

const SILENT: ProgressReporter = { onProgress: () => {}, phase: () => {}, stop: () => {} };

/** Events of the same phase closer together than this are not rendered (the ETA still counts). */
const THROTTLE_MS = 100;

/** The text of one event: "first layer |███░░| 40% | 28,000/70,000 points | ETA 12 s | class 2 of 10". */
function describe(
  e: ProgressEvent,
  elapsedSeconds: number,
  eta: number | undefined,
  bar?: string,
): string {
  const detail = e.detail === undefined ? "" : ` | ${e.detail}`;
  if (e.total <= 0) return `${e.phase} … ${formatDuration(elapsedSeconds)}${detail}`;
  const percent = Math.floor((100 * Math.min(e.done, e.total)) / e.total);
  const counts = `${formatCount(e.done)}/${formatCount(e.total)} ${e.unit}`;
  const head = bar === undefined ? `${e.phase}:` : `${e.phase} |${bar}|`;
  return `${head} ${percent}% | ${counts} | ETA ${formatDuration(eta)}${detail}`;
}

/**
 * The CLI's progress reporter on stderr: nothing when disabled; on a terminal one bar (its
 * phase, percentage, counts, smoothed ETA and detail; a phase without counts shows its elapsed
 * time); elsewhere lines when `lines` is set, else nothing.
 */
export function progressReporter(options: ReporterOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (!options.enabled) return SILENT;
  const tty = stream.isTTY === true;
  if (!tty && options.lines !== true) return SILENT;
  const now = options.now ?? Date.now;
  const label = options.label === undefined ? "" : `${options.label}: `;
  const rate = new SmoothedRate();
  let current: ProgressEvent | undefined;
  let phaseStart = 0;
  let lastShown = -Infinity;
  let stopped = false;

  const startPhase = (e: ProgressEvent, t: number): void => {
    current = e;
    phaseStart = t;
    rate.reset(e.done, t / 1000);
  };

  if (!tty) {
    let lastTenth = -1;
    const line = (e: ProgressEvent, t: number) =>
      stream.write(`${label}${describe(e, (t - phaseStart) / 1000, rate.eta(e.done, e.total))}\n`);
    return {
      onProgress: (e) => {
        if (stopped) return;
        const t = now();
        if (current === undefined || e.phase !== current.phase || e.done < current.done) {
          startPhase(e, t);
          lastTenth = e.total > 0 ? Math.floor((10 * e.done) / e.total) : -1;
          lastShown = t;
          line(e, t);
          return;
        }
        current = e;
        rate.update(e.done, t / 1000);
        if (e.total <= 0) return;
        const tenth = Math.floor((10 * e.done) / e.total);
        if (tenth === lastTenth && t - lastShown < 60_000 && e.done !== e.total) return;
        lastTenth = tenth;
        lastShown = t;
        line(e, t);
      },
      phase: (name, detail) => {
        if (stopped) return;
        const t = now();
        const e: ProgressEvent = {
          phase: name,
          done: 0,
          total: 0,
          unit: "",
          ...(detail ? { detail } : {}),
        };
        startPhase(e, t);
        line(e, t);
      },
      stop: () => {
        stopped = true;
      },
    };
  }

  let bar: cliProgress.SingleBar | undefined;
  const format = (o: cliProgress.Options, params: cliProgress.Params): string => {
    if (current === undefined) return label;
    const t = now();
    const text = describe(
      current,
      (t - phaseStart) / 1000,
      rate.eta(current.done, current.total),
      cliProgress.Format.BarFormat(params.progress, o),
    );
    return `${label}${text}`;
  };
  const show = (e: ProgressEvent) => {
    if (bar === undefined) {
      bar = new cliProgress.SingleBar(
        { stream, format, hideCursor: true, clearOnComplete: true, barsize: 30, fps: 5 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(1, e.total), Math.min(e.done, Math.max(1, e.total)));
    } else {
      bar.setTotal(Math.max(1, e.total));
      bar.update(Math.min(e.done, Math.max(1, e.total)));
    }
  };
  const handle = (e: ProgressEvent) => {
    if (stopped) return;
    const t = now();
    if (current === undefined || e.phase !== current.phase || e.done < current.done) {
      startPhase(e, t); // a new phase, or the same one started over (Algorithm 1's next width)
    } else {
      current = e;
      rate.update(e.done, t / 1000);
      if (t - lastShown < THROTTLE_MS && e.done !== e.total) return;
    }
    lastShown = t;
    show(e);
  };
  return {
    onProgress: handle,
    phase: (name, detail) =>
      handle({ phase: name, done: 0, total: 0, unit: "", ...(detail ? { detail } : {}) }),
    stop: () => {
      stopped = true;
      bar?.stop();
    },
  };
}
