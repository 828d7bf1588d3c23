// Minimal RFC 4180 CSV for results files: quoting on write; on read, records of text split by the
// one record parser (data/csvRecord.ts).

import { quoteCount, splitCsvRecord } from "../data/csvRecord.js";

/** A field as CSV: quoted when it holds a comma, quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (with the trailing "\n"). */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\n`;
}

/**
 * Splits CSV text into records of fields (splitCsvRecord). A record ends at a newline outside
 * quotes; a final record without a newline is returned in `partial` (not in `records`), so that a
 * line cut by a crash is never taken for a complete one. Blank lines are skipped. `lines[i]` is
 * the 1-based line number where records[i] starts. A record with a broken quote is kept as one
 * field of its text (the results reader then names its line: its field count is wrong).
 */
export function parseCsvRecords(text: string): {
  records: string[][];
  lines: number[];
  partial: string | undefined;
} {
  const records: string[][] = [];
  const lines: number[] = [];
  let line = 1;
  let begin = 0; // start of the record being read
  let start = 1; // its line
  let quotes = 0; // quotes in it so far
  let from = 0;
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", nl + 1)) {
    quotes += quoteCount(text.slice(from, nl));
    from = nl + 1;
    if (quotes % 2 === 1) {
      line++; // a newline inside a quoted field
      continue;
    }
    const record = recordText(text.slice(begin, nl));
    if (record !== "") {
      records.push(splitCsvRecord(record) ?? [record]);
      lines.push(start);
    }
    line++;
    start = line;
    begin = nl + 1;
    quotes = 0;
  }
  const rest = text.slice(begin);
  return { records, lines, partial: rest.trim() === "" ? undefined : rest };
}

/** A record's text without its line end ("\r" of a CRLF file). */
export function recordText(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
