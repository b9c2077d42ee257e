import type { RemoteDataTrack } from "livekit-client";
import { decodeDataTrackFrame } from "../../protocol/index.js";

/** Frames a track may hold for the page before LiveKit drops the oldest. */
const BUFFERED_FRAMES = 64;

interface Reader {
  readonly sid: string;
  readonly abort: AbortController;
}

/**
 * Reads the `data-ch-<id>` data tracks of the Lossy channels the page subscribed to. The gateway
 * publishes a track for every Lossy channel; the page subscribes (in LiveKit) only to those it
 * reads, and stops reading when it unsubscribes. A track republished under the same name (a new
 * gateway session) is read afresh.
 */
export class DataTrackReaders {
  /** The gateway's tracks, by name: the latest published under each. */
  readonly #tracks = new Map<string, RemoteDataTrack>();
  readonly #readers = new Map<number, Reader>();
  #wanted: ReadonlySet<number> = new Set();

  constructor(private readonly onMessage: (channelId: number, payload: Uint8Array) => void) {}

  published(track: RemoteDataTrack): void {
    this.#tracks.set(track.info.name, track);
    this.#update();
  }

  unpublished(sid: string): void {
    for (const [name, track] of this.#tracks) if (track.info.sid === sid) this.#tracks.delete(name);
    this.#update();
  }

  /** Reads these channels' tracks (as soon as each is published), and no others. */
  read(channelIds: Iterable<number>): void {
    this.#wanted = new Set(channelIds);
    this.#update();
  }

  /** Stops reading and forgets the tracks (the room is left). */
  clear(): void {
    this.#tracks.clear();
    this.read([]);
  }

  #update(): void {
    for (const [id, reader] of this.#readers) {
      if (this.#wanted.has(id) && this.#tracks.get(trackName(id))?.info.sid === reader.sid)
        continue;
      reader.abort.abort();
      this.#readers.delete(id);
    }
    for (const id of this.#wanted) {
      const track = this.#tracks.get(trackName(id));
      if (track && !this.#readers.has(id)) this.#start(id, track);
    }
  }

  #start(channelId: number, track: RemoteDataTrack): void {
    const reader: Reader = { sid: track.info.sid, abort: new AbortController() };
    this.#readers.set(channelId, reader);
    const frames = track
      .subscribe({ signal: reader.abort.signal, bufferSize: BUFFERED_FRAMES })
      .getReader();
    void (async () => {
      for (;;) {
        const { done, value } = await frames.read();
        if (done) return;
        // The header's data offset says where the message starts; the log time is not shown.
        const frame = decodeDataTrackFrame(value.payload);
        if (frame.ok) this.onMessage(channelId, frame.value.payload);
      }
    })()
      .catch(() => {})
      .finally(() => {
        if (this.#readers.get(channelId) === reader) this.#readers.delete(channelId);
      });
  }
}

function trackName(channelId: number): string {
  return `data-ch-${channelId}`;
}
