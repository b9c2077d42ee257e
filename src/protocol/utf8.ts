/** UTF-8 helpers shared by the codecs (TextEncoder/TextDecoder so the layer runs anywhere). */

const encoder = new TextEncoder();
// fatal: invalid UTF-8 must be reported, not replaced. ignoreBOM: a leading U+FEFF is content
// (the reference's from_utf8 keeps it), so it must survive a decode/encode round trip.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Writes `text` as UTF-8 into `target` starting at `offset`; `target` must have room for
 * {@link utf8ByteLength}(text) bytes. Returns the number of bytes written.
 */
export function writeUtf8(text: string, target: Uint8Array, offset: number): number {
  return encoder.encodeInto(text, target.subarray(offset)).written;
}

/**
 * Number of bytes TextEncoder produces for `text`, computed without allocating. Lone surrogates
 * count as 3 bytes because TextEncoder replaces them with U+FFFD.
 */
export function utf8ByteLength(text: string): number {
  let length = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      length += 1;
    } else if (c < 0x800) {
      length += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    } else {
      length += 3;
    }
  }
  return length;
}

/** Decodes strict UTF-8; returns `undefined` when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
