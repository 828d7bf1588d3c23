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
    if (this.carryQuotes === 0 && chunk.indexOf('"') === -1) {
      this.pushPlain(chunk);
      return;
    }
    // Scans only the chunk (never carry + chunk): the carry joins the first record it ends.
    let quotes = this.carryQuotes;
    let begin = 0;
    let quote = chunk.indexOf('"');
    for (let nl = chunk.indexOf("\n"); nl !== -1; nl = chunk.indexOf("\n", nl + 1)) {
      while (quote !== -1 && quote < nl) {
        quotes++;
        quote = chunk.indexOf('"', quote + 1);
      }
      if (quotes % 2 === 1) {
        this.line++; // a newline inside a quoted field
        continue;
      }
      const piece = chunk.slice(begin, nl);
      const record = this.carry === "" ? piece : this.carry + piece;
      this.carry = "";
      this.emit(record, quotes > 0);
      this.line++;
      this.start = this.line;
      begin = nl + 1;
      quotes = 0;
    }
    while (quote !== -1) {
      quotes++;
      quote = chunk.indexOf('"', quote + 1);
    }
    const rest = chunk.slice(begin);
    this.carry = this.carry === "" ? rest : this.carry + rest;
    this.carryQuotes = quotes;
  }

  /** A chunk without quotes (results files have none): split by the builtin, line by line. */
  private pushPlain(chunk: string): void {
    const parts = chunk.split("\n");
    const last = parts.length - 1;
    if (last > 0 && this.carry !== "") {
      parts[0] = this.carry + parts[0];
      this.carry = "";
    }
    for (let i = 0; i < last; i++) {
      const record = parts[i];
      if (record !== "" && record !== "\r") this.onRecord(splitPlain(record), this.line);
      this.line++;
    }
    this.start = this.line;
    this.carry = last === 0 ? this.carry + parts[0] : parts[last];
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
