/**
 * Standard base64 (RFC 4648 alphabet, `=` padding), used for binary schemas (§8.2) and
 * `byte_array` parameters (§7.6). Written here rather than using Buffer/atob so that the layer
 * runs anywhere and decoding is as strict as the reference's (canonical padding, zero trailing
 * bits, no whitespace).
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 0x3d; // "="

const ENCODE_TABLE = new Uint8Array(64);
// 255 marks characters outside the alphabet.
const DECODE_TABLE = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) {
  const code = ALPHABET.charCodeAt(i);
  ENCODE_TABLE[i] = code;
  DECODE_TABLE[code] = i;
}

// All output bytes are ASCII, so any UTF-8 decoder turns the buffer into the string.
const asciiDecoder = new TextDecoder();

/** Encodes bytes as padded standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const triple =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = ENCODE_TABLE[triple >>> 18] as number;
    out[o++] = ENCODE_TABLE[(triple >>> 12) & 63] as number;
    out[o++] = ENCODE_TABLE[(triple >>> 6) & 63] as number;
    out[o++] = ENCODE_TABLE[triple & 63] as number;
  }
  const rest = n - i;
  if (rest === 1) {
    const a = bytes[i] as number;
    out[o++] = ENCODE_TABLE[a >>> 2] as number;
    out[o++] = ENCODE_TABLE[(a & 3) << 4] as number;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (rest === 2) {
    const a = bytes[i] as number;
    const b = bytes[i + 1] as number;
    out[o++] = ENCODE_TABLE[a >>> 2] as number;
    out[o++] = ENCODE_TABLE[((a & 3) << 4) | (b >>> 4)] as number;
    out[o++] = ENCODE_TABLE[(b & 15) << 2] as number;
    out[o++] = PAD;
  }
  return asciiDecoder.decode(out);
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? (DECODE_TABLE[code] as number) : 255;
}

/**
 * Decodes canonical padded standard base64. Returns `undefined` for anything else: wrong length,
 * characters outside the alphabet, misplaced or missing padding, or non-zero trailing bits.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const n = text.length;
  if (n % 4 !== 0) return undefined;
  if (n === 0) return new Uint8Array(0);
  let padding = 0;
  if (text.charCodeAt(n - 1) === PAD) padding = text.charCodeAt(n - 2) === PAD ? 2 : 1;
  const out = new Uint8Array((n / 4) * 3 - padding);
  let o = 0;
  const fullGroupsEnd = padding === 0 ? n : n - 4;
  for (let i = 0; i < fullGroupsEnd; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    // 255 (not in the alphabet, including "=") is the only value above 63.
    if ((a | b | c | d) > 63) return undefined;
    const triple = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = triple >>> 16;
    out[o++] = (triple >>> 8) & 255;
    out[o++] = triple & 255;
  }
  if (padding > 0) {
    const i = n - 4;
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    if (a > 63 || b > 63) return undefined;
    if (padding === 2) {
      // Canonical form: the unused low 4 bits of the second sextet are zero.
      if ((b & 15) !== 0) return undefined;
      out[o++] = (a << 2) | (b >>> 4);
    } else {
      const c = sextet(text, i + 2);
      if (c > 63 || (c & 3) !== 0) return undefined;
      out[o++] = (a << 2) | (b >>> 4);
      out[o++] = ((b & 15) << 4) | (c >>> 2);
    }
  }
  return out;
}
