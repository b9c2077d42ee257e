// The page's protocol 2.2 viewer: joins the room with livekit-client as today's Foxglove app does
// (its token carries the `protocolVersion` attribute), reads its `control` streams, sends on one
// persistent `control` stream, reads Lossy channels from their `data-ch-<id>` data tracks and
// Reliable ones from the control stream, and uses the gateway's services, parameters and ping.
// No DOM here; see viewer-panel.ts, services-panel.ts and parameters-panel.ts.
import { type ByteStreamReader, Room, RoomEvent } from "livekit-client";
import {
  type AdvertisedChannel,
  type ClientMessage,
  encodeClientFrame,
  type Parameter,
  readServerMessages,
  type ServerMessage,
  type ServiceAdvertisement,
  type StatusLevel,
} from "../../protocol/index.js";
import type { ViewerGrant } from "../wire.js";
import { ControlWriter } from "./control-writer.js";
import { DataTrackReaders } from "./data-track-readers.js";
import type { Delivery, PageViewer, ViewerEvents } from "./page-viewer.js";
import { Pinger } from "./pinger.js";
import { ServiceCalls } from "./service-calls.js";
import { TopicSubscriptions } from "./topic-subscriptions.js";

const CONTROL_TOPIC = "control";
/** The id of the page's first `getParameters`: its answer says which names to follow. */
const WELCOME_REQUEST = "dashboard-welcome";
const encoder = new TextEncoder();

/** A status message the gateway shows the viewer. */
export interface GatewayNotice {
  level: StatusLevel;
  message: string;
}

export interface ControlViewerEvents extends ViewerEvents {
  services(services: readonly ServiceAdvertisement[]): void;
  /** Every parameter known, after each change. */
  parameters(parameters: readonly Parameter[]): void;
  /** The round trip of the page's last ping, in ms. */
  roundTrip(ms: number): void;
  /** The newest status the gateway shows, if any. */
  notice(notice: GatewayNotice | undefined): void;
}

export class ControlBrowserViewer implements PageViewer {
  #room: Room | undefined;
  #writer: ControlWriter | undefined;
  readonly #topics = new TopicSubscriptions();
  readonly #tracks: DataTrackReaders;
  readonly #pinger: Pinger;
  readonly #calls = new ServiceCalls();
  readonly #services = new Map<number, ServiceAdvertisement>();
  readonly #parameters = new Map<string, Parameter>();
  /** Status messages shown now, by id ("" for those without one), oldest first. */
  readonly #notices = new Map<string, GatewayNotice>();

