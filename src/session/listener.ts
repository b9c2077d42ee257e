import type { ChannelDescriptor } from "../context/channel-descriptor.js";

/** A viewer, as the listener sees it. */
export interface ClientInfo {
  /** The viewer's LiveKit identity. */
  readonly identity: string;
}

/** A channel a viewer advertised for client publish (spec 11.5), with its schema decoded. */
export interface ClientChannelInfo {
  /** The viewer's own id for it (u32), unique per viewer only. */
  readonly id: number;
  readonly topic: string;
  readonly encoding: string;
  readonly schemaName: string;
  readonly schemaEncoding?: string;
  /** Decoded schema bytes; empty when the viewer sent none. */
  readonly schema: Uint8Array;
}

/**
 * Callbacks for what viewers do. Every callback is optional and called synchronously; an exception
 * thrown by one is logged and otherwise ignored.
 */
export interface GatewayListener {
  /** A viewer subscribed to one of our channels. */
  onSubscribe?(client: ClientInfo, channel: ChannelDescriptor): void;
  /** A viewer unsubscribed (or left, or the session ended). */
  onUnsubscribe?(client: ClientInfo, channel: ChannelDescriptor): void;
  /** A viewer advertised a channel it will publish on (needs the `clientPublish` capability). */
  onClientAdvertise?(client: ClientInfo, channel: ClientChannelInfo): void;
  /** A viewer withdrew a channel (or left, or the session ended). */
  onClientUnadvertise?(client: ClientInfo, channel: ClientChannelInfo): void;
  /** A message a viewer published on one of its channels. */
  onMessageData?(client: ClientInfo, channel: ClientChannelInfo, payload: Uint8Array): void;
  /** Protocol 2.2: these parameters gained their first subscriber. */
  onParametersSubscribe?(names: string[]): void;
  /** Protocol 2.2: these parameters lost their last subscriber. */
  onParametersUnsubscribe?(names: string[]): void;
  /** Protocol 2.2: the first viewer subscribed to the connection graph. */
  onConnectionGraphSubscribe?(): void;
  /** Protocol 2.2: the last viewer unsubscribed from the connection graph. */
  onConnectionGraphUnsubscribe?(): void;
}
