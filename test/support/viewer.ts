import { joinRoom } from "../../src/livekit/index.js";
import { readServerMessages, type ServerMessageData } from "../../src/protocol/index.js";
import { RoomViewer } from "./room-viewer.js";
import { mintToken } from "./rtc.js";

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
export class TestViewer extends RoomViewer {
  readonly data = new Map<number, DataStream[]>();
  /** How each incoming stream ended (`end`, `truncated`, `stop`), by topic. */
  readonly endings: Array<{ topic: string; kind: string }> = [];
  #dataTopics = new Set<number>();

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

  /** Writes on a new control stream, as the reference viewer sends each message. */
  async sendRaw(chunks: Uint8Array[]): Promise<void> {
    const stream = await this.room.openByteStream(CONTROL_TOPIC, [this.gateway]);
    for (const chunk of chunks) await stream.write(chunk);
    await stream.close();
  }

  protected listenFor(channelId: number): void {
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
      this.waiters.wake();
    }
  }
}
