/**
 * Server → client binary messages (§7.3, §11.11 Pong). The first byte is the message opcode;
 * the opcode space is separate from the client's.
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

/** Server binary message opcodes. */
export const ServerBinaryOpcode = {
  MessageData: 0x01,
  Time: 0x02,
  ServiceCallResponse: 0x03,
  FetchAssetResponse: 0x04,
  PlaybackState: 0x05,
  Pong: 0x06,
} as const;

/** MessageData (0x01): one logged message of one channel. */
export interface ServerMessageData {
  readonly op: "messageData";
  /** u64 channel id. */
  readonly channelId: bigint;
  /** u64 log time, nanoseconds since the Unix epoch. */
  readonly logTime: bigint;
  /** The message exactly as logged. Decoded values are views into the input buffer. */
  readonly data: Uint8Array;
}

/** Time (0x02): the server's current time. */
export interface ServerTime {
  readonly op: "time";
  /** u64 nanoseconds. */
  readonly timestamp: bigint;
}

/** ServiceCallResponse (0x03). */
export interface ServiceCallResponse extends ServiceCallFields {
  readonly op: "serviceCallResponse";
}

/** FetchAssetResponse (0x04): asset data on success, a message on error. */
export type FetchAssetResponse =
  | {
      readonly op: "fetchAssetResponse";
      /** u32. */
      readonly requestId: number;
      readonly status: "success";
      readonly data: Uint8Array;
    }
  | {
      readonly op: "fetchAssetResponse";
      /** u32. */
      readonly requestId: number;
      readonly status: "error";
      readonly errorMessage: string;
    };

/** Playback status values of PlaybackState, in wire order (0..3). */
export const PLAYBACK_STATUSES = ["playing", "paused", "buffering", "ended"] as const;
/** A playback status. */
export type PlaybackStatus = (typeof PLAYBACK_STATUSES)[number];

/** PlaybackState (0x05, experimental). */
export interface PlaybackState {
  readonly op: "playbackState";
  readonly status: PlaybackStatus;
  /** u64 nanoseconds. */
  readonly currentTime: bigint;
  /** f32 on the wire (encoding rounds to single precision). */
  readonly playbackSpeed: number;
  readonly didSeek: boolean;
  /** Absent (or `""`, which encodes the same) means "no request id". */
  readonly requestId?: string;
}

/** Pong (0x06): answer to a client Ping. */
export interface Pong {
  readonly op: "pong";
  /** The ping's first 8 bytes, read as u64 LE (opaque to the server). */
  readonly appTimestamp: bigint;
  /** Device time in milliseconds since the Unix epoch. */
  readonly deviceTimeMs: bigint;
}

/** Any server → client binary message, discriminated by `op`. */
export type ServerBinaryMessage =
  | ServerMessageData
  | ServerTime
  | ServiceCallResponse
  | FetchAssetResponse
  | PlaybackState
  | Pong;

function encode(message: ServerBinaryMessage, framed: boolean): Uint8Array {
  switch (message.op) {
    case "messageData": {
      assertU64(message.channelId, "channelId");
      assertU64(message.logTime, "logTime");
      const w = new ByteWriter(17 + message.data.length, framed);
      w.u8(ServerBinaryOpcode.MessageData);
      w.u64(message.channelId);
      w.u64(message.logTime);
      w.bytes(message.data);
      return w.finish();
    }
    case "time": {
      assertU64(message.timestamp, "timestamp");
      const w = new ByteWriter(9, framed);
      w.u8(ServerBinaryOpcode.Time);
      w.u64(message.timestamp);
      return w.finish();
    }
    case "serviceCallResponse": {
      const { size, encoding } = measureServiceCall(message);
      const w = new ByteWriter(1 + size, framed);
      w.u8(ServerBinaryOpcode.ServiceCallResponse);
      writeServiceCall(w, message, encoding);
      return w.finish();
    }
    case "fetchAssetResponse": {
      assertU32(message.requestId, "requestId");
      const isError = message.status === "error";
      const body = isError ? encodeUtf8(message.errorMessage) : message.data;
      const w = new ByteWriter(10 + body.length, framed);
      w.u8(ServerBinaryOpcode.FetchAssetResponse);
      w.u32(message.requestId);
      w.u8(isError ? 1 : 0);
      w.u32(isError ? body.length : 0);
      w.bytes(body);
      return w.finish();
    }
    case "playbackState": {
      assertU64(message.currentTime, "currentTime");
      const status = PLAYBACK_STATUSES.indexOf(message.status);
      if (status < 0) throw new RangeError(`unknown playback status ${String(message.status)}`);
      const requestId = encodeUtf8(message.requestId ?? "");
      const w = new ByteWriter(19 + requestId.length, framed);
      w.u8(ServerBinaryOpcode.PlaybackState);
      w.u8(status);
      w.u64(message.currentTime);
      w.f32(message.playbackSpeed);
      w.u8(message.didSeek ? 1 : 0);
      w.u32(requestId.length);
      w.bytes(requestId);
      return w.finish();
    }
    case "pong": {
      assertU64(message.appTimestamp, "appTimestamp");
      assertU64(message.deviceTimeMs, "deviceTimeMs");
      const w = new ByteWriter(17, framed);
      w.u8(ServerBinaryOpcode.Pong);
      w.u64(message.appTimestamp);
      w.u64(message.deviceTimeMs);
      return w.finish();
    }
  }
}

