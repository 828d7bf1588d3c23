// Base64 (RFC 4648, with padding) for byte arrays, in plain TypeScript so it runs in browsers too.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as base64 text. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 16384;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, bytes.length);
    let s = "";
    for (let i = start; i < end; i += 3) {
      const b0 = bytes[i];
      const b1 = i + 1 < end ? bytes[i + 1] : 0;
      const b2 = i + 2 < end ? bytes[i + 2] : 0;
      const n = (b0 << 16) | (b1 << 8) | b2;
      s += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63];
      s += i + 1 < end ? ALPHABET[(n >>> 6) & 63] : "=";
      s += i + 2 < end ? ALPHABET[n & 63] : "=";
    }
    parts.push(s);
  }
  return parts.join("");
}

/** Decodes base64 text; throws an Error describing the first invalid character or bad length. */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) {
    throw new Error(`base64 text length ${text.length} is not a multiple of 4`);
  }
  let padding = 0;
  if (text.endsWith("==")) padding = 2;
  else if (text.endsWith("=")) padding = 1;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      const isPad = c === 61 && i + k >= text.length - padding;
      const v = isPad ? 0 : c < 128 ? DECODE[c] : -1;
      if (v < 0) throw new Error(`invalid base64 character at position ${i + k}`);
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >>> 16) & 255;
    if (o < out.length) out[o++] = (n >>> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
