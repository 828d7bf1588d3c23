// CSV records from a stream of text chunks, one at a time: what lets results files of 10⁶ rows be
// read without holding their text or their rows. Same rules as parseCsvRecords (csv.ts).

import { parseCsvRecords } from "./csv.js";

/** Splits a simple line (no quotes) into fields, dropping a trailing "\r". */
function splitPlain(line: string): string[] {
  return (line.endsWith("\r") ? line.slice(0, -1) : line).split(",");
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
    const text = this.carry + chunk;
    let quotes = this.carryQuotes;
    let begin = 0;
    // The next quote at or after the scan position (-1: none left in this text).
    let quote = text.indexOf('"', this.carry.length);
    for (
      let nl = text.indexOf("\n", this.carry.length);
      nl !== -1;
      nl = text.indexOf("\n", nl + 1)
    ) {
      while (quote !== -1 && quote < nl) {
        quotes++;
        quote = text.indexOf('"', quote + 1);
      }
      if (quotes % 2 === 1) {
        this.line++; // a newline inside a quoted field
        continue;
      }
      this.emit(text.slice(begin, nl), quotes > 0);
      this.line++;
      this.start = this.line;
      begin = nl + 1;
      quotes = 0;
    }
    while (quote !== -1) {
      quotes++;
      quote = text.indexOf('"', quote + 1);
    }
    this.carry = text.slice(begin);
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
