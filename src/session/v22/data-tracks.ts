import { encodeDataTrackFrame, nextDataTrackSequence } from "../../protocol/index.js";
import type { SessionLog } from "../session-log.js";
import { Throttle } from "../throttle.js";

/** A published LiveKit data track, as the session uses it. */
export interface DataTrackSink {
  /** Queues one frame; never throws. */
  tryPush(
    payload: Uint8Array,
    userTimestamp?: bigint,
  ): { ok: true } | { ok: false; reason: string };
  /** Idempotent; never rejects. */
  unpublish(): Promise<void>;
}

/** Publishes data tracks (the room's side of the port). */
export type PublishDataTrack = (name: string) => Promise<DataTrackSink>;

/** The LiveKit data track of a Lossy channel. */
export function dataTrackName(channelId: number): string {
  return `data-ch-${channelId}`;
}

/** Publish retries back off from here... */
export const PUBLISH_RETRY_INITIAL_MS = 100;
/** ...doubling up to this (a name can stay taken while the SFU finishes an unpublish). */
export const PUBLISH_RETRY_MAX_MS = 3_000;

/** What became of one logged message. */
export type PushOutcome = "pushed" | "oversized" | "not-ready" | "refused";

interface Track {
  readonly name: string;
  sink?: DataTrackSink;
  sequence: number;
  /** Stops the publish retries; set once the channel is removed. */
  readonly cancel: AbortController;
  /** Settles once publishing succeeded or gave up. */
  published?: Promise<void>;
}

/**
 * One data track per advertised Lossy channel (spec 11.2): published as soon as the channel is
 * advertised, retried with backoff, framed with the 8-byte header and a per-track sequence, the
 * log time as the frame's user timestamp. Which viewers get the frames is LiveKit's business
 * (each viewer subscribes to the tracks it wants); messages over the size limit are refused here.
 */
export class DataTracks {
  readonly #tracks = new Map<number, Track>();
  readonly #publish: PublishDataTrack;
  readonly #log: SessionLog;
  readonly #limit: number;
  readonly #debugThrottle = new Throttle();

  constructor(options: { publish: PublishDataTrack; log: SessionLog; limit: number }) {
    this.#publish = options.publish;
    this.#log = options.log;
    this.#limit = options.limit;
  }

  /** Starts publishing the channel's track (once). */
  add(channelId: number): void {
    if (this.#tracks.has(channelId)) return;
    const track: Track = {
      name: dataTrackName(channelId),
      sequence: 0,
      cancel: new AbortController(),
    };
    track.published = this.#publishWithRetry(track);
    this.#tracks.set(channelId, track);
  }

  /** Stops publishing the channel's track and unpublishes it once any publish in flight settles. */
  remove(channelId: number): Promise<void> {
    const track = this.#tracks.get(channelId);
    if (!track) return Promise.resolve();
    this.#tracks.delete(channelId);
    track.cancel.abort();
    return (track.published ?? Promise.resolve()).then(() => track.sink?.unpublish());
  }

  /** Unpublishes every track. */
  async close(): Promise<void> {
    await Promise.all([...this.#tracks.keys()].map((id) => this.remove(id)));
  }

  /** Pushes one message on the channel's track, unless it is over the limit or not published yet. */
  push(channelId: number, payload: Uint8Array, logTime: bigint): PushOutcome {
    if (payload.length > this.#limit) return "oversized";
    const track = this.#tracks.get(channelId);
    if (!track?.sink) {
      this.#debug(`data track of channel ${channelId} is not published yet: message dropped`);
      return "not-ready";
    }
    const frame = encodeDataTrackFrame(track.sequence, payload);
    track.sequence = nextDataTrackSequence(track.sequence);
    const result = track.sink.tryPush(frame, logTime);
    if (result.ok) return "pushed";
    this.#debug(`data track ${track.name} refused a message: ${result.reason}`);
    return "refused";
  }

  async #publishWithRetry(track: Track): Promise<void> {
    const { signal } = track.cancel;
    for (let delay = PUBLISH_RETRY_INITIAL_MS; !signal.aborted; ) {
      try {
        const sink = await this.#publish(track.name);
        if (signal.aborted) {
          await sink.unpublish();
          return;
        }
        track.sink = sink;
        this.#log.debug(`published data track ${track.name}`);
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.#log.debug(
          `publishing ${track.name} failed (${String(error)}); retrying in ${delay} ms`,
        );
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, PUBLISH_RETRY_MAX_MS);
    }
  }

  #debug(line: string): void {
    if (this.#debugThrottle.allow()) this.#log.debug(line);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
