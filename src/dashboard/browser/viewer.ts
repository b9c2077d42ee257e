// The page's protocol 0.20 viewer: joins the LiveKit room with livekit-client and speaks to the
// gateway over `ws-protocol` and `ch-<id>` byte streams, as the Foxglove app did then. No DOM here;
// see viewer-panel.ts. The 2.2 viewer is control-viewer.ts.
import { type ByteStreamReader, Room, RoomEvent } from "livekit-client";
import {
  type ClientJsonMessage,
  encodeClientJsonFrame,
  readServerMessages,
  type ServerMessage,
} from "../../protocol/index.js";
import type { ViewerGrant } from "../wire.js";
import type { PageViewer, ViewerEvents } from "./page-viewer.js";
import { TopicSubscriptions } from "./topic-subscriptions.js";

const CONTROL_TOPIC = "ws-protocol";

/**
 * Subscriptions are remembered by topic: when the gateway starts a new session (after a reconnect
 * it sends serverInfo again and advertises new ids), the viewer subscribes again to the same topics.
 */
export class BrowserViewer implements PageViewer {
  #room: Room | undefined;
  readonly #topics = new TopicSubscriptions();
  #dataHandlers = new Set<number>();
  #gateway = "";

  constructor(private readonly events: ViewerEvents) {}

  get identity(): string | undefined {
    return this.#room?.localParticipant.identity;
  }

  async join(grant: ViewerGrant): Promise<void> {
    await this.leave();
    const room = new Room({ adaptiveStream: false, dynacast: false });
    this.#room = room;
    this.#gateway = grant.gateway;
    this.#dataHandlers = new Set();
    this.#topics.newSession();
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
    return this.#topics.isWanted(topic);
  }

  async subscribe(topic: string): Promise<void> {
    this.#topics.want(topic);
    await this.#syncSubscriptions();
  }

  async unsubscribe(topic: string): Promise<void> {
    const ids = this.#topics.drop(topic);
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
        this.#topics.newSession();
        break;
      case "advertise":
        this.#topics.advertise(message.channels);
        break;
      case "unadvertise":
        this.#topics.unadvertise(message.channelIds);
        break;
      default:
        return;
    }
    this.events.channels(
      this.#topics.channels.map((channel) => ({ ...channel, delivery: "byte stream" })),
    );
    await this.#syncSubscriptions();
  }

  async #syncSubscriptions(): Promise<void> {
    const ids = this.#topics.takePending().map((channel) => channel.id);
    if (ids.length === 0) return;
    for (const id of ids) this.#listenForData(id);
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
      const { channelId, data } = event.message;
      this.events.message(Number(channelId), data, "byte stream");
    }
  }

  /** Each client message goes on a stream of its own, as the Foxglove app sent them then. */
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
