// The one base64 module (RFC 4648, standard alphabet, with padding) for byte arrays: Node's
// Buffer where it exists, else a table-driven coder writing whole output arrays (browsers).
// Both cost a small multiple of the array size: no string is built piece by piece.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

interface BufferLike {
  from(bytes: ArrayBufferLike, offset: number, length: number): { toString(enc: "base64"): string };
  from(text: string, enc: "base64"): Uint8Array;
}

/** Node's Buffer when present (never in browsers). */
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

/** Output characters decoded by TextDecoder at a time (bounded temporary memory). */
const CHUNK = 3 << 16;

/** Encodes bytes as base64 text. */
export function encodeBase64(bytes: Uint8Array, useBuffer = NodeBuffer !== undefined): string {
  if (useBuffer && NodeBuffer !== undefined) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  }
  const decoder = new TextDecoder("latin1");
  const parts: string[] = [];
  const out = new Uint8Array((CHUNK / 3) * 4);
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, bytes.length);
    let o = 0;
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out[o++] = ENCODE[n >>> 18];
      out[o++] = ENCODE[(n >>> 12) & 63];
      out[o++] = ENCODE[(n >>> 6) & 63];
      out[o++] = ENCODE[n & 63];
    }
    if (i < end) {
      const b1 = i + 1 < end ? bytes[i + 1] : 0;
      const n = (bytes[i] << 16) | (b1 << 8);
      out[o++] = ENCODE[n >>> 18];
      out[o++] = ENCODE[(n >>> 12) & 63];
      out[o++] = i + 1 < end ? ENCODE[(n >>> 6) & 63] : 61;
      out[o++] = 61;
    }
    parts.push(decoder.decode(out.subarray(0, o)));
  }
  return parts.join("");
}

/** The first character of `text` outside the alphabet (padding only at the end), or -1. */
function firstInvalid(text: string, padding: number): number {
  const body = text.length - padding;
  for (let i = 0; i < body; i++) {
    const c = text.charCodeAt(i);
    if (c > 255 || DECODE[c] < 0) return i;
  }
  return -1;
}

/**
 * Decodes padded base64 text; throws an Error describing the first invalid character or a
 * length that is not a multiple of 4.
 */
export function decodeBase64(text: string, useBuffer = NodeBuffer !== undefined): Uint8Array {
  if (text.length % 4 !== 0) {
    throw new Error(`base64 text length ${text.length} is not a multiple of 4`);
  }
  let padding = 0;
  if (text.endsWith("==")) padding = 2;
  else if (text.endsWith("=")) padding = 1;
  const bad = firstInvalid(text, padding);
  if (bad >= 0) throw new Error(`invalid base64 character at position ${bad}`);
  const length = (text.length / 4) * 3 - padding;
  if (useBuffer && NodeBuffer !== undefined) {
    const buf = NodeBuffer.from(text, "base64");
    return new Uint8Array(buf.buffer, buf.byteOffset, length);
  }
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (DECODE[text.charCodeAt(i)] << 18) |
      (DECODE[text.charCodeAt(i + 1)] << 12) |
      ((DECODE[text.charCodeAt(i + 2)] & 63) << 6) |
      (DECODE[text.charCodeAt(i + 3)] & 63);
    if (o < length) out[o++] = (n >>> 16) & 255;
    if (o < length) out[o++] = (n >>> 8) & 255;
    if (o < length) out[o++] = n & 255;
  }
  return out;
}
