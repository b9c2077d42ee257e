import type { Subscriber } from "./channel.js";
import type { ChannelDescriptor } from "./channel-descriptor.js";
import type { Sink } from "./sink.js";
import type { SinkErrorHandler } from "./sink-error.js";

/**
 * A sink as the context holds it: every call into the sink is guarded, so that a throwing sink
 * cannot break the app that logged or the other sinks, and nothing reaches a removed sink even if
 * it was removed in the middle of a loop over a snapshot that still lists it.
 */
export class AttachedSink implements Subscriber {
  readonly sink: Sink;
  /** Ids of the channels this sink is subscribed to; maintained by the context. */
  readonly subscribed = new Set<number>();
  #removed = false;
  readonly #report: SinkErrorHandler;

  /**
   * @example
   * const attached = new AttachedSink(sink, (error) => console.error(error));
   */
  constructor(sink: Sink, report: SinkErrorHandler) {
    this.sink = sink;
    this.#report = report;
  }

  /** True once `SinkConnection.remove()` was called. */
  get removed(): boolean {
    return this.#removed;
  }

  /**
   * From now on every call is dropped.
   *
   * @example
   * attached.markRemoved();
   */
  markRemoved(): void {
    this.#removed = true;
  }

  /**
   * Forwards to the sink, catching what it throws.
   *
   * @example
   * attached.addChannels([channel]);
   */
  addChannels(channels: readonly ChannelDescriptor[]): void {
    if (this.#removed) return;
    try {
      this.sink.addChannels(channels);
    } catch (error) {
      this.#report(error, this.sink, "addChannels");
    }
  }

  /**
   * Forwards to the sink, catching what it throws.
   *
   * @example
   * attached.removeChannel(channel);
   */
  removeChannel(channel: ChannelDescriptor): void {
    if (this.#removed) return;
    try {
      this.sink.removeChannel(channel);
    } catch (error) {
      this.#report(error, this.sink, "removeChannel");
    }
  }

  /**
   * Forwards to the sink, catching what it throws.
   *
   * @example
   * attached.log(channel, payload, 1234n);
   */
  log(channel: ChannelDescriptor, payload: Uint8Array, logTime: bigint): void {
    if (this.#removed) return;
    try {
      this.sink.log(channel, payload, logTime);
    } catch (error) {
      this.#report(error, this.sink, "log");
    }
  }
}
