/**
 * Streaming frame reader (§6.4, §6.6). Byte-stream chunks arrive with boundaries unrelated to
 * frames; this reassembles them without re-concatenating the buffer on every chunk: it keeps a
 * 5-byte header buffer and at most one payload buffer, allocated only once the declared length
 * is known and accepted (<= 16 MiB). Memory is therefore bounded by one frame plus the chunk
 * being processed.
 */

import type { ProtocolError } from "./errors.js";
import { FRAME_HEADER_SIZE, type Frame, isFrameOpcode, MAX_FRAME_PAYLOAD } from "./framing.js";

/** A complete frame was read; keep reading. */
export interface FrameReadEvent {
  readonly kind: "frame";
  readonly frame: Frame;
}

/** Final: the stream ended cleanly between frames. */
export interface StreamEndEvent {
  readonly kind: "end";
}

/**
 * Final: the stream ended inside a header or payload. The reference stops silently; this is
 * reported separately so callers can tell it from a clean end (e.g. for debug logs).
 */
export interface StreamTruncatedEvent {
  readonly kind: "truncated";
  /** Bytes of the unfinished frame (header included) that had arrived. */
  readonly receivedBytes: number;
  /** Bytes of the unfinished frame (header included) that were needed: 5 while in the header. */
  readonly expectedBytes: number;
}

/**
 * Final: stop reading this stream. `error.kind` is `frame-too-large` (declared length above
 * 16 MiB), `invalid-frame-opcode` (not Text/Binary) or `read-error` (the source threw).
 */
export interface StreamStopEvent {
  readonly kind: "stop";
  readonly error: ProtocolError;
}

/** Events after which no more events follow for the stream. */
export type FinalStreamEvent = StreamEndEvent | StreamTruncatedEvent | StreamStopEvent;

/** Everything the frame reader reports. */
export type FrameEvent = FrameReadEvent | FinalStreamEvent;

/** True for `end`, `truncated` and `stop`: nothing more will be read from the stream. */
export function isFinalEvent(event: { readonly kind: string }): event is FinalStreamEvent {
  return event.kind === "end" || event.kind === "truncated" || event.kind === "stop";
}

/**
 * Push-based reassembler: feed chunks in order with {@link FrameReader.push}, then call
 * {@link FrameReader.end} when the stream ends.
 */
/** The first buffer for a frame split across chunks; it doubles as more of the frame arrives. */
const INITIAL_PAYLOAD_BUFFER = 64 * 1024;

export class FrameReader {
  private readonly header = new Uint8Array(FRAME_HEADER_SIZE);
  private headerFilled = 0;
  private opcode: Frame["opcode"] = 1;
  private payload: Uint8Array | undefined;
  private payloadFilled = 0;
  /** The declared length of the payload being filled (the buffer grows towards it). */
  private payloadExpected = 0;
  private stopEvent: StreamStopEvent | undefined;
  private ended = false;

  /** The stop event, once the reader has given up on the stream. */
  get stopped(): StreamStopEvent | undefined {
    return this.stopEvent;
  }

  /**
   * Consumes one chunk and returns the frames it completed, in order; if the stream must be
   * abandoned, the last element is a `stop` event and later pushes return nothing.
   * The chunk is not retained: frame payloads are copies.
   */
  push(chunk: Uint8Array): Array<FrameReadEvent | StreamStopEvent> {
    if (this.ended) throw new Error("FrameReader.push() called after end()");
    const events: Array<FrameReadEvent | StreamStopEvent> = [];
    if (this.stopEvent !== undefined) return events;
    const length = chunk.length;
    let pos = 0;
    while (pos < length) {
      if (this.payload !== undefined) {
        const take = Math.min(this.payloadExpected - this.payloadFilled, length - pos);
        const payload = this.reserve(this.payloadFilled + take);
        payload.set(chunk.subarray(pos, pos + take), this.payloadFilled);
        this.payloadFilled += take;
        pos += take;
        if (this.payloadFilled === this.payloadExpected) {
          events.push({ kind: "frame", frame: { opcode: this.opcode, payload } });
          this.payload = undefined;
          this.payloadFilled = 0;
        }
        continue;
      }

      // Reading a header, directly from the chunk when it is all there.
      let opcode: number;
      let declared: number;
      if (this.headerFilled === 0 && length - pos >= FRAME_HEADER_SIZE) {
        opcode = chunk[pos] as number;
        declared = readU32(chunk, pos + 1);
        pos += FRAME_HEADER_SIZE;
      } else {
        const take = Math.min(FRAME_HEADER_SIZE - this.headerFilled, length - pos);
        this.header.set(chunk.subarray(pos, pos + take), this.headerFilled);
        this.headerFilled += take;
        pos += take;
        if (this.headerFilled < FRAME_HEADER_SIZE) break;
        this.headerFilled = 0;
        opcode = this.header[0] as number;
        declared = readU32(this.header, 1);
      }

      // Same order as the reference: length limit first, then the opcode. The opcode is checked
      // before buffering the payload (the reference reads it first; both abandon the stream).
      if (declared > MAX_FRAME_PAYLOAD) {
        return this.stop(events, {
          kind: "frame-too-large",
          message: `frame declares ${declared} payload bytes, above the ${MAX_FRAME_PAYLOAD}-byte limit`,
        });
      }
      if (!isFrameOpcode(opcode)) {
        return this.stop(events, {
          kind: "invalid-frame-opcode",
          message: `unknown frame opcode ${opcode} (expected 1 = Text or 2 = Binary)`,
        });
      }
      if (length - pos >= declared) {
        // The whole payload is in this chunk: one copy, no intermediate buffer.
        events.push({
          kind: "frame",
          frame: { opcode, payload: chunk.slice(pos, pos + declared) },
        });
        pos += declared;
      } else {
        this.opcode = opcode;
        this.payloadExpected = declared;
        this.payload = new Uint8Array(
          Math.min(declared, Math.max(INITIAL_PAYLOAD_BUFFER, length - pos)),
        );
        this.payloadFilled = 0;
      }
    }
    return events;
  }

