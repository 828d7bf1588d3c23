// The practitioners' baseline: a 2-hidden-layer ReLU MLP trained with Adam on the cross-entropy
// until every training point is classified correctly, and the smallest hidden width that gets
// there within an epoch budget (widths doubled until one reaches 100 % training accuracy, then a
// bounded bisection between the last failure and the first success).
//
// Fixed, documented schedule: He-uniform initial weights (seeded), zero biases, Adam with learning
// rate 1e-3 (β₁ = 0.9, β₂ = 0.999, ε = 1e-7), mini-batches of 128 in an order reshuffled every
// epoch by memonet's seeded Rng, training accuracy checked after every epoch. The framework is
// TensorFlow.js (tfjs-core) on its WebAssembly backend; nothing is downloaded (its .wasm files ship
// in the npm package). Same seed and data give the same attempts (tested).

import * as tf from "@tensorflow/tfjs";
import { DataError, type Dataset } from "../data/dataset.js";
import { OptionError } from "../errors.js";
import type { OnProgress } from "../progress.js";
import { checkParam, type Constraint, integerAtLeast, numberAbove } from "../validation.js";
import { Rng } from "../random/rng.js";

/** Options of the width search. */
export interface SgdOptions {
  /** Seed of the initial weights and the batch order (default 0). */
  readonly seed?: number;
  /** Epochs allowed per width (default 100). */
  readonly maxEpochs?: number;
  /** First width tried (default 4). */
  readonly startWidth?: number;
  /** Largest width tried (default 1024). */
  readonly maxWidth?: number;
  /** Bisection steps after the doubling phase (default 3). */
  readonly bisectionSteps?: number;
  /** Mini-batch size (default 128). */
  readonly batchSize?: number;
  /** Adam's learning rate (default 1e-3). */
  readonly learningRate?: number;
  /**
   * Progress after every epoch of every attempt: phase "sgd, width w", epochs done of maxEpochs,
   * detail "training accuracy a".
   */
  readonly onProgress?: OnProgress;
}

/** One training run at one width. */
export interface SgdAttempt {
  readonly width: number;
  /** Epochs run (the budget, or fewer when 100 % was reached). */
  readonly epochs: number;
  readonly reached: boolean;
  readonly trainingAccuracy: number;
  readonly seconds: number;
}

/** A trained MLP: weights as plain arrays (row-major, inputs × outputs). */
export interface MlpWeights {
  readonly dims: readonly number[];
  readonly weights: readonly Float32Array[];
  readonly biases: readonly Float32Array[];
}

/** Outcome of the width search. */
export interface SgdResult {
  /** True when some width reached 100 % training accuracy within the budget. */
  readonly reached: boolean;
  /** The smallest width that reached it, or the largest width tried when none did. */
  readonly width: number;
  readonly attempts: readonly SgdAttempt[];
  /** The network of `width` (the successful one, or the last failure). */
  readonly network: MlpWeights;
  readonly trainingAccuracy: number;
  /** Epochs of the reported network's training run. */
  readonly epochs: number;
  /** Wall-clock time of the whole search. */
  readonly seconds: number;
}

const DEFAULTS = {
  seed: 0,
  maxEpochs: 100,
  startWidth: 4,
  maxWidth: 1024,
  bisectionSteps: 3,
  batchSize: 128,
  learningRate: 1e-3,
} as const;

type Resolved = Required<Omit<SgdOptions, "onProgress">> & Pick<SgdOptions, "onProgress">;

function resolve(o: SgdOptions): Resolved {
  const r = { ...DEFAULTS, ...o };
  const check = (key: keyof typeof DEFAULTS, c: Constraint<number>) =>
    checkParam(r[key], `sgd: ${key}`, c);
  check("seed", integerAtLeast(0));
  for (const key of ["maxEpochs", "startWidth", "maxWidth", "batchSize"] as const) {
    check(key, integerAtLeast(1));
  }
  check("bisectionSteps", integerAtLeast(0));
  check("learningRate", numberAbove(0));
  if (r.maxWidth < r.startWidth) {
    throw new OptionError(`sgd: maxWidth ${r.maxWidth} is below startWidth ${r.startWidth}`);
  }
  return r;
}

