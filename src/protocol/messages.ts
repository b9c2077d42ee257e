/**
 * Message-level decoding on top of frames (§6.6): per frame, opcode → UTF-8 (text only) →
 * parse. A message that fails to decode is skipped and reading continues; only the frame
 * reader's final events end a stream.
 */

import {
  type ClientBinaryMessage,
  decodeClientBinary,
  encodeClientBinaryFrame,
} from "./client-binary.js";
import { type ClientJsonMessage, decodeClientJson, encodeClientJsonFrame } from "./client-json.js";
import type { ProtocolError, ProtocolResult } from "./errors.js";
import { type FinalStreamEvent, readFrames } from "./frame-reader.js";
import { type Frame, FrameOpcode } from "./framing.js";
import { decodeServerBinary, type ServerBinaryMessage } from "./server-binary.js";
import { decodeServerJson, type ServerJsonMessage } from "./server-json.js";

/** Any client → server message (JSON in Text frames, binary in Binary frames). */
export type ClientMessage = ClientJsonMessage | ClientBinaryMessage;

/** Any server → client message (JSON in Text frames, binary in Binary frames). */
export type ServerMessage = ServerJsonMessage | ServerBinaryMessage;

/** A decoded message; keep reading. */
export interface MessageReadEvent<M> {
  readonly kind: "message";
  readonly message: M;
}

/**
 * A frame whose payload did not decode (`invalid-utf8`, `invalid-json`, `unknown-op`,
 * `missing-field`, `invalid-field`, `empty-binary-message`, `unknown-opcode`,
 * `buffer-too-short`, `invalid-status`): log it and keep reading.
 */
export interface MessageSkipEvent {
  readonly kind: "skip";
  readonly error: ProtocolError;
  /** The frame that was skipped (for logging). */
  readonly frame: Frame;
}

/** Everything a message reader reports: `message`/`skip` continue, the rest are final. */
export type StreamEvent<M> = MessageReadEvent<M> | MessageSkipEvent | FinalStreamEvent;

/** Encodes any client message as a frame: binary messages in a Binary frame, the others as JSON text. */
export function encodeClientFrame(message: ClientMessage): Uint8Array {
  switch (message.op) {
    case "messageData":
    case "serviceCallRequest":
    case "playbackControlRequest":
    case "ping":
    case "pingAck":
      return encodeClientBinaryFrame(message);
    default:
      return encodeClientJsonFrame(message);
  }
}

/** Decodes a frame's payload as a client message (Text → JSON, Binary → binary). Never throws. */
export function decodeClientFrame(frame: Frame): ProtocolResult<ClientMessage> {
  return frame.opcode === FrameOpcode.Text
    ? decodeClientJson(frame.payload)
    : decodeClientBinary(frame.payload);
}

/** Decodes a frame's payload as a server message (Text → JSON, Binary → binary). Never throws. */
export function decodeServerFrame(frame: Frame): ProtocolResult<ServerMessage> {
  return frame.opcode === FrameOpcode.Text
    ? decodeServerJson(frame.payload)
    : decodeServerBinary(frame.payload);
}

/**
 * Reads a byte source as a sequence of messages decoded with `decode`: yields `message` and
 * `skip` events, then exactly one final event (`end`, `truncated` or `stop`). Never throws for
 * bad input or a failing source.
 */
export async function* readMessages<M>(
  source: AsyncIterable<Uint8Array>,
  decode: (frame: Frame) => ProtocolResult<M>,
): AsyncGenerator<StreamEvent<M>> {
  for await (const event of readFrames(source)) {
    if (event.kind !== "frame") {
      yield event;
      return;
    }
    const result = decode(event.frame);
    yield result.ok
      ? { kind: "message", message: result.value }
      : { kind: "skip", error: result.error, frame: event.frame };
  }
}

/** Reads client → server messages from an incoming byte stream (what the gateway does). */
export function readClientMessages(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<StreamEvent<ClientMessage>> {
  return readMessages(source, decodeClientFrame);
}

/** Reads server → client messages from a byte stream (what a viewer does). */
export function readServerMessages(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<StreamEvent<ServerMessage>> {
  return readMessages(source, decodeServerFrame);
}
