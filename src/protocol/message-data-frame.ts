/**
 * Hot path: the complete Binary frame of a server MessageData, built for every logged message
 * (§8.8): `02 | len u32 | 01 | channelId u64 | logTime u64 | payload`.
 *
 * One allocation and one payload copy per call. Integers are written byte by byte (the u64 log
 * time through a reusable 8-byte scratch) because creating a DataView per call was measured at
 * ~4x the cost of the whole encode for small messages.
 */

import { U64_MAX } from "./binary-io.js";
import { FRAME_HEADER_SIZE, FrameOpcode, MAX_FRAME_PAYLOAD } from "./framing.js";
import { ServerBinaryOpcode } from "./server-binary.js";

/** Bytes of a MessageData before its payload: opcode + channel id + log time. */
export const MESSAGE_DATA_HEADER_SIZE = 17;

/** Largest logged payload that still fits one frame (16 MiB minus the MessageData header). */
export const MAX_MESSAGE_DATA_PAYLOAD = MAX_FRAME_PAYLOAD - MESSAGE_DATA_HEADER_SIZE;

/** Size of a complete MessageData frame for a payload of `payloadLength` bytes. */
export function messageDataFrameSize(payloadLength: number): number {
  return FRAME_HEADER_SIZE + MESSAGE_DATA_HEADER_SIZE + payloadLength;
}

const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);
const TWO_32 = 0x1_0000_0000;

function writeU32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value & 0xff;
  target[offset + 1] = (value >>> 8) & 0xff;
  target[offset + 2] = (value >>> 16) & 0xff;
  target[offset + 3] = value >>> 24;
}

function writeBigU64(target: Uint8Array, offset: number, value: bigint): void {
  scratch.setBigUint64(0, value, true);
  target[offset] = scratchBytes[0] as number;
  target[offset + 1] = scratchBytes[1] as number;
  target[offset + 2] = scratchBytes[2] as number;
  target[offset + 3] = scratchBytes[3] as number;
  target[offset + 4] = scratchBytes[4] as number;
  target[offset + 5] = scratchBytes[5] as number;
  target[offset + 6] = scratchBytes[6] as number;
  target[offset + 7] = scratchBytes[7] as number;
}

/**
 * Encodes a server MessageData as a complete Binary frame ready to write to a `ch-<id>` stream.
 *
 * @param channelId channel id: a non-negative safe integer, or a u64 bigint
 * @param logTime log time in nanoseconds since the Unix epoch (u64 bigint)
 * @param payload the message bytes exactly as logged (copied once)
 * @throws RangeError for an out-of-range id or time, or a payload above
 *   {@link MAX_MESSAGE_DATA_PAYLOAD} (the frame would exceed 16 MiB)
 */
export function encodeServerMessageDataFrame(
  channelId: number | bigint,
  logTime: bigint,
  payload: Uint8Array,
): Uint8Array {
  const payloadLength = payload.length;
  if (payloadLength > MAX_MESSAGE_DATA_PAYLOAD) {
    throw new RangeError(
      `MessageData payload of ${payloadLength} bytes exceeds ${MAX_MESSAGE_DATA_PAYLOAD} (16 MiB frame limit)`,
    );
  }
  if (typeof logTime !== "bigint" || logTime < 0n || logTime > U64_MAX) {
    throw new RangeError(`logTime must be a u64 bigint, got ${String(logTime)}`);
  }
  const messageLength = MESSAGE_DATA_HEADER_SIZE + payloadLength;
  const frame = new Uint8Array(FRAME_HEADER_SIZE + messageLength);
  frame[0] = FrameOpcode.Binary;
  writeU32(frame, 1, messageLength);
  frame[5] = ServerBinaryOpcode.MessageData;
  if (typeof channelId === "number") {
    if (!Number.isSafeInteger(channelId) || channelId < 0) {
      throw new RangeError(`channelId must be a non-negative safe integer, got ${channelId}`);
    }
    const low = channelId % TWO_32;
    writeU32(frame, 6, low);
    writeU32(frame, 10, (channelId - low) / TWO_32);
  } else {
    if (typeof channelId !== "bigint" || channelId < 0n || channelId > U64_MAX) {
      throw new RangeError(`channelId must be a u64, got ${String(channelId)}`);
    }
    writeBigU64(frame, 6, channelId);
  }
  writeBigU64(frame, 14, logTime);
  frame.set(payload, FRAME_HEADER_SIZE + MESSAGE_DATA_HEADER_SIZE);
  return frame;
}
