/**
 * Message framing (§6.3): every message on a byte stream is `opcode u8 | length u32 LE | payload`.
 */

import { utf8ByteLength, writeUtf8 } from "./utf8.js";

/** Size of the frame header: 1 opcode byte + 4 length bytes. */
export const FRAME_HEADER_SIZE = 5;

/** Largest payload accepted on input (and emitted on output): 16 MiB. Exactly 16 MiB is allowed. */
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

/** Frame opcodes: Text frames carry one UTF-8 JSON message, Binary frames one binary message. */
export const FrameOpcode = {
  Text: 1,
  Binary: 2,
} as const;

/** A frame opcode value (1 = Text, 2 = Binary). */
export type FrameOpcode = (typeof FrameOpcode)[keyof typeof FrameOpcode];

/** A complete frame as read from a stream. */
export interface Frame {
  readonly opcode: FrameOpcode;
  readonly payload: Uint8Array;
}

/** True when `value` is a frame opcode this protocol defines. */
export function isFrameOpcode(value: number): value is FrameOpcode {
  return value === FrameOpcode.Text || value === FrameOpcode.Binary;
}

/**
 * Throws unless `payloadLength` is a legal outgoing payload size. Zero-length payloads are never
 * emitted (viewers reject them) and nothing above 16 MiB is emitted (viewers stop reading).
 */
export function assertFramePayloadLength(payloadLength: number): void {
  if (payloadLength === 0) {
    throw new RangeError("refusing to emit a frame with an empty payload");
  }
  if (payloadLength > MAX_FRAME_PAYLOAD) {
    throw new RangeError(
      `frame payload of ${payloadLength} bytes exceeds the ${MAX_FRAME_PAYLOAD}-byte (16 MiB) limit`,
    );
  }
}

/** Writes a frame header at offset 0 of `target`. */
export function writeFrameHeader(
  target: Uint8Array,
  opcode: FrameOpcode,
  payloadLength: number,
): void {
  target[0] = opcode;
  target[1] = payloadLength & 0xff;
  target[2] = (payloadLength >>> 8) & 0xff;
  target[3] = (payloadLength >>> 16) & 0xff;
  target[4] = payloadLength >>> 24;
}

/**
 * Allocates a frame for a payload of `payloadLength` bytes with the header already written;
 * the caller fills bytes `FRAME_HEADER_SIZE ..` in place (one allocation for header + payload).
 * Throws on an empty or oversized payload.
 */
export function allocateFrame(opcode: FrameOpcode, payloadLength: number): Uint8Array {
  if (!isFrameOpcode(opcode)) throw new RangeError(`invalid frame opcode ${String(opcode)}`);
  assertFramePayloadLength(payloadLength);
  const frame = new Uint8Array(FRAME_HEADER_SIZE + payloadLength);
  writeFrameHeader(frame, opcode, payloadLength);
  return frame;
}

/**
 * Frames `payload` (header + copy of the payload in a single allocation).
 * Throws on an invalid opcode, an empty payload or a payload above 16 MiB.
 */
export function encodeFrame(opcode: FrameOpcode, payload: Uint8Array): Uint8Array {
  const frame = allocateFrame(opcode, payload.length);
  frame.set(payload, FRAME_HEADER_SIZE);
  return frame;
}

/**
 * Frames a JSON message as a Text frame, encoding the string as UTF-8 straight into the frame.
 * Throws on an empty string or a payload above 16 MiB.
 */
export function encodeTextFrame(json: string): Uint8Array {
  const length = utf8ByteLength(json);
  const frame = allocateFrame(FrameOpcode.Text, length);
  writeUtf8(json, frame, FRAME_HEADER_SIZE);
  return frame;
}

/** Frames a binary protocol message (first byte = message opcode) as a Binary frame. */
export function encodeBinaryFrame(message: Uint8Array): Uint8Array {
  return encodeFrame(FrameOpcode.Binary, message);
}
