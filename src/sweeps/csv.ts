// Minimal RFC 4180 CSV: quoting on write, a line splitter and a field parser on read.

/** A field as CSV: quoted when it holds a comma, quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (with the trailing "\n"). */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\n`;
}

/**
 * Splits CSV text into records of fields. A record ends at a newline outside quotes; a final
 * record without a newline is returned in `partial` (not in `records`), so that a line cut by a
 * crash is never taken for a complete one. Blank lines are skipped. `lines[i]` is the 1-based
 * line number where records[i] starts.
 */
export function parseCsvRecords(text: string): {
  records: string[][];
  lines: number[];
  partial: string | undefined;
} {
  const records: string[][] = [];
  const lines: number[] = [];
  let field = "";
  let fields: string[] = [];
  let inQuotes = false;
  let line = 1;
  let start = 1;
  let recordStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"') inQuotes = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n") {
      fields.push(field.endsWith("\r") ? field.slice(0, -1) : field);
      if (!(fields.length === 1 && fields[0] === "")) {
        records.push(fields);
        lines.push(start);
      }
      fields = [];
      field = "";
      line++;
      start = line;
      recordStart = i + 1;
    } else field += c;
  }
  const rest = text.slice(recordStart);
  return { records, lines, partial: rest.trim() === "" ? undefined : rest };
}
