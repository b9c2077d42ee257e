// The page's protocol 0.20 viewer: joins the LiveKit room with livekit-client and speaks to the
// gateway over `ws-protocol` and `ch-<id>` byte streams. No DOM here; see viewer-panel.ts.
import { type ByteStreamReader, Room, RoomEvent } from "livekit-client";
import {
  type AdvertisedChannel,
  type ClientJsonMessage,
  encodeClientJsonFrame,
  type Parameter,
  readServerMessages,
  type ServerMessage,
  type ServiceAdvertisement,
} from "../../protocol/index.js";
import type { ViewerGrant } from "../wire.js";

const CONTROL_TOPIC = "ws-protocol";

export type ViewerConnection = "joining" | "joined" | "reconnecting" | "left";

export interface ViewerEvents {
  connection(state: ViewerConnection, detail?: string): void;
  /** The gateway's current channels (after every advertise and unadvertise). */
  channels(channels: readonly AdvertisedChannel[]): void;
  message(channelId: number, payload: Uint8Array, logTime: bigint): void;
  /** Protocol 2.2: the gateway's services. */
  services?(services: readonly ServiceAdvertisement[]): void;
  /** Protocol 2.2: the parameters known so far. */
  parameters?(parameters: readonly Parameter[]): void;
  /** Protocol 2.2: the round trip of the last ping, in ms. */
  rtt?(ms: number): void;
  /** Protocol 2.2: a service's answer, or a status from the gateway, as text. */
  reply?(text: string): void;
}

/** What the page's panel needs from a viewer of either protocol. */
export interface PageViewer {
  readonly identity: string | undefined;
  join(grant: ViewerGrant): Promise<void>;
  leave(): Promise<void>;
  isSubscribed(topic: string): boolean;
  subscribe(topic: string): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  callService?(name: string, request: string): Promise<void>;
  setParameter?(name: string, text: string): Promise<void>;
}

/**
 * The page's viewer. Subscriptions are remembered by topic: when the gateway starts a
 * new session (after a reconnect it sends serverInfo again and advertises new ids), the viewer
 * subscribes again to the same topics.
 */
export class BrowserViewer implements PageViewer {
  #room: Room | undefined;
  readonly #channels = new Map<number, AdvertisedChannel>();
  readonly #wantedTopics = new Set<string>();
  readonly #subscribed = new Set<number>();
  #dataHandlers = new Set<number>();
  #gateway = "";

  constructor(private readonly events: ViewerEvents) {}

  get identity(): string | undefined {
    return this.#room?.localParticipant.identity;
  }

  /** Joins the room in a fresh LiveKit `Room` (after leaving any earlier one). */
  async join(grant: ViewerGrant): Promise<void> {
    await this.leave();
    const room = new Room({ adaptiveStream: false, dynacast: false });
    this.#room = room;
    this.#gateway = grant.gateway;
    this.#dataHandlers = new Set();
    this.#channels.clear();
    this.#subscribed.clear();
    room.registerByteStreamHandler(CONTROL_TOPIC, (reader) => void this.#readControl(reader));
    room
      .on(RoomEvent.Reconnecting, () => this.events.connection("reconnecting"))
      .on(RoomEvent.Reconnected, () => this.events.connection("joined"))
      .on(RoomEvent.Disconnected, (reason) => {
        if (this.#room === room) this.events.connection("left", String(reason ?? ""));
      });
    this.events.connection("joining");
    this.events.channels([]);
    await room.connect(grant.url, grant.token);
    this.events.connection("joined");
  }

  async leave(): Promise<void> {
    const room = this.#room;
    this.#room = undefined;
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
    for (const id of ids) this.#subscribed.delete(id);
    if (ids.length > 0) await this.#send({ op: "unsubscribe", channelIds: ids });
  }

  async #readControl(reader: ByteStreamReader): Promise<void> {
    for await (const event of readServerMessages(reader)) {
      if (event.kind === "message") await this.#onControl(event.message);
    }
  }

  async #onControl(message: ServerMessage): Promise<void> {
    switch (message.op) {
      case "serverInfo":
        // A new gateway session: it knows nothing of our earlier subscriptions.
        this.#channels.clear();
        this.#subscribed.clear();
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
      default:
        return;
    }
    this.events.channels([...this.#channels.values()]);
    await this.#syncSubscriptions();
  }

  async #syncSubscriptions(): Promise<void> {
    const ids = [...this.#channels.values()]
      .filter(
        (channel) => this.#wantedTopics.has(channel.topic) && !this.#subscribed.has(channel.id),
      )
      .map((channel) => channel.id);
    if (ids.length === 0) return;
    for (const id of ids) {
      this.#subscribed.add(id);
      this.#listenForData(id);
    }
    await this.#send({
      op: "subscribe",
      channels: ids.map((id) => ({ id, requestVideoTrack: false })),
    });
  }

  /** livekit-client allows one handler per topic, for the room's lifetime. */
  #listenForData(channelId: number): void {
    if (!this.#room || this.#dataHandlers.has(channelId)) return;
    this.#dataHandlers.add(channelId);
    this.#room.registerByteStreamHandler(
      `ch-${channelId}`,
      (reader) => void this.#readData(reader),
    );
  }

  async #readData(reader: ByteStreamReader): Promise<void> {
    for await (const event of readServerMessages(reader)) {
      if (event.kind !== "message" || event.message.op !== "messageData") continue;
      const { channelId, data, logTime } = event.message;
      this.events.message(Number(channelId), data, logTime);
    }
  }

  /** Each client message goes on a stream of its own, as the Foxglove app sends them. */
  async #send(message: ClientJsonMessage): Promise<void> {
    if (!this.#room) return;
    const writer = await this.#room.localParticipant.streamBytes({
      topic: CONTROL_TOPIC,
      destinationIdentities: [this.#gateway],
    });
    await writer.write(encodeClientJsonFrame(message));
    await writer.close();
  }
}
