/**
 * Client → server binary messages (§7.5, §11.11 Ping/PingAck). Note the client MessageData
 * carries a u32 client channel id, unlike the server's u64.
 */

import { assertU32, assertU64, ByteReader, ByteWriter } from "./binary-io.js";
import { catchDecodeFailure, type ProtocolResult, throwDecode } from "./errors.js";
import {
  measureServiceCall,
  readServiceCall,
  type ServiceCallFields,
  writeServiceCall,
} from "./service-call.js";
import { encodeUtf8 } from "./utf8.js";

/** Client binary message opcodes. */
export const ClientBinaryOpcode = {
  MessageData: 0x01,
  ServiceCallRequest: 0x02,
  PlaybackControlRequest: 0x03,
  Ping: 0x04,
  PingAck: 0x05,
} as const;

/** Client MessageData (0x01): a message on a client-advertised channel. */
export interface ClientMessageData {
  readonly op: "messageData";
  /** u32 client channel id. */
  readonly channelId: number;
  /** Decoded values are views into the input buffer. */
  readonly data: Uint8Array;
}

/** ServiceCallRequest (0x02). */
export interface ServiceCallRequest extends ServiceCallFields {
  readonly op: "serviceCallRequest";
}

/** PlaybackControlRequest commands in wire order (0, 1). */
export const PLAYBACK_COMMANDS = ["play", "pause"] as const;
/** A playback command. */
export type PlaybackCommand = (typeof PLAYBACK_COMMANDS)[number];

/** PlaybackControlRequest (0x03, experimental). */
export interface PlaybackControlRequest {
  readonly op: "playbackControlRequest";
  readonly command: PlaybackCommand;
  /** f32 on the wire (encoding rounds to single precision). */
  readonly playbackSpeed: number;
  /** u64 nanoseconds; present only when the client seeked. */
  readonly seekTime?: bigint;
  readonly requestId: string;
}

/** Ping (0x04): at least 8 payload bytes, the first 8 an opaque app timestamp. */
export interface Ping {
  readonly op: "ping";
  /** The first 8 payload bytes as u64 LE (copied into the Pong). */
  readonly appTimestamp: bigint;
  /** Payload bytes after the timestamp (normally none), kept so decoding is lossless. */
  readonly trailer?: Uint8Array;
}

/** PingAck (0x05): echo of the Pong's device timestamp. */
export interface PingAck {
  readonly op: "pingAck";
  /** u64 milliseconds. */
  readonly deviceTimestamp: bigint;
}

/** Any client → server binary message, discriminated by `op`. */
export type ClientBinaryMessage =
  | ClientMessageData
  | ServiceCallRequest
  | PlaybackControlRequest
  | Ping
  | PingAck;

function encode(message: ClientBinaryMessage, framed: boolean): Uint8Array {
  switch (message.op) {
    case "messageData": {
      assertU32(message.channelId, "channelId");
      const w = new ByteWriter(5 + message.data.length, framed);
      w.u8(ClientBinaryOpcode.MessageData);
      w.u32(message.channelId);
      w.bytes(message.data);
      return w.finish();
    }
    case "serviceCallRequest": {
      const { size, encoding } = measureServiceCall(message);
      const w = new ByteWriter(1 + size, framed);
      w.u8(ClientBinaryOpcode.ServiceCallRequest);
      writeServiceCall(w, message, encoding);
      return w.finish();
    }
    case "playbackControlRequest": {
      const command = PLAYBACK_COMMANDS.indexOf(message.command);
      if (command < 0) throw new RangeError(`unknown playback command ${String(message.command)}`);
      if (message.seekTime !== undefined) assertU64(message.seekTime, "seekTime");
      const requestId = encodeUtf8(message.requestId);
      const w = new ByteWriter(19 + requestId.length, framed);
      w.u8(ClientBinaryOpcode.PlaybackControlRequest);
      w.u8(command);
      w.f32(message.playbackSpeed);
      w.u8(message.seekTime === undefined ? 0 : 1);
      // The seek time is always present on the wire; 0 when there was no seek.
      w.u64(message.seekTime ?? 0n);
      w.u32(requestId.length);
      w.bytes(requestId);
      return w.finish();
    }
    case "ping": {
      assertU64(message.appTimestamp, "appTimestamp");
      const trailer = message.trailer ?? new Uint8Array(0);
      const w = new ByteWriter(9 + trailer.length, framed);
      w.u8(ClientBinaryOpcode.Ping);
      w.u64(message.appTimestamp);
      w.bytes(trailer);
      return w.finish();
    }
    case "pingAck": {
      assertU64(message.deviceTimestamp, "deviceTimestamp");
      const w = new ByteWriter(9, framed);
      w.u8(ClientBinaryOpcode.PingAck);
      w.u64(message.deviceTimestamp);
      return w.finish();
    }
  }
}

/** Encodes a client binary message (opcode byte first). Throws on out-of-range fields. */
export function encodeClientBinary(message: ClientBinaryMessage): Uint8Array {
  return encode(message, false);
}

/** Encodes a client binary message directly as a complete Binary frame (one allocation). */
export function encodeClientBinaryFrame(message: ClientBinaryMessage): Uint8Array {
  return encode(message, true);
}

function decodeBody(opcode: number, r: ByteReader): ClientBinaryMessage {
  switch (opcode) {
    case ClientBinaryOpcode.MessageData: {
      r.require(4, "client MessageData");
      const channelId = r.u32();
      return { op: "messageData", channelId, data: r.rest() };
    }
    case ClientBinaryOpcode.ServiceCallRequest:
      return { op: "serviceCallRequest", ...readServiceCall(r, "ServiceCallRequest") };
    case ClientBinaryOpcode.PlaybackControlRequest: {
      r.require(18, "PlaybackControlRequest");
      const commandByte = r.u8();
      const command = PLAYBACK_COMMANDS[commandByte];
      if (command === undefined) {
        throwDecode("invalid-status", `invalid playback command ${commandByte}`);
      }
      const playbackSpeed = r.f32();
      const hadSeek = r.u8() !== 0;
      const seekTime = r.u64();
      const requestIdLength = r.u32();
      const requestId = r.utf8(requestIdLength, "PlaybackControlRequest request id");
      const request: PlaybackControlRequest = {
        op: "playbackControlRequest",
        command,
        playbackSpeed,
        requestId,
      };
      return hadSeek ? { ...request, seekTime } : request;
    }
    case ClientBinaryOpcode.Ping: {
      r.require(8, "Ping");
      const appTimestamp = r.u64();
      const trailer = r.rest();
      return trailer.length === 0
        ? { op: "ping", appTimestamp }
        : { op: "ping", appTimestamp, trailer };
    }
    case ClientBinaryOpcode.PingAck:
      r.require(8, "PingAck");
      return { op: "pingAck", deviceTimestamp: r.u64() };
    default:
      return throwDecode(
        "unknown-opcode",
        `unknown client binary opcode 0x${opcode.toString(16).padStart(2, "0")}`,
      );
  }
}

/**
 * Decodes a client → server binary message. Never throws: failures are `empty-binary-message`,
 * `unknown-opcode`, `buffer-too-short`, `invalid-status` or `invalid-utf8`. Byte fields of the
 * result are views into `bytes` (no copy).
 */
export function decodeClientBinary(bytes: Uint8Array): ProtocolResult<ClientBinaryMessage> {
  if (bytes.length === 0) {
    return { ok: false, error: { kind: "empty-binary-message", message: "empty binary message" } };
  }
  return catchDecodeFailure(() => decodeBody(bytes[0] as number, new ByteReader(bytes, 1)));
}
