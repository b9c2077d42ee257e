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
  type ServerInfo,
  type Status,
  StatusLevel,
} from "../../protocol/index.js";
import { type ChannelFilter, planAdvertisements } from "../advertisements.js";
import { ChannelRequests } from "../channel-requests.js";
import { IncomingStreams } from "../incoming-streams.js";
import type { GatewayListener } from "../listener.js";
import type { RoomPort } from "../room-port.js";
import type { SessionLog } from "../session-log.js";
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
  readonly #requests: ChannelRequests;
  readonly #incoming: IncomingStreams;
  readonly #dataTracks: DataTracks;
  readonly #oversized: OversizedDrops;
  readonly #parameters: ParameterService;
  readonly #graphSubscribers = new Set<string>();
  readonly #closing = new Set<Promise<unknown>>();
  readonly #stopListening: Array<() => void> = [];
  #connection?: SinkConnection;
  #closed = false;
  /** Reliable messages dropped for viewers that left, and Lossy messages no track took. */
  #drops = 0;

  constructor(options: ControlSessionOptions) {
    this.#options = options;
    this.#requests = new ChannelRequests({
      clientPublish: options.features.clientPublish,
      advertised: this.#channels,
      connection: () => this.#connection,
      listener: options.listener,
      log: options.log,
    });
    this.#incoming = new IncomingStreams({
      log: options.log,
      closed: () => this.#closed,
      deliver: (from, message) => {
        const link = this.#links.get(from);
        if (link) this.#handle(link, message);
        return link !== undefined;
      },
    });
    this.#dataTracks = new DataTracks({
      publish: (name) => options.room.publishDataTrack(name),
      log: options.log,
      limit: options.maxDataTrackMessageSize,
    });
    this.#oversized = new OversizedDrops(
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

  /**
   * Messages dropped so far: Reliable ones for viewers that read too slowly, and Lossy ones over
   * the size limit or refused by their track (not yet published, or its queue full).
   */
  get droppedMessages(): number {
    let dropped = this.#drops;
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
      room.onByteStream(CONTROL_TOPIC, (reader, from) => void this.#incoming.read(reader, from)),
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
    this.#requests.removeViewer(identity);
    this.#parameters.removeViewer(identity);
    this.#leaveGraph(identity);
    this.#drops += link.droppedMessages;
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
    this.#requests.subscriptions.removeChannel(channel.id);
    this.#track(this.#dataTracks.remove(channel.id));
    this.#oversized.remove(channel.id);
    this.#broadcast(encodeServerJsonFrame({ op: "unadvertise", channelIds: [channel.id] }));
    // Whether or not a warning was out, it goes with the channel (as upstream).
    this.removeStatus([dropStatusId(channel.id)]);
  }

  log(channel: ChannelDescriptor, payload: Uint8Array, logTime: bigint): void {
    const subscription = this.#requests.subscriptions.dataSubscribers(channel.id);
    if (!subscription || subscription.subscribers.length === 0) return;
    const advertised = this.#channels.get(channel.id);
    if (!advertised) return;
    if (advertised.reliability === "reliable") {
      const frame = encodeServerMessageDataFrame(channel.id, logTime, payload);
      for (const identity of subscription.subscribers) this.#links.get(identity)?.sendData(frame);
      return;
    }
    const outcome = this.#dataTracks.push(channel.id, payload, logTime);
    if (outcome === "pushed") return;
    this.#drops += 1;
    if (outcome !== "oversized") return;
    const warning = this.#oversized.record(channel);
    if (!warning) return;
    this.#options.log.warn(warning.message);
    const frame = encodeServerJsonFrame(warning);
    for (const identity of subscription.subscribers) this.#links.get(identity)?.sendControl(frame);
  }

  // --- what viewers send -----------------------------------------------------------------------

  #handle(link: ViewerLink, message: ClientMessage): void {
    const { identity } = link;
    const { features } = this.#options;
    const result = this.#requests.handle(identity, message);
    if (result) {
      for (const status of result.statuses) link.sendControl(encodeServerJsonFrame(status));
      for (const channel of result.subscribed) {
        // A late subscriber learns of drops already reported.
        const warning = this.#oversized.active(channel.id);
        if (warning) link.sendControl(encodeServerJsonFrame(warning));
      }
      for (const channel of result.unsubscribed) {
        if (!this.#oversized.active(channel.id)) continue;
        const statusIds = [dropStatusId(channel.id)];
        link.sendControl(encodeServerJsonFrame({ op: "removeStatus", statusIds }));
      }
      return;
    }
    switch (message.op) {
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
    const statusIds = this.#oversized.expire().map(dropStatusId);
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
}