/** Encodes a server binary message (opcode byte first). Throws on out-of-range fields. */
export function encodeServerBinary(message: ServerBinaryMessage): Uint8Array {
  return encode(message, false);
}

/**
 * Encodes a server binary message directly as a complete Binary frame (header and message in
 * one allocation). Throws on out-of-range fields or a message above 16 MiB.
 */
export function encodeServerBinaryFrame(message: ServerBinaryMessage): Uint8Array {
  return encode(message, true);
}

function decodeBody(opcode: number, r: ByteReader): ServerBinaryMessage {
  switch (opcode) {
    case ServerBinaryOpcode.MessageData: {
      r.require(16, "MessageData");
      const channelId = r.u64();
      const logTime = r.u64();
      return { op: "messageData", channelId, logTime, data: r.rest() };
    }
    case ServerBinaryOpcode.Time:
      r.require(8, "Time");
      return { op: "time", timestamp: r.u64() };
    case ServerBinaryOpcode.ServiceCallResponse:
      return { op: "serviceCallResponse", ...readServiceCall(r, "ServiceCallResponse") };
    case ServerBinaryOpcode.FetchAssetResponse: {
      r.require(9, "FetchAssetResponse");
      const requestId = r.u32();
      const status = r.u8();
      if (status > 1) throwDecode("invalid-status", `invalid fetch asset status ${status}`);
      const messageLength = r.u32();
      r.require(messageLength, "FetchAssetResponse error message");
      if (status === 0) {
        // The reference skips (without validating) any message bytes on success.
        r.skip(messageLength);
        return { op: "fetchAssetResponse", requestId, status: "success", data: r.rest() };
      }
      const errorMessage = r.utf8(messageLength, "FetchAssetResponse error message");
      return { op: "fetchAssetResponse", requestId, status: "error", errorMessage };
    }
    case ServerBinaryOpcode.PlaybackState: {
      r.require(18, "PlaybackState");
      const statusByte = r.u8();
      const status = PLAYBACK_STATUSES[statusByte];
      if (status === undefined)
        throwDecode("invalid-status", `invalid playback status ${statusByte}`);
      const currentTime = r.u64();
      const playbackSpeed = r.f32();
      const didSeek = r.u8() !== 0;
      const requestIdLength = r.u32();
      const requestId = r.utf8(requestIdLength, "PlaybackState request id");
      const state: PlaybackState = {
        op: "playbackState",
        status,
        currentTime,
        playbackSpeed,
        didSeek,
      };
      return requestIdLength === 0 ? state : { ...state, requestId };
    }
    case ServerBinaryOpcode.Pong: {
      r.require(16, "Pong");
      const appTimestamp = r.u64();
      return { op: "pong", appTimestamp, deviceTimeMs: r.u64() };
    }
    default:
      return throwDecode(
        "unknown-opcode",
        `unknown server binary opcode 0x${opcode.toString(16).padStart(2, "0")}`,
      );
  }
}

/**
 * Decodes a server → client binary message. Never throws: failures are `empty-binary-message`,
 * `unknown-opcode`, `buffer-too-short`, `invalid-status` or `invalid-utf8`. Byte fields of the
 * result are views into `bytes` (no copy). Bytes beyond a fixed-size layout are ignored.
 */
export function decodeServerBinary(bytes: Uint8Array): ProtocolResult<ServerBinaryMessage> {
  if (bytes.length === 0) {
    return { ok: false, error: { kind: "empty-binary-message", message: "empty binary message" } };
  }
  return catchDecodeFailure(() => decodeBody(bytes[0] as number, new ByteReader(bytes, 1)));
}
