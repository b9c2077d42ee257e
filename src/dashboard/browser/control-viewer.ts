// The page's protocol 2.2 viewer: joins the room with livekit-client as today's Foxglove app does
// (the `protocolVersion` attribute comes with its token), speaks on one persistent `control` stream,
// reads Lossy channels from their `data-ch-<id>` data tracks and Reliable ones from the control
// stream, and uses the gateway's services, parameters and ping. No DOM here; see viewer-panel.ts.
import {
  type ByteStreamReader,
  type ByteStreamWriter,
  type RemoteDataTrack,
  Room,
  RoomEvent,
} from "livekit-client";
import {
  type AdvertisedChannel,
  type ClientMessage,
  decodeDataTrackFrame,
  encodeClientBinaryFrame,
  encodeClientJsonFrame,
  type Parameter,
  readServerMessages,
  type ServerMessage,
  type ServiceAdvertisement,
} from "../../protocol/index.js";
import type { ViewerGrant } from "../wire.js";
import type { PageViewer, ViewerEvents } from "./viewer.js";

const CONTROL_TOPIC = "control";
const PING_INTERVAL_MS = 3_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ControlBrowserViewer implements PageViewer {
  #room: Room | undefined;
  #gateway = "";
  #outgoing: Promise<ByteStreamWriter> | undefined;
  #sending: Promise<void> = Promise.resolve();
  readonly #channels = new Map<number, AdvertisedChannel>();
  readonly #wantedTopics = new Set<string>();
  readonly #subscribed = new Set<number>();
  readonly #tracks = new Map<string, RemoteDataTrack>();
  readonly #reading = new Map<number, AbortController>();
  readonly #services = new Map<number, ServiceAdvertisement>();
  readonly #parameters = new Map<string, Parameter>();
  #nextCallId = 1;
  #pinger: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly events: ViewerEvents) {}

  get identity(): string | undefined {
    return this.#room?.localParticipant.identity;
  }

  async join(grant: ViewerGrant): Promise<void> {
    await this.leave();
    const room = new Room({ adaptiveStream: false, dynacast: false });
    this.#room = room;
    this.#gateway = grant.gateway;
    this.#reset();
    room.registerByteStreamHandler(CONTROL_TOPIC, (reader) => void this.#readControl(reader));
    room
      .on(RoomEvent.DataTrackPublished, (track) => this.#addTrack(track))
      .on(RoomEvent.Reconnecting, () => this.events.connection("reconnecting"))
      .on(RoomEvent.Reconnected, () => this.events.connection("joined"))
      .on(RoomEvent.Disconnected, (reason) => {
        if (this.#room === room) this.events.connection("left", String(reason ?? ""));
      });
    this.events.connection("joining");
    this.events.channels([]);
    await room.connect(grant.url, grant.token);
    for (const participant of room.remoteParticipants.values()) {
      for (const track of participant.dataTracks.values()) this.#addTrack(track);
    }
    this.events.connection("joined");
    this.#pinger = setInterval(() => {
      void this.#send({ op: "ping", appTimestamp: BigInt(Date.now()) });
    }, PING_INTERVAL_MS);
  }

  async leave(): Promise<void> {
    const room = this.#room;
    this.#room = undefined;
    clearInterval(this.#pinger);
    for (const reading of this.#reading.values()) reading.abort();
    this.#reading.clear();
    this.#outgoing = undefined;
    await room?.disconnect();
  }

  isSubscribed(topic: string): boolean {
    return this.#wantedTopics.has(topic);
  }

  async subscribe(topic: string): Promise<void> {
    this.#wantedTopics.add(topic);
    await this.#syncSubscriptions();
  }

  async unsubscribe(topic: string): Promise<void> {
    this.#wantedTopics.delete(topic);
    const ids = [...this.#subscribed].filter((id) => this.#channels.get(id)?.topic === topic);
    for (const id of ids) {
      this.#subscribed.delete(id);
      this.#reading.get(id)?.abort();
      this.#reading.delete(id);
    }
    if (ids.length > 0) await this.#send({ op: "unsubscribe", channelIds: ids });
  }

  /** Calls a service with a JSON request; the answer comes as a `reply` event. */
  async callService(name: string, request: string): Promise<void> {
    const service = [...this.#services.values()].find((s) => s.name === name);
    if (!service) return;
    await this.#send({
      op: "serviceCallRequest",
      serviceId: service.id,
      callId: this.#nextCallId++,
      encoding: service.request?.encoding ?? "json",
      payload: encoder.encode(request),
    });
  }

  /** Sets a parameter: numbers stay numbers, `true`/`false` booleans, anything else a string. */
  async setParameter(name: string, text: string): Promise<void> {
    const current = this.#parameters.get(name);
    const kind = current?.value?.kind;
    const parameter: Parameter =
      kind === "float64" || current?.type === "float64"
        ? { name, type: "float64", value: { kind: "float64", value: Number(text) } }
        : kind === "bool"
          ? { name, value: { kind: "bool", value: text === "true" } }
          : { name, value: { kind: "string", value: text } };
    await this.#send({ op: "setParameters", parameters: [parameter], id: `set-${name}` });
  }

  #reset(): void {
    this.#channels.clear();
    this.#subscribed.clear();
    this.#tracks.clear();
    this.#services.clear();
    this.#parameters.clear();
    this.events.services?.([]);
    this.events.parameters?.([]);
  }

  async #readControl(reader: ByteStreamReader): Promise<void> {
    for await (const event of readServerMessages(reader)) {
      if (event.kind === "message") await this.#onControl(event.message);
    }
  }

  async #onControl(message: ServerMessage): Promise<void> {
    switch (message.op) {
      case "serverInfo":
        // A new gateway session (or a reset control stream): it may have renumbered everything.
        for (const reading of this.#reading.values()) reading.abort();
        this.#reading.clear();
        this.#channels.clear();
        this.#subscribed.clear();
        this.#services.clear();
        this.events.services?.([]);
        if (message.capabilities.includes("parameters")) {
          await this.#send({ op: "getParameters", parameterNames: [], id: "dashboard" });
        }
        break;
      case "advertise":
        for (const channel of message.channels) this.#channels.set(channel.id, channel);
        break;
      case "unadvertise":
        for (const id of message.channelIds) {
          this.#channels.delete(id);
          this.#subscribed.delete(id);
        }
        break;
      case "messageData":
        this.events.message(Number(message.channelId), message.data, message.logTime);
        return;
      case "advertiseServices":
        for (const service of message.services) this.#services.set(service.id, service);
        this.events.services?.([...this.#services.values()]);
        return;
      case "unadvertiseServices":
        for (const id of message.serviceIds) this.#services.delete(id);
        this.events.services?.([...this.#services.values()]);
        return;
      case "serviceCallResponse": {
        const name = this.#services.get(message.serviceId)?.name ?? message.serviceId;
        this.events.reply?.(`${name} → ${decoder.decode(message.payload)}`);
        return;
      }
      case "serviceCallFailure": {
        const name = this.#services.get(message.serviceId)?.name ?? message.serviceId;
        this.events.reply?.(`${name} failed: ${message.message}`);
        return;
      }
      case "parameterValues": {
        const first = this.#parameters.size === 0;
        for (const parameter of message.parameters) this.#parameters.set(parameter.name, parameter);
        this.events.parameters?.([...this.#parameters.values()]);
        if (first && message.parameters.length > 0) {
          const parameterNames = message.parameters.map((p) => p.name);
          await this.#send({ op: "subscribeParameterUpdates", parameterNames });
        }
        return;
      }
      case "pong":
        this.events.rtt?.(Date.now() - Number(message.appTimestamp));
        await this.#send({ op: "pingAck", deviceTimestamp: message.deviceTimeMs });
        return;
      case "status":
        this.events.reply?.(`status: ${message.message}`);
        return;
      default:
        return;
    }
    this.events.channels([...this.#channels.values()]);
    await this.#syncSubscriptions();
  }

  async #syncSubscriptions(): Promise<void> {
    const ids = [...this.#channels.values()]
      .filter((c) => this.#wantedTopics.has(c.topic) && !this.#subscribed.has(c.id))
      .map((c) => c.id);
    if (ids.length === 0) return;
    for (const id of ids) {
      this.#subscribed.add(id);
      const track = this.#tracks.get(`data-ch-${id}`);
      if (track) this.#readTrack(id, track);
    }
    await this.#send({
      op: "subscribe",
      channels: ids.map((id) => ({ id, requestVideoTrack: false })),
    });
  }

  #addTrack(track: RemoteDataTrack): void {
    this.#tracks.set(track.info.name, track);
    const id = Number(/^data-ch-(\d+)$/.exec(track.info.name)?.[1]);
    if (this.#subscribed.has(id)) this.#readTrack(id, track);
  }

  #readTrack(channelId: number, track: RemoteDataTrack): void {
    if (this.#reading.has(channelId)) return;
    const abort = new AbortController();
    this.#reading.set(channelId, abort);
    const reader = track.subscribe({ signal: abort.signal, bufferSize: 64 }).getReader();
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const frame = decodeDataTrackFrame(value.payload);
        if (frame.ok)
          this.events.message(channelId, frame.value.payload, value.userTimestamp ?? 0n);
      }
    })()
      .catch(() => {})
      .finally(() => {
        if (this.#reading.get(channelId) === abort) this.#reading.delete(channelId);
      });
  }

  /** Everything goes, in order, on one persistent control stream, as the Foxglove app sends. */
  #send(message: ClientMessage): Promise<void> {
    const room = this.#room;
    if (!room) return Promise.resolve();
    this.#outgoing ??= room.localParticipant.streamBytes({
      topic: CONTROL_TOPIC,
      destinationIdentities: [this.#gateway],
    });
    const outgoing = this.#outgoing;
    const frame = isBinary(message)
      ? encodeClientBinaryFrame(message as never)
      : encodeClientJsonFrame(message as never);
    this.#sending = this.#sending.then(async () => (await outgoing).write(frame)).catch(() => {});
    return this.#sending;
  }
}

function isBinary(message: ClientMessage): boolean {
  return ["messageData", "serviceCallRequest", "ping", "pingAck"].includes(message.op);
}
