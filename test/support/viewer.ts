import { type JoinedRoom, joinRoom } from "../../src/livekit/index.js";
import {
  type ClientMessage,
  encodeClientBinaryFrame,
  encodeClientJsonFrame,
  readServerMessages,
  type ServerMessage,
  type ServerMessageData,
} from "../../src/protocol/index.js";
import { mintToken } from "./rtc.js";
import { Waiters } from "./waiters.js";

const CONTROL_TOPIC = "ws-protocol";

/** One `ch-<id>` stream as the viewer received it. */
export interface DataStream {
  /** Order in which this viewer saw the channel's streams open (0 first). */
  index: number;
  messages: ServerMessageData[];
}

/**
 * A Foxglove viewer written with rtc-node, behaving like the reference test viewer (spec 9): it
 * reads the gateway's control stream, sends each message on a stream of its own, and reads
 * `ch-<id>` data streams for the channels it subscribes to.
 */
export class TestViewer {
  readonly control: ServerMessage[] = [];
  readonly data = new Map<number, DataStream[]>();
  /** How each incoming stream ended (`end`, `truncated`, `stop`), by topic. */
  readonly endings: Array<{ topic: string; kind: string }> = [];
  readonly #waiters = new Waiters();
  #dataTopics = new Set<number>();

  private constructor(
    readonly room: JoinedRoom,
    readonly gateway: string,
  ) {}

  /** Joins the room and starts listening for the gateway's control stream. */
  static async join(
    url: string,
    roomName: string,
    identity: string,
    gateway = "dev_testdevice",
  ): Promise<TestViewer> {
    const room = await joinRoom(url, await mintToken(roomName, identity));
    const viewer = new TestViewer(room, gateway);
    room.onByteStream(CONTROL_TOPIC, (reader) => void viewer.#read(CONTROL_TOPIC, reader));
    return viewer;
  }

  get identity(): string {
    return this.room.identity;
  }

  /** Resolves with the first control message (already received or future) that matches. */
  async nextControl<T extends ServerMessage>(
    match: (m: ServerMessage) => m is T,
    timeoutMs?: number,
  ): Promise<T>;
  async nextControl(
    match: (m: ServerMessage) => boolean,
    timeoutMs?: number,
  ): Promise<ServerMessage>;
  async nextControl(
    match: (m: ServerMessage) => boolean,
    timeoutMs = 10_000,
  ): Promise<ServerMessage> {
    return this.until(() => this.control.find(match), timeoutMs, "control message");
  }

  /** Resolves once `count` data messages arrived on a channel, across all its streams. */
  async dataMessages(
    channelId: number,
    count: number,
    timeoutMs = 10_000,
  ): Promise<ServerMessageData[]> {
    return this.until(
      () => {
        const all = (this.data.get(channelId) ?? []).flatMap((stream) => stream.messages);
        return all.length >= count ? all : undefined;
      },
      timeoutMs,
      `${count} messages on channel ${channelId}`,
    );
  }

  /** Sends one client message on a new stream, as the reference viewer does. */
  async send(message: ClientMessage): Promise<void> {
    const frame =
      "op" in message && isBinary(message)
        ? encodeClientBinaryFrame(message as never)
        : encodeClientJsonFrame(message as never);
    await this.sendRaw([frame]);
  }

  /** Writes raw chunks on a new control stream to the gateway: for malformed input. */
  async sendRaw(chunks: Uint8Array[]): Promise<void> {
    const stream = await this.room.openByteStream(CONTROL_TOPIC, [this.gateway]);
    for (const chunk of chunks) await stream.write(chunk);
    await stream.close();
  }

  async subscribe(...channelIds: number[]): Promise<void> {
    for (const id of channelIds) this.#listenForData(id);
    await this.send({
      op: "subscribe",
      channels: channelIds.map((id) => ({ id, requestVideoTrack: false })),
    });
  }

  async unsubscribe(...channelIds: number[]): Promise<void> {
    await this.send({ op: "unsubscribe", channelIds });
  }

  async leave(): Promise<void> {
    await this.room.disconnect();
  }

  /** Re-checks `read` whenever something arrives (and every 250 ms) until it returns a value. */
  async until<T>(read: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.#waiters.until(
      read,
      timeoutMs,
      () => `${this.identity} timed out waiting for ${what}; control: ${describe(this.control)}`,
    );
  }

  #listenForData(channelId: number): void {
    if (this.#dataTopics.has(channelId)) return;
    this.#dataTopics.add(channelId);
    this.room.onByteStream(
      `ch-${channelId}`,
      (reader) => void this.#read(`ch-${channelId}`, reader),
    );
  }

  async #read(topic: string, reader: AsyncIterable<Uint8Array>): Promise<void> {
    let stream: DataStream | undefined;
    for await (const event of readServerMessages(reader)) {
      if (event.kind === "message") {
        const { message } = event;
        if (message.op === "messageData") {
          const id = Number(message.channelId);
          if (!stream) {
            const streams = this.data.get(id) ?? [];
            stream = { index: streams.length, messages: [] };
            streams.push(stream);
            this.data.set(id, streams);
          }
          stream.messages.push(message);
        } else {
          this.control.push(message);
        }
      } else if (event.kind !== "skip") {
        this.endings.push({ topic, kind: event.kind });
      }
      this.#waiters.wake();
    }
  }
}

function isBinary(message: ClientMessage): boolean {
  return (
    message.op === "messageData" ||
    message.op === "serviceCallRequest" ||
    message.op === "playbackControlRequest" ||
    message.op === "ping" ||
    message.op === "pingAck"
  );
}

function describe(messages: ServerMessage[]): string {
  return JSON.stringify(messages.map((m) => m.op));
}
