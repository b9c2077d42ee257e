/** Test helpers: hex vectors, byte utilities, chunked async sources and codec decoding. */

import { DecodeFailure, type ProtocolError } from "../../src/protocol/errors.js";
import type { JsonCodec } from "../../src/protocol/json-codec.js";
import { parseJson } from "../../src/protocol/json-parser.js";

/**
 * Parses a hex vector as written in the spec: space/newline separated bytes, optionally with
 * `0000:` offset prefixes at line starts.
 */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/^\s*[0-9a-f]{4}:/gim, "").replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Formats bytes as space-separated lower-case hex (for readable assertion failures). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Splits bytes into chunks of the given sizes (the last chunk takes whatever remains). */
export function splitAt(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    if (offset >= bytes.length) break;
    chunks.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  if (offset < bytes.length) chunks.push(bytes.slice(offset));
  return chunks;
}

/** An async source yielding the given chunks, recording whether it was closed early. */
export function chunkSource(chunks: readonly Uint8Array[]): AsyncIterable<Uint8Array> & {
  readonly state: { pulled: number; closed: boolean };
} {
  const state = { pulled: 0, closed: false };
  return {
    state,
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          if (index >= chunks.length) return { done: true, value: undefined };
          state.pulled++;
          return { done: false, value: chunks[index++] as Uint8Array };
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          state.closed = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** Collects every event of an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Decodes JSON text with `codec` at path `at`; returns the value or the decode error. */
export function decodeWith<T>(codec: JsonCodec<T>, text: string, at = "x"): T | ProtocolError {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  try {
    return codec.decode(parsed.value, at);
  } catch (e) {
    if (e instanceof DecodeFailure) return e.error;
    throw e;
  }
}
