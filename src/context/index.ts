/**
 * The logging surface an app calls: a `Context` of channels and sinks (spec 8.1).
 *
 * @example
 * import { defaultContext } from "./context/index.js";
 * const channel = defaultContext().createChannel({ topic: "/hello", messageEncoding: "json" });
 * channel.log({ hello: "world" });
 */
export { Channel, type ChannelOptions, type LogOptions } from "./channel.js";
export type { ChannelDescriptor, Schema } from "./channel-descriptor.js";
export { Context, type ContextOptions, defaultContext } from "./context.js";
export type { LogMessage } from "./encode-message.js";
export { nowNanos } from "./log-time.js";
export type { Sink, SinkConnection } from "./sink.js";
export type { SinkCallback, SinkErrorHandler } from "./sink-error.js";