  constructor(private readonly events: ControlViewerEvents) {
    this.#tracks = new DataTrackReaders((id, payload) => events.message(id, payload, "data track"));
    this.#pinger = new Pinger(
      (message) => this.#send(message),
      (ms) => events.roundTrip(ms),
    );
  }

  get identity(): string | undefined {
    return this.#room?.localParticipant.identity;
  }

  async join(grant: ViewerGrant): Promise<void> {
    await this.leave();
    const room = new Room({ adaptiveStream: false, dynacast: false });
    this.#room = room;
    this.#writer = new ControlWriter(() =>
      room.localParticipant.streamBytes({
        topic: CONTROL_TOPIC,
        destinationIdentities: [grant.gateway],
      }),
    );
    this.#newSession();
    room.registerByteStreamHandler(CONTROL_TOPIC, (reader) => void this.#readControl(reader, room));
    room
      .on(RoomEvent.DataTrackPublished, (track) => {
        if (track.publisherIdentity === grant.gateway) this.#tracks.published(track);
      })
      .on(RoomEvent.DataTrackUnpublished, (sid) => this.#tracks.unpublished(sid))
      .on(RoomEvent.ParticipantDisconnected, (participant) => {
        // Its next session reads none of this stream: the next serverInfo starts a new one.
        if (participant.identity === grant.gateway) this.#pinger.stop();
      })
      .on(RoomEvent.Reconnecting, () => this.events.connection("reconnecting"))
      .on(RoomEvent.Reconnected, () => this.events.connection("joined"))
      .on(RoomEvent.Disconnected, (reason) => {
        if (this.#room === room) this.events.connection("left", String(reason ?? ""));
      });
    this.events.connection("joining");
    await room.connect(grant.url, grant.token);
    this.events.connection("joined");
  }

  async leave(): Promise<void> {
    const room = this.#room;
    this.#room = undefined;
    this.#pinger.stop();
    this.#tracks.clear();
    this.#calls.failAll("the page left the room");
    await room?.disconnect();
  }

  isSubscribed(topic: string): boolean {
    return this.#topics.isWanted(topic);
  }

  async subscribe(topic: string): Promise<void> {
    this.#topics.want(topic);
    await this.#syncSubscriptions();
  }

  async unsubscribe(topic: string): Promise<void> {
    const ids = this.#topics.drop(topic);
    this.#readTracks();
    if (ids.length > 0) await this.#send({ op: "unsubscribe", channelIds: ids });
  }

  /** Calls a service with a JSON request; resolves with its response as text. */
  async callService(serviceId: number, request: string): Promise<string> {
    const service = this.#services.get(serviceId);
    if (!service) throw new Error("the gateway no longer offers this service");
    JSON.parse(request); // A typo is reported here rather than by the service.
    const { callId, response } = this.#calls.start();
    const encoding = service.request?.encoding ?? "json";
    await this.#send({
      op: "serviceCallRequest",
      serviceId,
      callId,
      encoding,
      payload: encoder.encode(request),
    });
    return new TextDecoder().decode(await response);
  }

  /** Asks the gateway to set a parameter; its answer (and what it publishes) updates the list. */
  async setParameter(parameter: Parameter): Promise<void> {
    await this.#send({ op: "setParameters", parameters: [parameter], id: `set ${parameter.name}` });
  }

  async #readControl(reader: ByteStreamReader, room: Room): Promise<void> {
    for await (const event of readServerMessages(reader)) {
      if (this.#room !== room) return;
      if (event.kind === "message") await this.#onControl(event.message);
    }
  }

  async #onControl(message: ServerMessage): Promise<void> {
    switch (message.op) {
      case "serverInfo":
        // A new session, or this viewer's control stream reset: start over on a new stream.
        this.#newSession();
        this.#writer?.restart();
        this.#pinger.start();
        if (message.capabilities.includes("parameters"))
          await this.#send({ op: "getParameters", parameterNames: [], id: WELCOME_REQUEST });
        return;
      case "advertise":
        this.#topics.advertise(message.channels);
        return this.#channelsChanged();
      case "unadvertise":
        this.#topics.unadvertise(message.channelIds);
        return this.#channelsChanged();
      case "messageData":
        return this.events.message(Number(message.channelId), message.data, "control stream");
      case "advertiseServices":
        for (const service of message.services) this.#services.set(service.id, service);
        return this.events.services([...this.#services.values()]);
      case "unadvertiseServices":
        for (const id of message.serviceIds) this.#services.delete(id);
        return this.events.services([...this.#services.values()]);
      case "serviceCallResponse":
        return this.#calls.answer(message.callId, message.payload);
      case "serviceCallFailure":
        return this.#calls.fail(message.callId, message.message);
      case "parameterValues":
        for (const parameter of message.parameters) this.#parameters.set(parameter.name, parameter);
        this.events.parameters([...this.#parameters.values()]);
        if (message.id === WELCOME_REQUEST && message.parameters.length > 0) {
          const parameterNames = message.parameters.map((p) => p.name);
          await this.#send({ op: "subscribeParameterUpdates", parameterNames });
        }
        return;
      case "pong":
        return this.#pinger.pong(message);
      case "status":
        this.#notices.delete(message.id ?? "");
        this.#notices.set(message.id ?? "", { level: message.level, message: message.message });
        return this.events.notice([...this.#notices.values()].at(-1));
      case "removeStatus":
        for (const id of message.statusIds) this.#notices.delete(id);
        return this.events.notice([...this.#notices.values()].at(-1));
      default:
        return;
    }
  }

  /** Forgets what the gateway said before: a new session may have renumbered everything. */
  #newSession(): void {
    this.#topics.newSession();
    this.#readTracks();
    this.#calls.failAll("the gateway started a new session");
    this.#services.clear();
    this.#parameters.clear();
    this.#notices.clear();
    this.events.channels([]);
    this.events.services([]);
    this.events.parameters([]);
    this.events.notice(undefined);
  }

  async #channelsChanged(): Promise<void> {
    this.events.channels(
      this.#topics.channels.map((channel) => ({ ...channel, delivery: deliveryOf(channel) })),
    );
    await this.#syncSubscriptions();
  }

  async #syncSubscriptions(): Promise<void> {
    const pending = this.#topics.takePending();
    this.#readTracks();
    if (pending.length === 0) return;
    await this.#send({
      op: "subscribe",
      channels: pending.map(({ id }) => ({ id, requestVideoTrack: false })),
    });
  }

  /** Reads the data tracks of the subscribed Lossy channels, and only those. */
  #readTracks(): void {
    const lossy = this.#topics.subscribed.filter((c) => deliveryOf(c) === "data track");
    this.#tracks.read(lossy.map((channel) => channel.id));
  }

  #send(message: ClientMessage): Promise<void> {
    if (!this.#writer) return Promise.resolve();
    return this.#writer.send(encodeClientFrame(message));
  }
}

/** Reliable channels are advertised as such and come on the control stream (spec 11.12). */
function deliveryOf(channel: AdvertisedChannel): Delivery {
  return channel.metadata?.["foxglove.reliable"] === "true" ? "control stream" : "data track";
}
