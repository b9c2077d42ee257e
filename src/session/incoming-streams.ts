import { type ClientMessage, readClientMessages } from "../protocol/index.js";
import type { SessionLog } from "./session-log.js";

/**
 * Incoming streams read at once per viewer. Each may buffer one frame of up to 16 MiB, and rtc-node
 * buffers a stream's data whether or not it is read: more are cancelled, which bounds both.
 */
export const MAX_STREAMS_PER_VIEWER = 8;

/**
 * Reads what viewers send on their control streams (spec 6.6): messages are decoded and handed
 * on; bad messages are skipped, bad frames end their stream, a stream from someone not served is
 * abandoned, and at most {@link MAX_STREAMS_PER_VIEWER} streams per viewer are read at once.
 */
export class IncomingStreams {
  readonly #reading = new Map<string, number>();

  constructor(
    private readonly options: {
      log: SessionLog;
      /** Handles a message; false when `from` is not served (its stream is then abandoned). */
      deliver: (from: string, message: ClientMessage) => boolean;
      /** True once the session is over: reading stops. */
      closed: () => boolean;
    },
  ) {}

  async read(reader: AsyncIterable<Uint8Array>, from: string): Promise<void> {
    const { log } = this.options;
    const reading = this.#reading.get(from) ?? 0;
    if (reading >= MAX_STREAMS_PER_VIEWER) {
      log.warn(`${from} has ${reading} streams open already: ignoring one more`);
      await reader[Symbol.asyncIterator]().return?.();
      return;
    }
    this.#reading.set(from, reading + 1);
    try {
      for await (const event of readClientMessages(reader)) {
        if (this.options.closed()) return;
        if (event.kind === "skip") {
          log.debug(`skipped a message from ${from}: ${event.error.message}`);
          continue;
        }
        if (event.kind !== "message") {
          if (event.kind === "stop")
            log.warn(`stopped reading a stream from ${from}: ${event.error.message}`);
          return;
        }
        if (!this.options.deliver(from, event.message)) {
          log.warn(`stopped reading a stream from ${from}: not a known viewer`);
          return;
        }
      }
    } finally {
      const left = (this.#reading.get(from) ?? 1) - 1;
      if (left) this.#reading.set(from, left);
      else this.#reading.delete(from);
    }
  }
}
