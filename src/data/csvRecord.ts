// The one CSV record parser: fields of a record, honouring double quotes (RFC 4180). The data
// loader (data/csv.ts: one record per line) and the results files (sweeps/csv.ts and
// csvStream.ts: a quoted field may span lines) both split records with it. Browser-safe.

/**
 * Splits one CSV record (its text without the line end) into fields: a field may be
 * double-quoted ("a,b", "say ""hi""", spaces around the quotes allowed) and then may hold the
 * delimiter, quotes and newlines. Returns undefined for a broken quote (unclosed, or text after
 * the closing quote).
 */
export function splitCsvRecord(line: string, delimiter = ","): string[] | undefined {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    // Skip leading spaces before a quoted field.
    let j = i;
    while (j < line.length && line[j] === " ") j++;
    if (line[j] === '"') {
      j++;
      for (;;) {
        if (j >= line.length) return undefined;
        if (line[j] === '"') {
          if (line[j + 1] === '"') {
            field += '"';
            j += 2;
          } else {
            j++;
            break;
          }
        } else {
          field += line[j++];
        }
      }
      while (j < line.length && line[j] === " ") j++;
      if (j < line.length && line[j] !== delimiter) return undefined;
      i = j;
    } else {
      const end = line.indexOf(delimiter, i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // skip the delimiter
    if (i === line.length) {
      fields.push("");
      return fields;
    }
  }
}

/** Double quotes in `text` (a record is complete when the count up to its newline is even). */
export function quoteCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}
