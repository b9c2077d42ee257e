import type { ChannelDescriptor } from "./channel-descriptor.js";

/**
 * A consumer of logged messages (spec 8.1). The context calls it synchronously; a sink must never
 * block or throw from these methods.
 */
export interface Sink {
  /** Channels that exist now or were just created. Called once with all of them on `addSink`. */
  addChannels(channels: readonly ChannelDescriptor[]): void;
  /** A channel was closed. The context has already dropped this sink's subscription to it. */
  removeChannel(channel: ChannelDescriptor): void;
  /** A message on a channel this sink subscribed to. `payload` must not be modified or kept mutable. */
  log(channel: ChannelDescriptor, payload: Uint8Array, logTime: bigint): void;
}

/** What a sink gets back from `Context.addSink`: the way to ask for (or stop) messages. */
export interface SinkConnection {
  /** Routes these channels' messages to the sink. Idempotent; unknown ids are ignored. */
  subscribe(channelIds: readonly number[]): void;
  /** Stops routing them. Idempotent. */
  unsubscribe(channelIds: readonly number[]): void;
  /** Detaches the sink: no more calls of any kind, and no `removeChannel` for what was there. */
  remove(): void;
}
