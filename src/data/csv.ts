// Comma-separated text: one point per line, numeric feature columns and one label column whose
// values may be any strings. Fields may be double-quoted ("a,b", "say ""hi"""); a record may not
// span lines. Blank lines are skipped.

import { splitCsvRecord } from "./csvRecord.js";
import { DataError, type Dataset, makeDataset } from "./dataset.js";

/** Options of parseCsv. */
export interface CsvOptions {
  /**
   * The label column: a header name, or a 0-based column index (negative counts from the end,
   * -1 = last). Default: the last column.
   */
  readonly labelColumn?: string | number;
  /** Whether the first non-blank line is a header; "auto" (default) guesses from its contents. */
  readonly header?: boolean | "auto";
  /** Field separator, one character; default ",". */
  readonly delimiter?: string;
}

/** Parses a finite decimal number (no hex, no "Infinity"); NaN when `text` is not one. */
function parseNumber(text: string): number {
  const t = text.trim();
  if (t.length === 0) return NaN;
  if (t.length > 1 && t[0] === "0") {
    const c = t[1];
    if (c === "x" || c === "X" || c === "b" || c === "B" || c === "o" || c === "O") return NaN;
  }
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

/** Sorts distinct label strings: numerically if every one is a number, else by code units. */
export function sortLabelNames(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  if (list.every((s) => !Number.isNaN(parseNumber(s)))) {
    return list.sort((a, b) => parseNumber(a) - parseNumber(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Parses CSV text into a Dataset: every column but the label column must hold finite numbers.
 * Class names are the sorted distinct labels (numeric order if all are numbers). DataError names
 * the 1-based line and column for a missing or non-numeric value, a ragged row or an empty file.
 */
export function parseCsv(text: string, sourceName: string, options: CsvOptions = {}): Dataset {
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter === '"') {
    throw new DataError(`${sourceName}: CSV delimiter must be one character other than '"'`);
  }
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[0].charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1); // BOM
  const fieldsOf = (i: number): string[] => {
    const fields = splitCsvRecord(lines[i], delimiter);
    if (fields === undefined) {
      throw new DataError(`${sourceName}: line ${i + 1}: unbalanced double quote in "${lines[i]}"`);
    }
    return fields;
  };
  const firstLine = lines.findIndex((l) => l.trim().length > 0);
  if (firstLine < 0) {
    throw new DataError(
      `${sourceName}: empty CSV file: expected a header or data rows, found none`,
    );
  }
  const first = fieldsOf(firstLine);
  const width = first.length;
  if (width < 2) {
    throw new DataError(
      `${sourceName}: line ${firstLine + 1}: expected at least 2 columns (features and a ` +
        `label), found ${width}`,
    );
  }

  // Resolve the label column, then the header (for "auto" possibly only after reading the rest).
  const spec = options.labelColumn ?? -1;
  let labelIndex: number;
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec >= width || spec < -width) {
      throw new DataError(
        `${sourceName}: label column ${spec} does not exist: the file has ${width} columns ` +
          `(valid indices ${-width}..${width - 1})`,
      );
    }
    labelIndex = spec < 0 ? width + spec : spec;
  } else {
    if (options.header === false) {
      throw new DataError(
        `${sourceName}: label column "${spec}" is given by name, but header is false`,
      );
    }
    labelIndex = first.findIndex((f) => f.trim() === spec);
    if (labelIndex < 0) {
      const found = first.map((f) => `"${f.trim()}"`).join(", ");
      throw new DataError(
        `${sourceName}: line ${firstLine + 1}: no header column named "${spec}"; found ${found}`,
      );
    }
  }
  // undefined: "auto" with numeric features but a non-numeric label in the first row; it is a
  // header if every later label is a number.
  let header: boolean | undefined;
  if (typeof spec === "string") header = true;
  else if (options.header === true || options.header === false) header = options.header;
  else if (first.some((f, c) => c !== labelIndex && Number.isNaN(parseNumber(f)))) header = true;
  else if (!Number.isNaN(parseNumber(first[labelIndex]))) header = false;
  const columnNames =
    header === true ? first.map((f) => f.trim()) : first.map((_, c) => `column ${c + 1}`);

  const dim = width - 1;
  const features = new Float32Array((lines.length - firstLine) * dim);
  const rawLabels: string[] = [];
  /** Parses the data row `fields` of (1-based) line `line` into row `row`; returns its label. */
  const parseRow = (fields: string[], line: number, row: number): string => {
    if (fields.length !== width) {
      throw new DataError(
        `${sourceName}: line ${line}: ragged row: expected ${width} fields like line ` +
          `${firstLine + 1}, found ${fields.length}`,
      );
    }
    let label = "";
    let k = row * dim;
    for (let c = 0; c < width; c++) {
      const field = fields[c];
      if (c === labelIndex) {
        label = field.trim();
        if (label.length === 0) {
          throw new DataError(
            `${sourceName}: line ${line}, column ${c + 1} (${columnNames[c]}): missing label`,
          );
        }
        continue;
      }
      const v = parseNumber(field);
      if (Number.isNaN(v)) {
        const found = field.trim().length === 0 ? "an empty field" : `"${field.trim()}"`;
        throw new DataError(
          `${sourceName}: line ${line}, column ${c + 1} (${columnNames[c]}): expected a finite ` +
            `number, found ${found}`,
        );
      }
      if (!Number.isFinite(Math.fround(v))) {
        throw new DataError(
          `${sourceName}: line ${line}, column ${c + 1} (${columnNames[c]}): ${field.trim()} is ` +
            `outside the 32-bit float range (about ±3.4e38)`,
        );
      }
      features[k++] = v;
    }
    return label;
  };

  // Row 0 is reserved for the first line unless it is known to be a header.
  let size = 0;
  if (header === false) rawLabels.push(parseRow(first, firstLine + 1, size++));
  else if (header === undefined) {
    rawLabels.push(first[labelIndex].trim());
    size++;
  }
  let laterLabelsNumeric = true;
  for (let i = firstLine + 1; i < lines.length; i++) {
    if (lines[i].trim().length === 0) continue;
    const label = parseRow(fieldsOf(i), i + 1, size++);
    rawLabels.push(label);
    if (laterLabelsNumeric && Number.isNaN(parseNumber(label))) laterLabelsNumeric = false;
  }
  if (header === undefined) {
    header = size > 1 && laterLabelsNumeric;
    if (header) {
      features.copyWithin(0, dim, size * dim);
      rawLabels.shift();
      size--;
    } else {
      parseRow(first, firstLine + 1, 0);
    }
  }
  if (size === 0) {
    throw new DataError(
      `${sourceName}: CSV file has a header (line ${firstLine + 1}) but no data rows`,
    );
  }
  const classNames = sortLabelNames(rawLabels);
  const index = new Map(classNames.map((n, k) => [n, k]));
  const labels = new Int32Array(size);
  for (let r = 0; r < size; r++) labels[r] = index.get(rawLabels[r]) ?? -1;
  const used = size * dim === features.length ? features : features.slice(0, size * dim);
  return makeDataset(sourceName, used, dim, labels, classNames);
}
