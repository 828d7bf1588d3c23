// CSV records from a stream of text chunks, one at a time: what lets results files of 10⁶ rows be
// read without holding their text or their rows. Same rules as parseCsvRecords (csv.ts).

import { parseCsvRecords } from "./csv.js";

/** Splits a simple line (no quotes) into fields, dropping a trailing "\r". */
function splitPlain(line: string): string[] {
  return (line.endsWith("\r") ? line.slice(0, -1) : line).split(",");
}

function countQuotes(s: string, from: number, to: number): number {
  let k = 0;
  for (let i = s.indexOf('"', from); i !== -1 && i < to; i = s.indexOf('"', i + 1)) k++;
  return k;
}

/**
 * Incremental CSV reader: push() text chunks, each complete record is handed to `onRecord` with
 * the 1-based line where it starts; end() returns the text of a last record without its newline
 * (cut by a crash), which is never taken for a record. Blank lines are skipped.
 */
export class CsvRecordStream {
  private carry = "";
  /** Quotes seen in `carry` (a record ends only at a newline outside quotes: an even count). */
  private carryQuotes = 0;
  private line = 1;
  private start = 1;

  constructor(private readonly onRecord: (fields: string[], line: number) => void) {}

  /** Feeds the next chunk of text. */
  push(chunk: string): void {
    let text = this.carry + chunk;
    let from = this.carry.length;
    let quotes = this.carryQuotes;
    let begin = 0;
    for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", nl + 1)) {
      quotes += countQuotes(text, from, nl);
      from = nl + 1;
      if (quotes % 2 === 1) {
        this.line++; // a newline inside a quoted field
        continue;
      }
      const record = text.slice(begin, nl);
      this.emit(record, quotes > 0);
      this.line++;
      this.start = this.line;
      begin = nl + 1;
      quotes = 0;
    }
    quotes += countQuotes(text, from, text.length);
    text = text.slice(begin);
    this.carry = text;
    this.carryQuotes = quotes;
  }

  private emit(record: string, quoted: boolean): void {
    if (record === "" || record === "\r") return;
    if (!quoted) {
      this.onRecord(splitPlain(record), this.start);
      return;
    }
    const parsed = parseCsvRecords(`${record}\n`);
    if (parsed.records.length > 0) this.onRecord(parsed.records[0], this.start);
  }

  /** Ends the input; returns the text of a cut last record, if any. */
  end(): string | undefined {
    const rest = this.carry;
    this.carry = "";
    return rest.trim() === "" ? undefined : rest;
  }
}
