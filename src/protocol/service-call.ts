/**
 * The layout shared by ServiceCallRequest (client 0x02) and ServiceCallResponse (server 0x03):
 * `serviceId u32 | callId u32 | encodingLength u32 | encoding UTF-8 | payload…`.
 */

import { assertU32, type ByteReader, type ByteWriter } from "./binary-io.js";
import { encodeUtf8 } from "./utf8.js";

/** Fields common to service call requests and responses. */
export interface ServiceCallFields {
  /** u32. */
  readonly serviceId: number;
  /** u32. */
  readonly callId: number;
  /** Message encoding of the payload (e.g. `json`). */
  readonly encoding: string;
  readonly payload: Uint8Array;
}

/** Validates a service call and returns its encoded size after the opcode, plus the encoding bytes. */
export function measureServiceCall(call: ServiceCallFields): {
  size: number;
  encoding: Uint8Array;
} {
  assertU32(call.serviceId, "serviceId");
  assertU32(call.callId, "callId");
  const encoding = encodeUtf8(call.encoding);
  return { size: 12 + encoding.length + call.payload.length, encoding };
}

/** Writes the service call body (after the opcode). */
export function writeServiceCall(
  writer: ByteWriter,
  call: ServiceCallFields,
  encoding: Uint8Array,
): void {
  writer.u32(call.serviceId);
  writer.u32(call.callId);
  writer.u32(encoding.length);
  writer.bytes(encoding);
  writer.bytes(call.payload);
}

/** Reads the service call body (after the opcode); throws DecodeFailure on bad input. */
export function readServiceCall(reader: ByteReader, what: string): ServiceCallFields {
  reader.require(12, what);
  const serviceId = reader.u32();
  const callId = reader.u32();
  const encodingLength = reader.u32();
  const encoding = reader.utf8(encodingLength, `${what} encoding`);
  return { serviceId, callId, encoding, payload: reader.rest() };
}
