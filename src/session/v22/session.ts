import type { ChannelDescriptor } from "../../context/channel-descriptor.js";
import type { Context } from "../../context/context.js";
import type { Sink, SinkConnection } from "../../context/sink.js";
import type { ByteStreamSink } from "../../livekit/index.js";
import {
  type AdvertisedChannel,
  type ClientMessage,
  encodeServerBinaryFrame,
  encodeServerJsonFrame,
  encodeServerMessageDataFrame,
  readClientMessages,
  type ServerInfo,
  type Status,
  StatusLevel,
} from "../../protocol/index.js";
import { type ChannelFilter, planAdvertisements } from "../advertisements.js";
import { ClientChannels } from "../client-channels.js";
import type { ClientChannelInfo, ClientInfo, GatewayListener } from "../listener.js";
import type { RoomPort } from "../room-port.js";
import { MAX_STREAMS_PER_VIEWER, type SessionLog } from "../session.js";
import { Subscriptions } from "../subscriptions.js";
import type { Clock } from "../throttle.js";
import { type AssetHandler, fetchAsset } from "./assets.js";
import type { ConnectionGraphState } from "./connection-graph.js";
import { DataTracks, type PublishDataTrack } from "./data-tracks.js";
import { dropStatusId, OVERSIZED_SWEEP_INTERVAL_MS, OversizedDrops } from "./oversized-drops.js";
import { type ParameterHandler, ParameterService } from "./parameters.js";
import { checkProtocolVersion } from "./protocol-version.js";
import { callService, type ServiceRegistry } from "./services.js";
import { ViewerLink } from "./viewer-link.js";

/** The topic of control streams, both ways (protocol 2.2). */
export const CONTROL_TOPIC = "control";
/** The 0.20 control topic: a viewer that still uses it is told nothing, but it is logged. */
const LEGACY_CONTROL_TOPIC = "ws-protocol";

/** Metadata that marks a channel delivered on the control stream rather than a data track. */
export const RELIABLE_METADATA_KEY = "foxglove.reliable";

/** How a channel's messages travel: a lossy data track (the default) or the reliable control stream. */
export type Reliability = "lossy" | "reliable";

/** What the session needs from a room: byte streams, and data tracks. */
export interface ControlRoomPort extends RoomPort {
  publishDataTrack: PublishDataTrack;
}

/** The protocol 2.2 features the gateway offers (they map to `serverInfo.capabilities`). */
export interface Features {
  clientPublish: boolean;
  services: boolean;
  parameters: boolean;
  connectionGraph: boolean;
}

/** A viewer to serve: one instance of a participant (see `ParticipantRef`). */
export interface ViewerInstance {
  identity: string;
  sid: string;
  protocolVersion?: string;
}

/** A served viewer, for the gateway's status. */
export interface ViewerSummary {
  identity: string;
  /** Smoothed round-trip time from the viewer's pings, in ms, once known. */
  rttMs?: number;
}

export interface ControlSessionOptions {
  room: ControlRoomPort;
  context: Context;
  /** A fresh `serverInfo` for each welcome. */
  serverInfo: () => ServerInfo;
  channelFilter?: ChannelFilter;
  /** Picks each channel's delivery; default: every channel is lossy. */
  reliability?: (channel: ChannelDescriptor) => Reliability;
  /** Capacity of each viewer's control lane and Reliable data lane. */
  backlogSize: number;
  /** Larger messages are not pushed on data tracks (spec 11.2). */
  maxDataTrackMessageSize: number;
  features: Features;
  supportedEncodings: readonly string[];
  listener?: GatewayListener;
  services: ServiceRegistry;
  graph: ConnectionGraphState;
  parameterHandler?: ParameterHandler;
  assetHandler?: AssetHandler;
  log: SessionLog;
  writeTimeoutMs: number;
  /** The clock of the oversized-drop warnings. Default: `performance.now`. */
  now?: Clock;
}

interface AdvertisedEntry {
  channel: ChannelDescriptor;
  entry: AdvertisedChannel;
  reliability: Reliability;
}

/**
 * Everything tied to one LiveKit room connection, protocol 2.2 (spec 11): the sink that advertises
 * the context's channels, one control stream per viewer, a data track per Lossy channel, Reliable
 * channels on the control streams, and the services, parameters, connection graph, assets, status
 * and ping of the protocol.
 *
 * State changes are synchronous; the awaits are stream opens, writes and handlers.
 */
