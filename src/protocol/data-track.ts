/**
 * Data-track frames (§11.2, head): `flags u16 (0) | dataOffset u16 (8) | sequence u32 | payload`.
 * The channel is implied by the track, the log time travels as the frame's user timestamp.
 */

import { catchDecodeFailure, type ProtocolResult, throwDecode } from "./errors.js";

/** Header size written by this version (readers honour the offset field instead). */
export const DATA_TRACK_HEADER_SIZE = 8;

/** Default per-message limit for data tracks (bytes), and the smallest allowed setting. */
export const DEFAULT_DATA_TRACK_MESSAGE_LIMIT = 102_400;
/** Smallest configurable per-message limit for data tracks. */
export const MIN_DATA_TRACK_MESSAGE_LIMIT = 1_200;

/** A decoded data-track frame. */
export interface DataTrackFrame {
  /** Reserved flags (0 today). */
  readonly flags: number;
  /** u32 per-track sequence number (wraps). */
  readonly sequence: number;
  /** The logged message; a view into the input. */
  readonly payload: Uint8Array;
}

/**
 * Encodes a data-track frame: flags 0, data offset 8, `sequence`, then the payload (one
 * allocation, one copy). Throws unless `sequence` is a u32.
 */
export function encodeDataTrackFrame(sequence: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xffff_ffff) {
    throw new RangeError(`sequence must be a u32, got ${String(sequence)}`);
  }
  const frame = new Uint8Array(DATA_TRACK_HEADER_SIZE + payload.length);
  // Bytes 0..1 (flags) stay 0.
  frame[2] = DATA_TRACK_HEADER_SIZE;
  frame[4] = sequence & 0xff;
  frame[5] = (sequence >>> 8) & 0xff;
  frame[6] = (sequence >>> 16) & 0xff;
  frame[7] = sequence >>> 24;
  frame.set(payload, DATA_TRACK_HEADER_SIZE);
  return frame;
}

/** Next sequence number after `sequence` (wrapping at 2^32). */
export function nextDataTrackSequence(sequence: number): number {
  return (sequence + 1) >>> 0;
}

/**
 * Decodes a data-track frame, honouring the data offset so longer future headers still parse.
 * Never throws: `buffer-too-short` for fewer than 8 bytes or an offset past the end,
 * `invalid-field` for an offset below 8.
 */
export function decodeDataTrackFrame(bytes: Uint8Array): ProtocolResult<DataTrackFrame> {
  return catchDecodeFailure(() => {
    if (bytes.length < DATA_TRACK_HEADER_SIZE) {
      throwDecode(
        "buffer-too-short",
        `data-track frame of ${bytes.length} bytes is shorter than its header`,
      );
    }
    const flags = (bytes[0] as number) | ((bytes[1] as number) << 8);
    const offset = (bytes[2] as number) | ((bytes[3] as number) << 8);
    const sequence =
      ((bytes[4] as number) |
        ((bytes[5] as number) << 8) |
        ((bytes[6] as number) << 16) |
        ((bytes[7] as number) << 24)) >>>
      0;
    if (offset < DATA_TRACK_HEADER_SIZE) {
      throwDecode(
        "invalid-field",
        `data-track offset ${offset} is below ${DATA_TRACK_HEADER_SIZE}`,
      );
    }
    if (offset > bytes.length) {
      throwDecode(
        "buffer-too-short",
        `data-track offset ${offset} is past the end (${bytes.length} bytes)`,
      );
    }
    return { flags, sequence, payload: bytes.subarray(offset) };
  });
}
