// Results files: memonet's rows and the paper's files read alike; cut lines, missing columns and
// changed headers are handled; merging reports duplicates and missing trials.

import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ResultsAppender } from "../src/sweeps/appender.js";
import { parseExperiment } from "../src/sweeps/config.js";
import { ExperimentError } from "../src/sweeps/errors.js";
import { expandTrials } from "../src/sweeps/grid.js";
import { mergeResults } from "../src/sweeps/merge.js";
import {
  formatRow,
  parseResults,
  readResults,
  resultColumns,
  type ResultRow,
} from "../src/sweeps/results.js";
import { cellStats, meanInterval, tQuantile975, wilsonInterval } from "../src/sweeps/stats.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "memonet-results-"));
}

function row(over: Partial<ResultRow> = {}): ResultRow {
  return {
    activation: "threshold",
    dataset: "moons_N100",
    lambda: 0.5,
    n: 10,
    restart: 0,
    score: 1,
    fitTime: 0.0123,
    scoreTime: 0.001,
    firstDimIn: 2,
    firstDimOut: 10,
    perClass: [{ classIndex: 0, dimIn: 10, dimOut: 4 }],
    secondDimIn: 10,
    secondDimOut: 4,
    interpolated: true,
    samples: 100,
    seed: 12345,
    ...over,
  };
}

test("rows have the paper's columns (in its order) plus interpolated, n_samples, seed", () => {
  const columns = resultColumns(1);
  assert.deepEqual(columns, [
    "activation",
    "dataset",
    "max_bias",
    "n_iter",
    "restart",
    "score",
    "fit_time",
    "score_time",
    "first_dim_in",
    "first_dim_out",
    "second_dim_in_0",
    "second_dim_out_0",
    "second_dim_in",
    "second_dim_out",
    "interpolated",
    "n_samples",
    "seed",
  ]);
  assert.equal(resultColumns(10).filter((c) => /^second_dim_out_\d$/.test(c)).length, 10);
  const line = formatRow(row({ lambda: 1, score: 0.99 }), columns);
  assert.equal(line, "thres,moons_N100,1.0,10,0,0.99,0.0123,0.001,2,10,10,4,10,4,True,100,12345\n");
  const parsed = parseResults(columns.join(",") + "\n" + line, "r.csv");
  assert.deepEqual(parsed.rows[0], row({ lambda: 1, score: 0.99 }));
});

test("results files written by the paper's code are read (thres, no interpolated column, its data set names)", () => {
  // The layout of the paper's results/*.csv (pandas.to_csv of run.py's rows).
  const text =
    "activation,dataset,max_bias,n_iter,restart,score,fit_time,score_time,first_dim_in,first_dim_out," +
    "second_dim_in_0,second_dim_out_0,second_dim_in,second_dim_out\n" +
    "thres,moons_size_100k,1.0,200,0,1.0,0.41,0.05,2,200,200,5,200,5\n" +
    "thres,mnist_1v9_size_10,0.5,5000,3,0.9993,2.5,0.8,784,5000,5000,31,5000,31\n" +
    "thres,moons,0.0,100,1,0.874,0.01,0.001,2,100,100,1,100,1\n";
  const { rows } = parseResults(text, "paper.csv");
  assert.deepEqual(
    rows.map((r) => [r.activation, r.samples, r.interpolated, r.secondDimOut]),
    [
      ["threshold", 100_000, true, 5],
      ["threshold", 1483, false, 31],
      ["threshold", 1000, false, 1],
    ],
  );
});

test("bad results files: missing columns, wrong field counts, bad values", () => {
  assert.throws(
    () => parseResults("activation,dataset,n_iter,restart,score\nthres,m,10,0,1\n", "few.csv"),
    (e: unknown) =>
      e instanceof ExperimentError &&
      /^few\.csv: missing column\(s\) max_bias, second_dim_out; a results file needs/.test(
        e.message,
      ),
  );
  const header = resultColumns(1).join(",");
  assert.throws(
    () => parseResults(`${header}\nthres,m,1.0\n`, "short.csv"),
    /short\.csv: line 2 has 3 fields, the header has 17/,
  );
  assert.throws(
    () =>
      parseResults(
        `${header}\n${formatRow(row(), resultColumns(1)).replace("thres", "sigmoid")}`,
        "act.csv",
      ),
    /act\.csv: line 2: column activation is "sigmoid"/,
  );
  assert.throws(() => parseResults("", "empty.csv"), /empty results file/);
});