export class ControlSession implements Sink {
  readonly #options: ControlSessionOptions;
  readonly #channels = new Map<number, AdvertisedEntry>();
  readonly #links = new Map<string, ViewerLink>();
  /** Viewers whose control stream is being opened, by identity: the SID being welcomed. */
  readonly #joining = new Map<string, string>();
  readonly #subscriptions = new Subscriptions();
  readonly #clientChannels: ClientChannels;
  readonly #dataTracks: DataTracks;
  readonly #drops: OversizedDrops;
  readonly #parameters: ParameterService;
  readonly #graphSubscribers = new Set<string>();
  readonly #reading = new Map<string, number>();
  readonly #closing = new Set<Promise<unknown>>();
  readonly #stopListening: Array<() => void> = [];
  #connection?: SinkConnection;
  #closed = false;
  #departedDrops = 0;

  constructor(options: ControlSessionOptions) {
    this.#options = options;
    this.#clientChannels = new ClientChannels(options.features.clientPublish);
    this.#dataTracks = new DataTracks({
      publish: (name) => options.room.publishDataTrack(name),
      log: options.log,
      limit: options.maxDataTrackMessageSize,
    });
    this.#drops = new OversizedDrops(
      options.maxDataTrackMessageSize,
      options.now ?? (() => performance.now()),
    );
    this.#parameters = new ParameterService({
      enabled: options.features.parameters,
      handler: options.parameterHandler,
      listener: options.listener,
      onListenerError: (error) => options.log.warn(`listener threw: ${String(error)}`),
    });
  }

  /** Reliable messages dropped for viewers that read too slowly, so far. */
  get droppedMessages(): number {
    let dropped = this.#departedDrops;
    for (const link of this.#links.values()) dropped += link.droppedMessages;
    return dropped;
  }

  /** The viewers served now. */
  get viewers(): ViewerSummary[] {
    return [...this.#links.values()].map((link) => ({
      identity: link.identity,
      ...(link.rtt.ms !== undefined && { rttMs: link.rtt.ms }),
    }));
  }

  /** Starts listening: to the context's channels, viewers' control streams, and gateway-wide changes. */
  open(): void {
    const { room, services, graph, log } = this.#options;
    this.#connection = this.#options.context.addSink(this);
    this.#stopListening.push(
      room.onByteStream(CONTROL_TOPIC, (reader, from) => void this.#read(reader, from)),
      room.onByteStream(LEGACY_CONTROL_TOPIC, (reader, from) => {
        log.debug(
          `ignored a "${LEGACY_CONTROL_TOPIC}" stream from ${from}: this gateway speaks 2.2`,
        );
        void reader[Symbol.asyncIterator]().return?.();
      }),
      services.onAnnounce((frame) => this.#broadcast(frame)),
      graph.onChange((frame) => {
        for (const identity of this.#graphSubscribers)
          this.#links.get(identity)?.sendControl(frame);
      }),
    );
  }

  /** Withdraws quiet oversized-drop warnings until `close()`. */
  async run(): Promise<void> {
    const sweep = setInterval(() => this.#expireDropWarnings(), OVERSIZED_SWEEP_INTERVAL_MS);
    this.#stopListening.push(() => clearInterval(sweep));
  }

  /**
   * Ends the session: detaches from the context and the gateway, stops every viewer's writer and
   * unpublishes the data tracks. Resolves once streams and tracks are closed.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#connection?.remove();
      for (const stop of this.#stopListening.splice(0)) stop();
      for (const link of [...this.#links.values()]) this.removeViewer(link.info);
      this.#joining.clear();
      this.#track(this.#dataTracks.close());
    }
    return Promise.all(this.#closing).then(() => {});
  }

  // --- viewers ---------------------------------------------------------------------------------

  /**
   * Welcomes a viewer instance: checks its protocol version, opens its control stream and queues
   * `serverInfo`, `advertise` and `advertiseServices` before it can receive any broadcast. A newer
   * instance of the same identity replaces the old one.
   *
   * @returns `"rejected"` when its protocol version is incompatible (it was told so), `"abandoned"`
   *   when it was removed or replaced while its stream opened
   * @throws when the control stream cannot be opened
   */
  async addViewer(viewer: ViewerInstance): Promise<"welcomed" | "rejected" | "abandoned"> {
    const { room, log } = this.#options;
    if (this.#closed) return "abandoned";
    const version = checkProtocolVersion(viewer.protocolVersion);
    if (!version.ok) {
      log.warn(`turned away ${viewer.identity}: ${version.message}`);
      const stream = await room.openByteStream(CONTROL_TOPIC, [viewer.identity]);
      const status = encodeServerJsonFrame({
        op: "status",
        level: StatusLevel.Error,
        message: version.message,
      });
      await stream.write(status).finally(() => stream.close());
      return "rejected";
    }
    const current = this.#links.get(viewer.identity);
    if (current && current.info.sid !== viewer.sid) this.removeViewer(current.info);
    this.#joining.set(viewer.identity, viewer.sid);
    const open = () => room.openByteStream(CONTROL_TOPIC, [viewer.identity]);
    const stillWanted = () => this.#joining.get(viewer.identity) === viewer.sid;
    let writer: ByteStreamSink;
    try {
      writer = await open();
    } catch (error) {
      if (stillWanted()) this.#joining.delete(viewer.identity);
      throw error;
    }
    // Nobody removed or replaced this instance meanwhile?
    if (!stillWanted()) {
      void writer.close().catch(() => {});
      return "abandoned";
    }
    this.#joining.delete(viewer.identity);
    const link = new ViewerLink(writer, {
      info: { identity: viewer.identity, sid: viewer.sid },
      open,
      welcome: () => this.#welcome(),
      capacity: this.#options.backlogSize,
      writeTimeoutMs: this.#options.writeTimeoutMs,
      log,
    });
    this.#links.set(viewer.identity, link);
    void link.run();
    log.debug(`welcomed ${viewer.identity} (${viewer.sid})`);
    return "welcomed";
  }

  /**
   * The viewer instance left (or the session ends): it is unsubscribed from everything. A stale
   * instance (already replaced by a newer one) changes nothing.
   */
  removeViewer(viewer: { identity: string; sid: string }): void {
    if (this.#joining.get(viewer.identity) === viewer.sid) this.#joining.delete(viewer.identity);
    const link = this.#links.get(viewer.identity);
    if (!link || link.info.sid !== viewer.sid) return;
    this.#links.delete(viewer.identity);
    const { identity } = viewer;
    const client = { identity };
    const subscribed = this.#subscribedChannels(identity);
    const { last } = this.#subscriptions.removeParticipant(identity);
    this.#connection?.unsubscribe(last);
    for (const channel of subscribed) this.#notify("onUnsubscribe", client, channel);
    for (const channel of this.#clientChannels.removeViewer(identity)) {
      this.#notify("onClientUnadvertise", client, channel);
    }
    this.#parameters.removeViewer(identity);
    this.#leaveGraph(identity);
    this.#departedDrops += link.droppedMessages;
    this.#track(link.close());
  }

  // --- the application's side ------------------------------------------------------------------

  /** Sends a status message to every viewer. */
  publishStatus(status: Status): void {
    this.#broadcast(encodeServerJsonFrame(status));
  }

  /** Withdraws status messages by id from every viewer. */
  removeStatus(statusIds: readonly string[]): void {
    this.#broadcast(encodeServerJsonFrame({ op: "removeStatus", statusIds }));
  }

  /** Sends parameter values to the viewers subscribed to them. */
  publishParameterValues(parameters: Parameters<ParameterService["publish"]>[0]): void {
    this.#parameters.publish(parameters, this.#links.values());
  }

  // --- the context's side (Sink) ---------------------------------------------------------------

  addChannels(channels: readonly ChannelDescriptor[]): void {
    const plan = planAdvertisements(channels, this.#options.channelFilter);
    for (const skipped of plan.skipped) {
      if (skipped.reason === "filtered") this.#options.log.debug(skipped.message);
      else this.#options.log.warn(`not advertised: ${skipped.message}`);
    }
    const entries = plan.advertised.map((channel, i) => {
      const reliability = this.#reliabilityOf(channel);
      const base = plan.entries[i] as AdvertisedChannel;
      const entry =
        reliability === "reliable"
          ? { ...base, metadata: { ...base.metadata, [RELIABLE_METADATA_KEY]: "true" } }
          : base;
      this.#channels.set(channel.id, { channel, entry, reliability });
      if (reliability === "lossy") this.#dataTracks.add(channel.id);
      return entry;
    });
    if (entries.length)
      this.#broadcast(encodeServerJsonFrame({ op: "advertise", channels: entries }));
  }

  removeChannel(channel: ChannelDescriptor): void {
    if (!this.#channels.delete(channel.id)) return;
    this.#subscriptions.removeChannel(channel.id);
    this.#track(this.#dataTracks.remove(channel.id));
    this.#drops.remove(channel.id);
    this.#broadcast(encodeServerJsonFrame({ op: "unadvertise", channelIds: [channel.id] }));
    // Whether or not a warning was out, it goes with the channel (as upstream).
    this.removeStatus([dropStatusId(channel.id)]);
  }

  log(channel: ChannelDescriptor, payload: Uint8Array, logTime: bigint): void {
    const subscription = this.#subscriptions.dataSubscribers(channel.id);
    if (!subscription || subscription.subscribers.length === 0) return;
    const advertised = this.#channels.get(channel.id);
    if (!advertised) return;
    if (advertised.reliability === "reliable") {
      const frame = encodeServerMessageDataFrame(channel.id, logTime, payload);
      for (const identity of subscription.subscribers) this.#links.get(identity)?.sendData(frame);
      return;
    }
    if (this.#dataTracks.push(channel.id, payload, logTime) !== "oversized") return;
    const warning = this.#drops.record(channel);
    if (!warning) return;
    this.#options.log.warn(warning.message);
    const frame = encodeServerJsonFrame(warning);
    for (const identity of subscription.subscribers) this.#links.get(identity)?.sendControl(frame);
  }

  // --- what viewers send -----------------------------------------------------------------------

  async #read(reader: AsyncIterable<Uint8Array>, from: string): Promise<void> {
    const reading = this.#reading.get(from) ?? 0;
    if (reading >= MAX_STREAMS_PER_VIEWER) {
      this.#options.log.warn(`${from} has ${reading} streams open already: ignoring one more`);
      await reader[Symbol.asyncIterator]().return?.();
      return;
    }
    this.#reading.set(from, reading + 1);
    try {
      for await (const event of readClientMessages(reader)) {
        if (this.#closed) return;
        if (event.kind === "skip") {
          this.#options.log.debug(`skipped a message from ${from}: ${event.error.message}`);
          continue;
        }
        if (event.kind !== "message") {
          if (event.kind === "stop")
            this.#options.log.warn(`stopped reading a stream from ${from}: ${event.error.message}`);
          return;
        }
        const link = this.#links.get(from);
        if (!link) {
          this.#options.log.warn(`stopped reading a stream from ${from}: not a served viewer`);
          return;
        }
        this.#handle(link, event.message);
      }
    } finally {
      const left = (this.#reading.get(from) ?? 1) - 1;
      if (left) this.#reading.set(from, left);
      else this.#reading.delete(from);
    }
  }

  #handle(link: ViewerLink, message: ClientMessage): void {
    const { identity } = link;
    const client = { identity };
    const { features } = this.#options;
    switch (message.op) {
      case "subscribe": {
        const before = new Set(this.#subscribedChannels(identity));
        const result = this.#subscriptions.subscribe(identity, message.channels, (id) =>
          this.#channels.has(id),
        );
        this.#connection?.subscribe(result.first);
        for (const id of result.unsupportedVideo) {
          this.#sendStatus(
            link,
            StatusLevel.Error,
            `Channel ${id} does not support video transcoding`,
          );
        }
        for (const channel of this.#subscribedChannels(identity)) {
          if (before.has(channel)) continue;
          this.#notify("onSubscribe", client, channel);
          // A late subscriber learns of drops already reported.
          const warning = this.#drops.active(channel.id);
          if (warning) link.sendControl(encodeServerJsonFrame(warning));
        }
        return;
      }
      case "unsubscribe": {
        const before = this.#subscribedChannels(identity);
        const { last } = this.#subscriptions.unsubscribe(identity, message.channelIds);
        this.#connection?.unsubscribe(last);
        const after = new Set(this.#subscribedChannels(identity));
        for (const channel of before) {
          if (after.has(channel)) continue;
          this.#notify("onUnsubscribe", client, channel);
          if (this.#drops.active(channel.id)) {
            const statusIds = [dropStatusId(channel.id)];
            link.sendControl(encodeServerJsonFrame({ op: "removeStatus", statusIds }));
          }
        }
        return;
      }
      case "advertise": {
        const { channels, statuses } = this.#clientChannels.advertise(identity, message.channels);
        for (const status of statuses) link.sendControl(encodeServerJsonFrame(status));
        for (const channel of channels) this.#notify("onClientAdvertise", client, channel);
        return;
      }
      case "unadvertise":
        for (const channel of this.#clientChannels.unadvertise(identity, message.channelIds)) {
          this.#notify("onClientUnadvertise", client, channel);
        }
        return;
      case "messageData": {
        const route = this.#clientChannels.route(identity, message.channelId);
        if ("status" in route) link.sendControl(encodeServerJsonFrame(route.status));
        else this.#notify("onMessageData", client, route.channel, message.data);
        return;
      }
      case "serviceCallRequest":
        callService(link, message, this.#options.services, {
          enabled: features.services,
          supportedEncodings: this.#options.supportedEncodings,
        });
        return;
      case "getParameters":
        this.#parameters.get(link, message.parameterNames, message.id);
        return;
      case "setParameters":
        this.#parameters.set(link, message.parameters, message.id);
        return;
      case "subscribeParameterUpdates":
        this.#parameters.subscribe(link, message.parameterNames);
        return;
      case "unsubscribeParameterUpdates":
        this.#parameters.unsubscribe(link, message.parameterNames);
        return;
      case "subscribeConnectionGraph":
        if (!features.connectionGraph) return this.#refuseGraph(link);
        if (this.#graphSubscribers.has(identity)) return;
        this.#graphSubscribers.add(identity);
        link.sendControl(this.#options.graph.full());
        if (this.#graphSubscribers.size === 1) this.#notifyGraph("onConnectionGraphSubscribe");
        return;
      case "unsubscribeConnectionGraph":
        if (!features.connectionGraph) return this.#refuseGraph(link);
        this.#leaveGraph(identity);
        return;
      case "fetchAsset":
        fetchAsset(link, message, this.#options.assetHandler);
        return;
      case "ping":
        link.sendControl(
          encodeServerBinaryFrame({
            op: "pong",
            appTimestamp: message.appTimestamp,
            deviceTimeMs: BigInt(Date.now()),
          }),
        );
        return;
      case "pingAck":
        link.rtt.record(Number(message.deviceTimestamp), Date.now());
        return;
      default:
        this.#options.log.debug(`ignored "${message.op}" from ${identity}: not supported`);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** What every (re)connected control stream starts with. */
  #welcome(): Uint8Array[] {
    const frames = [encodeServerJsonFrame(this.#options.serverInfo())];
    const channels = [...this.#channels.values()].map(({ entry }) => entry);
    if (channels.length) frames.push(encodeServerJsonFrame({ op: "advertise", channels }));
    const services = this.#options.services.welcome();
    if (services) frames.push(services);
    return frames;
  }

  #reliabilityOf(channel: ChannelDescriptor): Reliability {
    try {
      return this.#options.reliability?.(channel) === "reliable" ? "reliable" : "lossy";
    } catch (error) {
      this.#options.log.warn(`the QoS classifier threw for ${channel.topic}: ${String(error)}`);
      return "lossy";
    }
  }

  #expireDropWarnings(): void {
    const statusIds = this.#drops.expire().map(dropStatusId);
    if (statusIds.length) this.removeStatus(statusIds);
  }

  #leaveGraph(identity: string): void {
    if (!this.#graphSubscribers.delete(identity)) return;
    if (this.#graphSubscribers.size === 0) this.#notifyGraph("onConnectionGraphUnsubscribe");
  }

  #refuseGraph(link: ViewerLink): void {
    this.#sendStatus(
      link,
      StatusLevel.Error,
      "Server does not support connection graph capability",
    );
  }

  #broadcast(frame: Uint8Array): void {
    for (const link of this.#links.values()) link.sendControl(frame);
  }

  #sendStatus(link: ViewerLink, level: Status["level"], message: string): void {
    link.sendControl(encodeServerJsonFrame({ op: "status", level, message }));
  }

  #subscribedChannels(identity: string): ChannelDescriptor[] {
    const channels: ChannelDescriptor[] = [];
    for (const { channel } of this.#channels.values()) {
      if (this.#subscriptions.anySubscribers(channel.id).includes(identity)) channels.push(channel);
    }
    return channels;
  }

  #track(closing: Promise<unknown>): void {
    const settled = closing.catch(() => {});
    this.#closing.add(settled);
    void settled.then(() => this.#closing.delete(settled));
  }

  #notifyGraph(callback: "onConnectionGraphSubscribe" | "onConnectionGraphUnsubscribe"): void {
    try {
      this.#options.listener?.[callback]?.();
    } catch (error) {
      this.#options.log.warn(`listener ${callback} threw: ${String(error)}`);
    }
  }

  #notify<
    K extends
      | "onSubscribe"
      | "onUnsubscribe"
      | "onClientAdvertise"
      | "onClientUnadvertise"
      | "onMessageData",
  >(
    callback: K,
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
