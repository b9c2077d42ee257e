import type { ChannelDescriptor, Schema } from "./channel-descriptor.js";
import { encodeMessage, type LogMessage } from "./encode-message.js";
import { checkLogTime, nowNanos } from "./log-time.js";

/** What `Context.createChannel` needs to know about a channel. */
export interface ChannelOptions {
  topic: string;
  /** The encoding of the messages: `json`, `protobuf`, `ros1`, `cdr`, ... */
  messageEncoding: string;
  schema?: Schema;
  metadata?: Readonly<Record<string, string>>;
}

/** Options of one `Channel.log` call. */
export interface LogOptions {
  /** Nanoseconds since the Unix epoch. Defaults to now. */
  logTime?: bigint;
}

/** One receiver of a channel's messages. Must not throw (the context wraps every sink). */
export interface Subscriber {
  log(channel: ChannelDescriptor, payload: Uint8Array, logTime: bigint): void;
}

/**
 * The context's side of a channel. Internal: it is how the context, and only the context, changes
 * who receives a channel's messages without that ability being part of the channel's public API.
 */
export interface ChannelOwner {
  /** Called once, from the channel's constructor, with the setter of its subscriber list. */
  bind(channel: Channel, setSubscribers: (subscribers: readonly Subscriber[]) => void): void;
  /** Called once, on the first `close()`. */
  closed(channel: Channel): void;
}

const NO_SUBSCRIBERS: readonly Subscriber[] = Object.freeze([]);

/**
 * A topic an app logs messages to. Created by `Context.createChannel`; it is also the descriptor
 * sinks receive, so it implements `ChannelDescriptor`.
 *
 * @example
 * const channel = defaultContext().createChannel({ topic: "/pose", messageEncoding: "json" });
 * channel.log({ x: 1, y: 2 });
 * channel.close();
 */
export class Channel implements ChannelDescriptor {
  // Copy-on-write: the context swaps in a new array on every change, so the loop in log() keeps
  // iterating a consistent snapshot even if a sink (un)subscribes from inside its own log().
  #subscribers: readonly Subscriber[] = NO_SUBSCRIBERS;
  #closed = false;
  readonly #owner: ChannelOwner;

  readonly id: number;
  readonly topic: string;
  readonly messageEncoding: string;
  readonly schema: Schema | undefined;
  readonly metadata: Readonly<Record<string, string>>;

  /**
   * Not for apps: use `Context.createChannel`, which assigns the id and tells the sinks.
   *
   * @example
   * const channel = new Channel(1, { topic: "/t", messageEncoding: "json" }, owner);
   */
  constructor(id: number, options: ChannelOptions, owner: ChannelOwner) {
    const { topic, messageEncoding, schema, metadata } = options;
    if (typeof topic !== "string") throw new TypeError("channel topic must be a string");
    if (typeof messageEncoding !== "string") {
      throw new TypeError("channel messageEncoding must be a string");
    }
    this.id = id;
    this.topic = topic;
    this.messageEncoding = messageEncoding;
    this.schema = schema === undefined ? undefined : copySchema(schema);
    this.metadata = copyMetadata(metadata);
    this.#owner = owner;
    owner.bind(this, (subscribers) => {
      this.#subscribers = subscribers;
    });
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Whether any sink currently subscribes. Lets an app skip building a costly message.
   *
   * @example
   * if (channel.hasSubscribers) channel.log(renderPointCloud());
   */
  get hasSubscribers(): boolean {
    return this.#subscribers.length > 0;
  }

  /**
   * Sends one message to every sink subscribed to this channel, synchronously.
   *
   * `message` is sent as is if it is a `Uint8Array` (not copied: do not modify it afterwards),
   * UTF-8 encoded if it is a string, and `JSON.stringify`'d if it is an object or array, which only
   * `json` channels accept (a `TypeError` otherwise). When nobody subscribes (or the channel is
   * closed) this returns at once without looking at its arguments, so a bad message is not
   * reported then. Errors thrown by sinks never reach the caller.
   *
   * @example
   * channel.log(new Uint8Array([1, 2, 3]));
   * channel.log('{"x":1}', { logTime: 1_718_000_000_000_000_000n });
   * jsonChannel.log({ x: 1 });
   */
  log(message: LogMessage, options?: LogOptions): void {
    const subscribers = this.#subscribers;
    // The hot path: nobody listens, so do nothing at all (no encoding, no clock read).
    if (subscribers.length === 0) return;
    const payload = encodeMessage(this.messageEncoding, message);
    const given = options?.logTime;
    const logTime = given === undefined ? nowNanos() : checkLogTime(given);
    for (let i = 0; i < subscribers.length; i++) {
      (subscribers[i] as Subscriber).log(this, payload, logTime);
    }
  }

  /**
   * Closes the channel: its subscriptions are dropped, then every sink gets `removeChannel`.
   * Later `log` calls do nothing; closing again does nothing.
   *
   * @example
   * channel.close();
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#owner.closed(this);
  }
}

// Shallow copies (schema bytes are shared), so that the app reusing its own option objects later
// cannot change what the sinks were told.
function copySchema(schema: Schema): Schema {
  const { name, encoding, data } = schema;
  if (typeof name !== "string" || typeof encoding !== "string" || !(data instanceof Uint8Array)) {
    throw new TypeError(
      "channel schema must be { name: string, encoding: string, data: Uint8Array }",
    );
  }
  return Object.freeze({ name, encoding, data });
}

function copyMetadata(
  metadata: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== "string") {
      throw new TypeError(`channel metadata value for "${key}" must be a string`);
    }
    copy[key] = value;
  }
  return Object.freeze(copy);
}
