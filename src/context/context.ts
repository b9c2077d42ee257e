import { AttachedSink } from "./attached-sink.js";
import { Channel, type ChannelOptions, type ChannelOwner, type Subscriber } from "./channel.js";
import type { Sink, SinkConnection } from "./sink.js";
import { type SinkErrorHandler, warnOnce } from "./sink-error.js";

/** Options of `new Context()`. */
export interface ContextOptions {
  /** Told about errors thrown by sinks (already caught). Default: one `console.warn`, then quiet. */
  onSinkError?: SinkErrorHandler;
}

/** What the context knows about one open channel. */
interface ChannelRecord {
  readonly channel: Channel;
  /** The truth; the channel holds the same array, pushed to it through `setSubscribers`. */
  subscribers: readonly AttachedSink[];
  readonly setSubscribers: (subscribers: readonly Subscriber[]) => void;
}

const NO_SINKS: readonly AttachedSink[] = Object.freeze([]);

let defaultInstance: Context | undefined;

/**
 * A registry of channels and sinks (spec 8.1): apps create channels and log to them; sinks (such
 * as a remote-access session) learn about channels and subscribe to the ones they want.
 *
 * @example
 * const context = new Context();
 * const channel = context.createChannel({ topic: "/hello", messageEncoding: "json" });
 * const connection = context.addSink(mySink); // mySink.addChannels([channel])
 * connection.subscribe([channel.id]);
 * channel.log({ hello: "world" }); // mySink.log(channel, bytes, logTime)
 */
export class Context {
  /**
   * The process-wide context, created on first use. Same as `defaultContext()`.
   *
   * @example
   * Context.default.createChannel({ topic: "/t", messageEncoding: "json" });
   */
  static get default(): Context {
    return defaultContext();
  }

  #nextChannelId = 1;
  readonly #channels = new Map<number, ChannelRecord>();
  // Copy-on-write, so loops over the sinks see a snapshot when a callback adds or removes a sink.
  #sinks: readonly AttachedSink[] = NO_SINKS;
  readonly #onSinkError: SinkErrorHandler;
  readonly #owner: ChannelOwner = {
    bind: (channel, setSubscribers) => {
      this.#channels.set(channel.id, { channel, subscribers: NO_SINKS, setSubscribers });
    },
    closed: (channel) => this.#closeChannel(channel),
  };

  /**
   * @example
   * const context = new Context({ onSinkError: (error, sink, callback) => log.warn(error) });
   */
  constructor(options: ContextOptions = {}) {
    this.#onSinkError = options.onSinkError ?? warnOnce();
  }

  /**
   * Creates a channel with the next id (from 1, never reused) and announces it to every sink.
   *
   * @example
   * const channel = context.createChannel({
   *   topic: "/camera/info",
   *   messageEncoding: "json",
   *   metadata: { frame: "base_link" },
   * });
   */
  createChannel(options: ChannelOptions): Channel {
    const id = this.#nextChannelId;
    // The id is only consumed once the options were accepted, so ids have no gaps.
    const channel = new Channel(id, options, this.#owner);
    this.#nextChannelId = id + 1;
    const added = Object.freeze([channel]);
    for (const attached of this.#sinks) {
      // A sink may close the channel from its addChannels(); the others then never hear of it.
      if (channel.closed) break;
      attached.addChannels(added);
    }
    return channel;
  }

  /**
   * Attaches a sink. It is told about all open channels at once (if there are any), and about
   * every channel created later, but receives messages only for the channels it subscribes to
   * through the returned connection.
   *
   * @example
   * const connection = context.addSink(sink);
   * connection.subscribe([1, 2]);
   * connection.unsubscribe([2]);
   * connection.remove();
   */
  addSink(sink: Sink): SinkConnection {
    const attached = new AttachedSink(sink, this.#reportSinkError);
    const existing = [...this.#channels.values()].map((record) => record.channel);
    // Attached before the replay, so that a channel created from inside it is announced too.
    this.#sinks = [...this.#sinks, attached];
    if (existing.length > 0) attached.addChannels(Object.freeze(existing));
    return Object.freeze({
      subscribe: (channelIds: readonly number[]) => this.#subscribe(attached, channelIds),
      unsubscribe: (channelIds: readonly number[]) => this.#unsubscribe(attached, channelIds),
      remove: () => this.#removeSink(attached),
    });
  }

  #subscribe(attached: AttachedSink, channelIds: readonly number[]): void {
    for (const id of channelIds) {
      if (attached.removed) return;
      const record = this.#channels.get(id);
      if (record === undefined || attached.subscribed.has(id)) continue;
      attached.subscribed.add(id);
      this.#setSubscribers(record, [...record.subscribers, attached]);
    }
  }

  #unsubscribe(attached: AttachedSink, channelIds: readonly number[]): void {
    for (const id of channelIds) {
      if (!attached.subscribed.delete(id)) continue;
      const record = this.#channels.get(id);
      if (record !== undefined) {
        this.#setSubscribers(
          record,
          record.subscribers.filter((other) => other !== attached),
        );
      }
    }
  }

  #removeSink(attached: AttachedSink): void {
    if (attached.removed) return;
    attached.markRemoved();
    this.#unsubscribe(attached, [...attached.subscribed]);
    this.#sinks = this.#sinks.filter((other) => other !== attached);
  }

  #closeChannel(channel: Channel): void {
    const record = this.#channels.get(channel.id);
    if (record === undefined) return;
    this.#channels.delete(channel.id);
    // Subscriptions go first, so that no sink receives messages for a channel it was told is gone.
    for (const attached of record.subscribers) attached.subscribed.delete(channel.id);
    this.#setSubscribers(record, NO_SINKS);
    for (const attached of this.#sinks) attached.removeChannel(channel);
  }

  #setSubscribers(record: ChannelRecord, subscribers: readonly AttachedSink[]): void {
    record.subscribers = subscribers.length === 0 ? NO_SINKS : subscribers;
    record.setSubscribers(record.subscribers);
  }

  // An arrow property, so that it can be handed to AttachedSink unbound.
  readonly #reportSinkError: SinkErrorHandler = (error, sink, callback) => {
    try {
      this.#onSinkError(error, sink, callback);
    } catch {
      // A throwing error handler must not break the caller either; there is nowhere left to report.
    }
  };
}

/**
 * The process-wide context, created on first use. Channels created on it reach every gateway
 * that was started without an explicit context (spec 2.1).
 *
 * @example
 * const channel = defaultContext().createChannel({ topic: "/log", messageEncoding: "json" });
 */
export function defaultContext(): Context {
  defaultInstance ??= new Context();
  return defaultInstance;
}