/** Parameters of a 2-hidden-layer MLP of width w: d·w + w + w·w + w + w·C + C. */
export function mlpParameters(dim: number, width: number, classes: number): number {
  return dim * width + width + width * width + width + width * classes + classes;
}

/**
 * Searches the smallest width of a 2-hidden-layer ReLU MLP that SGD (Adam) trains to 100 %
 * training accuracy on `ds` within the epoch budget. Needs an initialized tfjs backend (see
 * the Node helper `useTfjsWasm`). OptionError for bad options, DataError for empty data.
 */
export async function searchSgdWidth(ds: Dataset, options: SgdOptions = {}): Promise<SgdResult> {
  const o = resolve(options);
  if (ds.size === 0) throw new DataError(`${ds.name}: cannot train on an empty data set`);
  const t0 = performance.now();
  const attempts: SgdAttempt[] = [];
  const nets = new Map<number, MlpWeights>();
  const run = async (width: number): Promise<SgdAttempt> => {
    const { attempt, network } = await trainMlp(ds, width, o);
    attempts.push(attempt);
    nets.set(width, network);
    return attempt;
  };
  let failed = 0;
  let succeeded = 0;
  for (let w = o.startWidth; ; w = Math.min(o.maxWidth, w * 2)) {
    const a = await run(w);
    if (a.reached) {
      succeeded = w;
      break;
    }
    failed = w;
    if (w >= o.maxWidth) break;
  }
  for (let step = 0; succeeded > 0 && step < o.bisectionSteps && succeeded - failed > 1; step++) {
    const mid = Math.floor((failed + succeeded) / 2);
    if ((await run(mid)).reached) succeeded = mid;
    else failed = mid;
  }
  const width = succeeded > 0 ? succeeded : failed;
  const final = attempts.filter((a) => a.width === width).at(-1) as SgdAttempt;
  return {
    reached: succeeded > 0,
    width,
    attempts,
    network: nets.get(width) as MlpWeights,
    trainingAccuracy: final.trainingAccuracy,
    epochs: final.epochs,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Predicted classes (argmax of the logits, lowest index on ties) of row-major points. */
export function predictMlp(net: MlpWeights, points: Float32Array): Int32Array {
  const dim = net.dims[0];
  if (points.length % dim !== 0) {
    throw new DataError(
      `${points.length} values are not a whole number of rows of dimension ${dim}`,
    );
  }
  return tf.tidy(() => {
    let h: tf.Tensor2D = tf.tensor2d(points, [points.length / dim, dim]);
    net.weights.forEach((w, l) => {
      const z = tf.add(
        tf.matMul(h, tf.tensor2d(w, [net.dims[l], net.dims[l + 1]])),
        tf.tensor1d(net.biases[l]),
      ) as tf.Tensor2D;
      h = l < net.weights.length - 1 ? tf.relu(z) : z;
    });
    return Int32Array.from(tf.argMax(h, 1).dataSync());
  });
}

/** Trains one MLP of the given width; stops at the first epoch with 100 % training accuracy. */
async function trainMlp(
  ds: Dataset,
  width: number,
  o: Resolved,
): Promise<{ attempt: SgdAttempt; network: MlpWeights }> {
  const t0 = performance.now();
  const classes = ds.classNames.length;
  const dims = [ds.dim, width, width, classes];
  const rng = new Rng(o.seed, width);
  const vars = dims.slice(1).map((out, l) => {
    const fanIn = dims[l];
    const limit = Math.sqrt(6 / fanIn);
    const w = new Float32Array(fanIn * out);
    for (let i = 0; i < w.length; i++) w[i] = (rng.uniform() * 2 - 1) * limit;
    return {
      w: tf.variable(tf.tensor2d(w, [fanIn, out])),
      b: tf.variable(tf.zeros([out])),
    };
  });
  const labels = ds.labels;
  // Mini-batches are gathered here, not with tf.gather: on the WebAssembly backend each
  // tf.gather costs time proportional to the whole training set (measured: 4–7 times slower per
  // batch at 60 000 MNIST images), while copying 128 rows is cheap. The batch tensors hold the
  // same float32 values either way, so the training is unchanged bit for bit.
  const batchX = new Float32Array(o.batchSize * ds.dim);
  const batchY = new Float32Array(o.batchSize * classes);
  const batch = (rows: Int32Array): { x: tf.Tensor2D; y: tf.Tensor2D } => {
    batchY.fill(0);
    rows.forEach((i, r) => {
      batchX.set(ds.features.subarray(i * ds.dim, (i + 1) * ds.dim), r * ds.dim);
      batchY[r * classes + labels[i]] = 1;
    });
    return {
      x: tf.tensor2d(batchX.subarray(0, rows.length * ds.dim), [rows.length, ds.dim]),
      y: tf.tensor2d(batchY.subarray(0, rows.length * classes), [rows.length, classes]),
    };
  };
  const optimizer = tf.train.adam(o.learningRate, 0.9, 0.999, 1e-7);
  const forward = (input: tf.Tensor2D): tf.Tensor2D => {
    let h = input;
    vars.forEach((v, l) => {
      const z = tf.add(tf.matMul(h, v.w), v.b) as tf.Tensor2D;
      h = l < vars.length - 1 ? tf.relu(z) : z;
    });
    return h;
  };
  const accuracy = (): number => {
    let correct = 0;
    const chunk = 4096;
    for (let s = 0; s < ds.size; s += chunk) {
      const e = Math.min(ds.size, s + chunk);
      const pred = tf.tidy(() =>
        tf.argMax(
          forward(tf.tensor2d(ds.features.subarray(s * ds.dim, e * ds.dim), [e - s, ds.dim])),
          1,
        ),
      );
      const p = pred.dataSync();
      pred.dispose();
      for (let i = s; i < e; i++) if (p[i - s] === labels[i]) correct++;
    }
    return correct / ds.size;
  };
  const order = Int32Array.from({ length: ds.size }, (_, i) => i);
  let epochs = 0;
  let acc = 0;
  try {
    for (let epoch = 1; epoch <= o.maxEpochs; epoch++) {
      shuffle(order, rng);
      for (let s = 0; s < ds.size; s += o.batchSize) {
        const b = batch(order.subarray(s, Math.min(ds.size, s + o.batchSize)));
        const cost = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(b.y, forward(b.x)) as tf.Scalar,
          false,
          vars.flatMap((v) => [v.w, v.b]),
        );
        cost?.dispose();
        b.x.dispose();
        b.y.dispose();
      }
      epochs = epoch;
      acc = accuracy();
      o.onProgress?.({
        phase: `sgd, width ${width}`,
        done: epoch,
        total: o.maxEpochs,
        unit: "epochs",
        detail: `training accuracy ${acc.toFixed(4)}`,
      });
      if (acc === 1) break;
      await Promise.resolve();
    }
    const network: MlpWeights = {
      dims,
      weights: vars.map((v) => Float32Array.from(v.w.dataSync())),
      biases: vars.map((v) => Float32Array.from(v.b.dataSync())),
    };
    return {
      attempt: {
        width,
        epochs,
        reached: acc === 1,
        trainingAccuracy: acc,
        seconds: (performance.now() - t0) / 1000,
      },
      network,
    };
  } finally {
    optimizer.dispose();
    for (const v of vars) {
      v.w.dispose();
      v.b.dispose();
    }
  }
}

/** Fisher–Yates with memonet's Rng. */
function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
