// CSV parsing and loading.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { parseCsv } from "../src/data/csv.js";
import { DataError } from "../src/data/dataset.js";
import { loadCsvFile } from "../src/node/loaders.js";

const tmp = mkdtempSync(join(tmpdir(), "memonet-csv-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("parseCsv: header detection, last-column labels, sorted string class names", () => {
  const ds = parseCsv("x,y,species\n1,2,setosa\n3.5,-4e1,virginica\r\n\n5,6,setosa\n", "iris.csv");
  assert.equal(ds.name, "iris.csv");
  assert.equal(ds.size, 3);
  assert.equal(ds.dim, 2);
  assert.deepEqual(Array.from(ds.features), [1, 2, 3.5, -40, 5, 6]);
  assert.deepEqual(ds.classNames, ["setosa", "virginica"]);
  assert.deepEqual(Array.from(ds.labels), [0, 1, 0]);
});

test("parseCsv: numeric labels sort numerically; label column by index or name; quotes", () => {
  const noHeader = parseCsv("10,0.5,1\n2,0.25,2\n1,0,3\n", "n.csv", { labelColumn: 0 });
  assert.equal(noHeader.size, 3);
  assert.deepEqual(noHeader.classNames, ["1", "2", "10"]);
  assert.deepEqual(Array.from(noHeader.labels), [2, 1, 0]);
  assert.deepEqual(Array.from(noHeader.features), [0.5, 1, 0.25, 2, 0, 3]);

  const byName = parseCsv('a,"the label",b\n1,"x, y",2\n3,z,4\n', "q.csv", {
    labelColumn: "the label",
  });
  assert.deepEqual(byName.classNames, ["x, y", "z"]);
  assert.deepEqual(Array.from(byName.features), [1, 2, 3, 4]);

  // A header whose feature names are numbers is recognised by its non-numeric label name.
  const numericHeader = parseCsv("0,1,label\n5,6,1\n7,8,0\n", "h.csv");
  assert.equal(numericHeader.size, 2);
  assert.deepEqual(Array.from(numericHeader.features), [5, 6, 7, 8]);
  assert.deepEqual(numericHeader.classNames, ["0", "1"]);
  assert.deepEqual(Array.from(numericHeader.labels), [1, 0]);
  const stringLabels = parseCsv("1,2,cat\n3,4,dog\n", "s.csv");
  assert.equal(stringLabels.size, 2);
  assert.deepEqual(Array.from(stringLabels.features), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(stringLabels.labels), [0, 1]);
  const single = parseCsv("1,2,cat\n", "one.csv");
  assert.equal(single.size, 1);
  const forced = parseCsv("1,2,3\n4,5,6\n", "f.csv", { header: true });
  assert.equal(forced.size, 1);
  const tabs = parseCsv("1\t2\tcat\n", "t.tsv", { delimiter: "\t" });
  assert.deepEqual(Array.from(tabs.features), [1, 2]);
});

test("parseCsv errors name the line, the column and what was found", () => {
  const check = (text: string, re: RegExp, opts = {}): void => {
    assert.throws(
      () => parseCsv(text, "bad.csv", opts),
      (e: unknown) => e instanceof DataError && re.test(e.message),
    );
  };
  check(
    "a,b,c\n1,2,x\n1,oops,y\n",
    /bad\.csv: line 3, column 2 \(b\): expected a finite number, found "oops"/,
  );
  check(
    "1,2,x\n1,,y\n",
    /bad\.csv: line 2, column 2 \(column 2\): expected a finite number, found an empty field/,
  );
  check("1,2,x\n1,NaN,y\n", /line 2, column 2 .*found "NaN"/);
  check("1,2,x\n1,Infinity,y\n", /line 2, column 2 .*found "Infinity"/);
  check("1,2,x\n1,0x10,y\n", /line 2, column 2 .*found "0x10"/);
  check("1,2,x\n1,1e39,y\n", /line 2, column 2 .*outside the 32-bit float range/);
  check(
    "a,b,c\n1,2,x\n1,2\n",
    /bad\.csv: line 3: ragged row: expected 3 fields like line 1, found 2/,
  );
  check("a,b,c\n1,2,x\n1,2,3,4\n", /line 3: ragged row: expected 3 fields.*found 4/);
  check("", /bad\.csv: empty CSV file/);
  check("\n  \n", /bad\.csv: empty CSV file/);
  check("a,b,c\n", /header \(line 1\) but no data rows/);
  check("a,b,c\n1,2,\n", /line 2, column 3 \(c\): missing label/);
  check("a,b\n1,2\n", /no header column named "label"/, { labelColumn: "label" });
  check("1,2\n", /label column 5 does not exist: the file has 2 columns/, { labelColumn: 5 });
  check('1,"2,x\n', /line 1: unbalanced double quote/);
  check("1\n2\n", /expected at least 2 columns/);
});

test("loadCsvFile reads plain and gzipped files and names the path", async () => {
  writeFileSync(join(tmp, "d.csv"), "1,2,a\n3,4,b\n");
  writeFileSync(join(tmp, "d.csv.gz"), gzipSync("1,2,a\n3,oops,b\n"));
  const ds = await loadCsvFile(join(tmp, "d.csv"));
  assert.equal(ds.size, 2);
  await assert.rejects(loadCsvFile(join(tmp, "d.csv.gz")), /d\.csv\.gz: line 2, column 2/);
  await assert.rejects(loadCsvFile(join(tmp, "none.csv")), /none\.csv: file not found/);
});
