/**
 * The receiving end of every throughput and latency measurement, identical for the gateway path
 * and for the raw rtc-node path: each incoming byte stream is decoded with the protocol's own
 * reader (`readServerMessages`, what a viewer runs), and every MessageData is counted and checked.
 */
import { hrtime } from "node:process";
import { readServerMessages, type ServerMessageData } from "../src/protocol/index.js";

/** Called with each MessageData and the monotonic time (ns) at which it was decoded. */
export type OnMessage = (message: ServerMessageData, receivedAt: bigint) => void;

/**
 * Counts what arrives on one logical flow of messages and checks its order: every payload carries
 * its sequence number in its first 4 bytes (little-endian), and they must arrive as 0, 1, 2, ...
 * since the last `reset()`.
 */
export class DeliveryCounter {
  messages = 0;
  payloadBytes = 0;
  /** `hrtime.bigint()` when the last message was decoded; 0n before any. */
  lastAt = 0n;
  /** Messages whose sequence number was not the next one expected. */
  outOfOrder = 0;
  /** Frames that were not a MessageData, or did not decode. */
  unexpected = 0;
  /** Incoming streams still being read (not reset: it tracks streams, not a flow). */
  readonly streams = new OpenStreams();
  #nextSequence = 0;
  #checkSequence: boolean;
  #onMessage: OnMessage | undefined;

  /** @param checkSequence whether payloads carry a sequence number to check (not for latency). */
  constructor(checkSequence = true) {
    this.#checkSequence = checkSequence;
  }

  /** Starts a new flow: counters to zero, next expected sequence number 0. */
  reset(onMessage?: OnMessage): void {
    this.messages = 0;
    this.payloadBytes = 0;
    this.lastAt = 0n;
    this.outOfOrder = 0;
    this.unexpected = 0;
    this.#nextSequence = 0;
    this.#onMessage = onMessage;
  }

  /** Records one decoded MessageData. */
  record(message: ServerMessageData, receivedAt: bigint): void {
    this.messages++;
    this.payloadBytes += message.data.length;
    this.lastAt = receivedAt;
    if (this.#checkSequence) {
      if (readSequence(message.data) !== this.#nextSequence) this.outOfOrder++;
      this.#nextSequence++;
    }
    this.#onMessage?.(message, receivedAt);
  }
}

/**
 * Decodes one incoming byte stream into `counter` until the stream ends.
 *
 * @example
 * room.onByteStream("ch-1", (reader) => void consume(reader, counter));
 */
export async function consume(
  reader: AsyncIterable<Uint8Array>,
  counter: DeliveryCounter,
): Promise<void> {
  counter.streams.add(reader);
  try {
    for await (const event of readServerMessages(reader)) {
      if (event.kind === "message" && event.message.op === "messageData") {
        counter.record(event.message, hrtime.bigint());
      } else if (event.kind === "message" || event.kind === "skip") {
        counter.unexpected++;
      }
    }
  } finally {
    counter.streams.delete(reader);
  }
}

/**
 * Incoming streams being read. A stream still open when its room leaves makes rtc-node log an
 * error to stdout; closing the readers first ends them quietly (rtc-node's reader `close()`
 * cancels a pending read, which then reports the end of the stream).
 */
export class OpenStreams {
  readonly #readers = new Set<AsyncIterable<Uint8Array>>();

  get size(): number {
    return this.#readers.size;
  }

  add(reader: AsyncIterable<Uint8Array>): void {
    this.#readers.add(reader);
  }

  delete(reader: AsyncIterable<Uint8Array>): void {
    this.#readers.delete(reader);
  }

  /** Stops reading every open stream; never rejects. */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.#readers].map(async (reader) => {
        // The adapter types readers as plain async iterables; rtc-node's have a close().
        await (reader as { close?: () => Promise<void> }).close?.().catch(() => {});
      }),
    );
  }
}

/**
 * `count` distinct payloads of `size` bytes, payload `i` starting with `i` as a u32 LE so that the
 * receiver can check order and completeness. Built once, outside any timed section.
 */
export function numberedPayloads(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const payload = new Uint8Array(size).fill(0xa5);
    new DataView(payload.buffer).setUint32(0, i, true);
    return payload;
  });
}

function readSequence(data: Uint8Array): number {
  if (data.length < 4) return -1;
  return new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
}
