// Appending results rows as trials finish, so that a sweep can be killed at any moment (even
// kill -9) and resumed: each row is one write() of one complete line; on reopening, a last line
// without its newline (cut by a crash) is cut off, and the complete rows tell which trials are done.

import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { csvLine } from "./csv.js";
import { ExperimentError } from "./errors.js";
import { formatRow, parseResults, type ResultRow } from "./results.js";

/** What was in a results file when it was opened for appending. */
export interface OpenedResults {
  readonly appender: ResultsAppender;
  /** Rows already in the file (complete lines only). */
  readonly rows: readonly ResultRow[];
  /** Bytes of a cut last line that were removed. */
  readonly repairedBytes: number;
}

/** Appends rows to a results file, one complete line per write(); fsyncs about once a second. */
export class ResultsAppender {
  private lastSync = Date.now();

  private constructor(
    private readonly fd: number,
    private readonly columns: readonly string[],
  ) {}

  /**
   * Opens (or creates) `path` for the given header. An existing file must have exactly this
   * header (ExperimentError otherwise); a cut last line is removed.
   */
  static async open(path: string, columns: readonly string[]): Promise<OpenedResults> {
    await mkdir(dirname(path), { recursive: true });
    let bytes: Buffer | undefined;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new ExperimentError(`${path}: ${(e as Error).message}`);
      }
    }
    const header = csvLine(columns);
    if (bytes === undefined || bytes.length === 0 || bytes.indexOf(0x0a) < 0) {
      // New file, or only a cut header: start afresh.
      const fd = openSync(path, "w");
      writeSync(fd, header);
      fsyncSync(fd);
      return {
        appender: new ResultsAppender(fd, columns),
        rows: [],
        repairedBytes: bytes?.length ?? 0,
      };
    }
    const complete = bytes.lastIndexOf(0x0a) + 1;
    const text = bytes.subarray(0, complete).toString("utf8");
    const firstLine = text.slice(0, text.indexOf("\n") + 1).replace(/\r\n$/, "\n");
    if (firstLine !== header) {
      throw new ExperimentError(
        `${path}: this results file has other columns than this experiment writes ` +
          `(${firstLine.trim()} instead of ${header.trim()}); use another --results file`,
      );
    }
    const parsed = parseResults(text, path);
    const fd = openSync(path, "r+");
    if (complete < bytes.length) {
      ftruncateSync(fd, complete);
      fsyncSync(fd);
    }
    closeSync(fd);
    const appendFd = openSync(path, "a");
    return {
      appender: new ResultsAppender(appendFd, columns),
      rows: parsed.rows,
      repairedBytes: bytes.length - complete,
    };
  }

  /** Writes one row as a single complete line. */
  append(row: ResultRow): void {
    const line = Buffer.from(formatRow(row, this.columns), "utf8");
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written);
    if (Date.now() - this.lastSync > 1000) this.sync();
  }

  /** Flushes the file to disk. */
  sync(): void {
    fsyncSync(this.fd);
    this.lastSync = Date.now();
  }

  /** Flushes and closes the file. */
  close(): void {
    this.sync();
    closeSync(this.fd);
  }
}
