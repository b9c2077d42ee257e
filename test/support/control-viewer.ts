import type { ByteStreamSink, RemoteDataTrack } from "../../src/livekit/index.js";
import { joinRoom } from "../../src/livekit/index.js";
import {
  decodeDataTrackFrame,
  readServerMessages,
  type ServerMessageData,
} from "../../src/protocol/index.js";
import { RoomViewer } from "./room-viewer.js";
import { mintToken } from "./rtc.js";

const CONTROL_TOPIC = "control";

/** A message received on a channel's data track. */
export interface TrackMessage {
  sequence: number;
  logTime?: bigint;
  payload: Uint8Array;
}

export interface ControlViewerOptions {
  /** The gateway's identity. Default: the dev API's device id. */
  gateway?: string;
  /** The `protocolVersion` attribute; `null` sets none. Default: `2.2.0`. */
  protocolVersion?: string | null;
}

/**
 * A Foxglove viewer of protocol 2.2 written with rtc-node, behaving like today's app: it sets the
 * `protocolVersion` attribute, reads its `control` stream, sends on one persistent `control`
 * stream, and reads Lossy channels from their `data-ch-<id>` data tracks.
 */
export class ControlViewer extends RoomViewer {
  /** Messages received on each channel's data track. */
  readonly trackData = new Map<number, TrackMessage[]>();
  /** Control streams received, and how each ended (`open` while it runs). */
  readonly streams: Array<{ ending: string }> = [];
  /** Data tracks seen, by name. */
  readonly tracks = new Map<string, RemoteDataTrack>();
  #wanted = new Set<number>();
  #reading = new Set<string>();
  #outgoing?: Promise<ByteStreamSink>;
  #sending: Promise<void> = Promise.resolve();

  static async join(
    url: string,
    roomName: string,
    identity: string,
    options: ControlViewerOptions = {},
  ): Promise<ControlViewer> {
    const version = options.protocolVersion === undefined ? "2.2.0" : options.protocolVersion;
    const attributes = version === null ? undefined : { protocolVersion: version };
    const room = await joinRoom(url, await mintToken(roomName, identity, "10m", attributes));
    const viewer = new ControlViewer(room, options.gateway ?? "dev_testdevice");
    room.onByteStream(CONTROL_TOPIC, (reader) => void viewer.#readControl(reader));
    room.onDataTrack((track) => {
      viewer.tracks.set(track.name, track);
      viewer.waiters.wake();
      viewer.#readTrack(track);
    });
    return viewer;
  }

  /** The Reliable `messageData` received for a channel. */
  reliable(channelId: number): ServerMessageData[] {
    return this.control.filter(
      (m): m is ServerMessageData => m.op === "messageData" && Number(m.channelId) === channelId,
    );
  }

  /** Writes on the viewer's one persistent control stream, in order. */
  sendRaw(chunks: Uint8Array[]): Promise<void> {
    this.#outgoing ??= this.room.openByteStream(CONTROL_TOPIC, [this.gateway]);
    const outgoing = this.#outgoing;
    this.#sending = this.#sending.then(async () => {
      const stream = await outgoing;
      for (const chunk of chunks) await stream.write(chunk);
    });
    return this.#sending;
  }

  /** Lossy channels are read from their data tracks. */
  protected listenFor(channelId: number): void {
    this.#wanted.add(channelId);
    const track = this.tracks.get(`data-ch-${channelId}`);
    if (track) this.#readTrack(track);
  }

  async #readControl(reader: AsyncIterable<Uint8Array>): Promise<void> {
    const stream = { ending: "open" };
    this.streams.push(stream);
    for await (const event of readServerMessages(reader)) {
      if (event.kind === "message") this.control.push(event.message);
      else if (event.kind !== "skip") stream.ending = event.kind;
      this.waiters.wake();
    }
  }

  #readTrack(track: RemoteDataTrack): void {
    const id = Number(/^data-ch-(\d+)$/.exec(track.name)?.[1]);
    if (!this.#wanted.has(id) || this.#reading.has(track.sid)) return;
    this.#reading.add(track.sid);
    void (async () => {
      for await (const frame of track.subscribe({ bufferSize: 1024 })) {
        const decoded = decodeDataTrackFrame(frame.payload);
        if (!decoded.ok) continue;
        const messages = this.trackData.get(id) ?? [];
        messages.push({
          sequence: decoded.value.sequence,
          logTime: frame.userTimestamp,
          payload: decoded.value.payload.slice(),
        });
        this.trackData.set(id, messages);
        this.waiters.wake();
      }
    })().catch(() => {});
  }
}