test("a cut last line is not a row; the appender removes it and resumes after the complete rows", async () => {
  const dir = tempDir();
  const path = join(dir, "r.csv");
  const columns = resultColumns(1);
  const first = await ResultsAppender.open(path, columns);
  assert.equal(first.rows.length, 0);
  first.appender.append(row({ restart: 0 }));
  first.appender.append(row({ restart: 1 }));
  first.appender.close();
  appendFileSync(path, "thres,moons_N100,0.5,10,2,1.0,0.01"); // a crash in the middle of a write
  const cut = parseResults(readFileSync(path, "utf8"), path);
  assert.equal(cut.rows.length, 2);
  assert.equal(cut.partial, "thres,moons_N100,0.5,10,2,1.0,0.01");

  const again = await ResultsAppender.open(path, columns);
  assert.equal(again.rows.length, 2);
  assert.equal(again.repairedBytes, 34);
  again.appender.append(row({ restart: 2 }));
  again.appender.close();
  const after = await readResults(path);
  assert.deepEqual(
    after.rows.map((r) => r.restart),
    [0, 1, 2],
  );
  assert.equal(after.partial, undefined);

  await assert.rejects(
    ResultsAppender.open(path, resultColumns(10)),
    /has other columns than this experiment writes/,
  );
  // Only a cut header: start afresh.
  writeFileSync(path, "activation,data");
  const fresh = await ResultsAppender.open(path, columns);
  fresh.appender.close();
  assert.equal(readFileSync(path, "utf8"), columns.join(",") + "\n");
});

test("merge: canonical order, duplicates dropped, missing trials reported", async () => {
  const config = parseExperiment(
    JSON.stringify({
      dataset: { kind: "moons", size: 100 },
      grid: { n: [10, 20], lambda: [0.5] },
      restarts: 2,
    }),
    "m",
    "m.json",
  );
  const trials = expandTrials(config, config.full);
  const dir = tempDir();
  const columns = resultColumns(1);
  const rowOf = (i: number) =>
    row({ n: trials[i].n, restart: trials[i].restart, seed: trials[i].seed });
  const header = columns.join(",") + "\n";
  writeFileSync(
    join(dir, "a.csv"),
    header + [3, 1].map((i) => formatRow(rowOf(i), columns)).join(""),
  );
  writeFileSync(
    join(dir, "b.csv"),
    header + [1].map((i) => formatRow(rowOf(i), columns)).join("") + "thres,cut",
  );
  const report = await mergeResults(
    config,
    false,
    [join(dir, "a.csv"), join(dir, "b.csv")],
    join(dir, "all.csv"),
  );
  assert.equal(report.rows, 2);
  assert.equal(report.duplicates, 1);
  assert.deepEqual(
    report.missing.map((t) => t.index),
    [0, 2],
  );
  assert.deepEqual(report.cutFiles, [join(dir, "b.csv")]);
  const merged = await readResults(join(dir, "all.csv"));
  assert.deepEqual(
    merged.rows.map((r) => [r.n, r.restart]),
    [
      [10, 1],
      [20, 1],
    ],
  );
  writeFileSync(join(dir, "c.csv"), resultColumns(2).join(",") + "\n");
  await assert.rejects(
    mergeResults(config, false, [join(dir, "a.csv"), join(dir, "c.csv")], join(dir, "x.csv")),
    /its columns differ/,
  );
});

test("confidence intervals: Wilson for probabilities, Student t for means", () => {
  assert.equal(tQuantile975(1), 12.706);
  assert.ok(Math.abs(tQuantile975(100) - 1.984) < 0.002);
  const [lo, hi] = wilsonInterval(20, 20);
  assert.equal(hi, 1);
  assert.ok(lo > 0.8 && lo < 0.85);
  const m = meanInterval([4, 5, 6]);
  assert.equal(m.mean, 5);
  assert.ok(Math.abs(m.high - 5 - 4.303 / Math.sqrt(3)) < 1e-9);
  const s = cellStats(
    [row({ interpolated: false, secondDimOut: 2 }), row({ secondDimOut: 6 })],
    "width",
  );
  assert.deepEqual([s.count, s.mean, s.interpolation], [2, 4, 0.5]);
});