  /** Signals the end of the stream: `end` between frames, `truncated` inside one. */
  end(): FinalStreamEvent {
    this.ended = true;
    if (this.stopEvent !== undefined) return this.stopEvent;
    if (this.payload !== undefined) {
      return {
        kind: "truncated",
        receivedBytes: FRAME_HEADER_SIZE + this.payloadFilled,
        expectedBytes: FRAME_HEADER_SIZE + this.payloadExpected,
      };
    }
    if (this.headerFilled > 0) {
      return {
        kind: "truncated",
        receivedBytes: this.headerFilled,
        expectedBytes: FRAME_HEADER_SIZE,
      };
    }
    return { kind: "end" };
  }

  /**
   * The payload buffer, grown (doubling, up to the declared length) to hold `size` bytes. Memory
   * follows what the peer actually sent, not what its header claims.
   */
  private reserve(size: number): Uint8Array {
    const current = this.payload as Uint8Array;
    if (size <= current.length) return current;
    const grown = new Uint8Array(
      Math.min(this.payloadExpected, Math.max(size, current.length * 2)),
    );
    grown.set(current.subarray(0, this.payloadFilled));
    this.payload = grown;
    return grown;
  }

  private stop(
    events: Array<FrameReadEvent | StreamStopEvent>,
    error: ProtocolError,
  ): Array<FrameReadEvent | StreamStopEvent> {
    this.stopEvent = { kind: "stop", error };
    this.payload = undefined;
    events.push(this.stopEvent);
    return events;
  }
}

function readU32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] as number) |
      ((bytes[offset + 1] as number) << 8) |
      ((bytes[offset + 2] as number) << 16) |
      ((bytes[offset + 3] as number) << 24)) >>>
    0
  );
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads frames from an async byte source (e.g. a LiveKit byte-stream reader). Yields `frame`
 * events, then exactly one final event (`end`, `truncated` or `stop`), and never throws for
 * the source's failures: a throwing source yields `stop` with a `read-error`. On `stop`, or
 * when the consumer stops iterating, the source iterator is closed (`return()`).
 */
export async function* readFrames(source: AsyncIterable<Uint8Array>): AsyncGenerator<FrameEvent> {
  const reader = new FrameReader();
  const iterator = source[Symbol.asyncIterator]();
  let sourceDone = false;
  try {
    for (;;) {
      let result: IteratorResult<Uint8Array>;
      try {
        result = await iterator.next();
      } catch (error) {
        sourceDone = true;
        yield {
          kind: "stop",
          error: {
            kind: "read-error",
            message: `stream read failed: ${describeError(error)}`,
            cause: error,
          },
        };
        return;
      }
      if (result.done === true) {
        sourceDone = true;
        break;
      }
      for (const event of reader.push(result.value)) {
        yield event;
        if (event.kind === "stop") return;
      }
    }
  } finally {
    if (!sourceDone) {
      try {
        await iterator.return?.();
      } catch {
        // Closing an abandoned source is best effort; its failure changes nothing for us.
      }
    }
  }
  yield reader.end();
}
