/**
 * Little-endian cursor reader/writer for binary messages. The reader checks every length
 * against the real buffer before touching (or allocating for) it, and reports problems as
 * DecodeFailure so binary decoders stay linear.
 */

import { throwDecode } from "./errors.js";
import { allocateFrame, FRAME_HEADER_SIZE, FrameOpcode } from "./framing.js";
import { decodeUtf8 } from "./utf8.js";

/** Largest u32 value. */
const U32_MAX = 0xffff_ffff;
/** Largest u64 value. */
export const U64_MAX = 2n ** 64n - 1n;

/** Throws a RangeError unless `value` is an integer in u32 range. */
export function assertU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new RangeError(`${what} must be a u32, got ${String(value)}`);
  }
}

/** Throws a RangeError unless `value` is in u64 range. */
export function assertU64(value: bigint, what: string): void {
  if (typeof value !== "bigint" || value < 0n || value > U64_MAX) {
    throw new RangeError(`${what} must be a u64 bigint, got ${String(value)}`);
  }
}

/** Sequential little-endian reader over a binary message. */
export class ByteReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private offset: number;

  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  /** Bytes not yet consumed. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Fails with `buffer-too-short` unless at least `count` bytes remain. */
  require(count: number, what: string): void {
    if (this.remaining < count) {
      throwDecode(
        "buffer-too-short",
        `${what}: need ${count} more bytes, only ${this.remaining} remain`,
      );
    }
  }

  u8(): number {
    const value = this.view.getUint8(this.offset);
    this.offset += 1;
    return value;
  }

  u32(): number {
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u64(): bigint {
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return value;
  }

  f32(): number {
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }

  skip(count: number): void {
    this.offset += count;
  }

  /** A zero-copy view of the next `count` bytes (length checked first). */
  bytesView(count: number, what: string): Uint8Array {
    this.require(count, what);
    const view = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return view;
  }

  /** A zero-copy view of everything left. */
  rest(): Uint8Array {
    const view = this.bytes.subarray(this.offset);
    this.offset = this.bytes.length;
    return view;
  }

  /** Reads `count` bytes as strict UTF-8 (`buffer-too-short` / `invalid-utf8`). */
  utf8(count: number, what: string): string {
    const text = decodeUtf8(this.bytesView(count, what));
    if (text === undefined) throwDecode("invalid-utf8", `${what} is not valid UTF-8`);
    return text;
  }
}

/** Sequential little-endian writer into a buffer of precomputed size. */
export class ByteWriter {
  /** The whole output (including the frame header when framed). */
  readonly buffer: Uint8Array;
  private readonly view: DataView;
  private offset: number;

  /**
   * Allocates room for a message of `size` bytes; when `framed`, also a Binary frame header
   * in the same allocation (throws for a message above the 16 MiB frame limit).
   */
  constructor(size: number, framed: boolean) {
    if (framed) {
      this.buffer = allocateFrame(FrameOpcode.Binary, size);
      this.offset = FRAME_HEADER_SIZE;
    } else {
      this.buffer = new Uint8Array(size);
      this.offset = 0;
    }
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  u8(value: number): void {
    this.view.setUint8(this.offset, value);
    this.offset += 1;
  }

  u32(value: number): void {
    this.view.setUint32(this.offset, value, true);
    this.offset += 4;
  }

  u64(value: bigint): void {
    this.view.setBigUint64(this.offset, value, true);
    this.offset += 8;
  }

  f32(value: number): void {
    this.view.setFloat32(this.offset, value, true);
    this.offset += 4;
  }

  bytes(value: Uint8Array): void {
    this.buffer.set(value, this.offset);
    this.offset += value.length;
  }

  /** Returns the output after checking that exactly the precomputed size was written. */
  finish(): Uint8Array {
    if (this.offset !== this.buffer.length) {
      throw new Error(`internal: wrote ${this.offset} of ${this.buffer.length} bytes`);
    }
    return this.buffer;
  }
}
