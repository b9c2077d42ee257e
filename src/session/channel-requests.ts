import type { ChannelDescriptor } from "../context/channel-descriptor.js";
import type { SinkConnection } from "../context/sink.js";
import { type ClientMessage, type Status, StatusLevel } from "../protocol/index.js";
import { ClientChannels } from "./client-channels.js";
import type { ClientChannelInfo, ClientInfo, GatewayListener } from "./listener.js";
import type { SessionLog } from "./session-log.js";
import { Subscriptions } from "./subscriptions.js";

/** What a viewer's channel request changed, and what to answer it. */
export interface ChannelRequestResult {
  /** Statuses for the viewer (refusals, unsupported video). */
  statuses: Status[];
  /** Our channels it is now subscribed to, that it was not before. */
  subscribed: ChannelDescriptor[];
  /** Our channels it is no longer subscribed to. */
  unsubscribed: ChannelDescriptor[];
}

export interface ChannelRequestsOptions {
  clientPublish: boolean;
  /** The channels advertised now, by id (the session's own map, read as it changes). */
  advertised: ReadonlyMap<number, { channel: ChannelDescriptor }>;
  /** The session's connection to the context, once it has one. */
  connection: () => SinkConnection | undefined;
  listener?: GatewayListener;
  log: SessionLog;
}

type ChannelCallback =
  | "onSubscribe"
  | "onUnsubscribe"
  | "onClientAdvertise"
  | "onClientUnadvertise"
  | "onMessageData";

/**
 * The requests both protocol profiles handle alike (spec 8.5, 8.6, 11.5): subscriptions to our
 * channels, and the viewer's own channels for client publish. It keeps the bookkeeping, asks the
 * context for messages, calls the listener, and says what to answer; the session sends it.
 */
export class ChannelRequests {
  readonly subscriptions = new Subscriptions();
  readonly #clientChannels: ClientChannels;
  readonly #options: ChannelRequestsOptions;

  constructor(options: ChannelRequestsOptions) {
    this.#options = options;
    this.#clientChannels = new ClientChannels(options.clientPublish);
  }

  /** Handles a channel request; `undefined` for any other message. */
  handle(identity: string, message: ClientMessage): ChannelRequestResult | undefined {
    const client = { identity };
    const result: ChannelRequestResult = { statuses: [], subscribed: [], unsubscribed: [] };
    switch (message.op) {
      case "subscribe": {
        const before = new Set(this.subscribedChannels(identity));
        const outcome = this.subscriptions.subscribe(identity, message.channels, (id) =>
          this.#options.advertised.has(id),
        );
        this.#options.connection()?.subscribe(outcome.first);
        for (const id of outcome.unsupportedVideo) {
          const text = `Channel ${id} does not support video transcoding`;
          result.statuses.push({ op: "status", level: StatusLevel.Error, message: text });
        }
        result.subscribed = this.subscribedChannels(identity).filter((c) => !before.has(c));
        for (const channel of result.subscribed) this.#notify("onSubscribe", client, channel);
        return result;
      }
      case "unsubscribe": {
        const before = this.subscribedChannels(identity);
        const { last } = this.subscriptions.unsubscribe(identity, message.channelIds);
        this.#options.connection()?.unsubscribe(last);
        const after = new Set(this.subscribedChannels(identity));
        result.unsubscribed = before.filter((c) => !after.has(c));
        for (const channel of result.unsubscribed) this.#notify("onUnsubscribe", client, channel);
        return result;
      }
      case "advertise": {
        const { channels, statuses } = this.#clientChannels.advertise(identity, message.channels);
        result.statuses = statuses;
        for (const channel of channels) this.#notify("onClientAdvertise", client, channel);
        return result;
      }
      case "unadvertise":
        for (const channel of this.#clientChannels.unadvertise(identity, message.channelIds)) {
          this.#notify("onClientUnadvertise", client, channel);
        }
        return result;
      case "messageData": {
        const route = this.#clientChannels.route(identity, message.channelId);
        if ("status" in route) result.statuses.push(route.status);
        else this.#notify("onMessageData", client, route.channel, message.data);
        return result;
      }
      default:
        return undefined;
    }
  }

  /** The viewer left (or the session ends): it is unsubscribed from everything (spec 8.7). */
  removeViewer(identity: string): void {
    const client = { identity };
    const subscribed = this.subscribedChannels(identity);
    const { last } = this.subscriptions.removeParticipant(identity);
    this.#options.connection()?.unsubscribe(last);
    for (const channel of subscribed) this.#notify("onUnsubscribe", client, channel);
    for (const channel of this.#clientChannels.removeViewer(identity)) {
      this.#notify("onClientUnadvertise", client, channel);
    }
  }

  /** Our channels the viewer is subscribed to, in advertisement order. */
  subscribedChannels(identity: string): ChannelDescriptor[] {
    const channels: ChannelDescriptor[] = [];
    for (const { channel } of this.#options.advertised.values()) {
      if (this.subscriptions.anySubscribers(channel.id).includes(identity)) channels.push(channel);
    }
    return channels;
  }

  #notify(
    callback: ChannelCallback,
    client: ClientInfo,
    channel: ChannelDescriptor | ClientChannelInfo,
    payload?: Uint8Array,
  ): void {
    const listener = this.#options.listener;
    try {
      (listener?.[callback] as ((...args: unknown[]) => void) | undefined)?.call(
        listener,
        client,
        channel,
        payload,
      );
    } catch (error) {
      this.#options.log.warn(`listener ${callback} threw: ${String(error)}`);
    }
  }
}
