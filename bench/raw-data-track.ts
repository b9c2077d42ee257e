/**
 * The data-track ceiling: frames framed exactly as the gateway frames them (the 8-byte header of
 * `encodeDataTrackFrame`, a per-track sequence, the log time as the user timestamp), pushed with plain `tryPush` on a
 * track published with the adapter's `publishDataTrack`, from one Room to another over the same
 * livekit-server, and counted by the same receiver as the gateway's viewer. No context, no session:
 * only the encode the gateway also does, and the data track.
 */
import { nowNanos } from "../src/context/index.js";
import type { LocalLivekitServer } from "../src/dev/index.js";
import { type JoinedRoom, joinRoom } from "../src/livekit/index.js";
import { encodeDataTrackFrame, nextDataTrackSequence } from "../src/protocol/index.js";
import { DataTrackCounter } from "./data-track-counter.js";
import type { DataTrackPath } from "./data-track-run.js";
import { devToken } from "./gateway-stack.js";
import { waitUntil } from "./stats.js";

const PUBLISHER = "raw-dt-publisher";

/** Two Rooms in a room of their own, one published track per name; `stop()` leaves both. */
export interface RawDataTracks {
  readonly paths: ReadonlyMap<string, DataTrackPath>;
  stop(): Promise<void>;
}

/**
 * Joins a publisher and a subscriber, publishes one track per name and subscribes to each with
 * `bufferSize` (as the gateway's viewer does), all before anything is timed.
 *
 * @example
 * const raw = await startRawDataTracks(livekit, ["raw-1k"], 1024);
 * await runPaced(raw.paths.get("raw-1k")!, { size: 1024, mbPerS: 1, seconds: 2, run: 1 });
 * await raw.stop();
 */
export async function startRawDataTracks(
  livekit: LocalLivekitServer,
  names: readonly string[],
  bufferSize: number,
): Promise<RawDataTracks> {
  const room = `bench-raw-dt-${Math.random().toString(36).slice(2)}`;
  const rooms: JoinedRoom[] = [];
  const stop = async () => {
    await Promise.all(rooms.map((r) => r.disconnect()));
  };
  try {
    const subscriber = await joinRoom(livekit.url, await devToken(room, "raw-dt-subscriber"));
    rooms.push(subscriber);
    const publisher = await joinRoom(livekit.url, await devToken(room, PUBLISHER));
    rooms.push(publisher);
    const counters = new Map(names.map((name) => [name, new DataTrackCounter()]));
    const subscribed = new Set<string>();
    subscriber.onDataTrack((track) => {
      const counter = counters.get(track.name);
      if (!counter || track.publisherIdentity !== PUBLISHER || subscribed.has(track.name)) return;
      subscribed.add(track.name);
      void counter.consume(track.subscribe({ bufferSize })).catch(() => {});
    });
    const paths = new Map<string, DataTrackPath>();
    for (const [name, counter] of counters) {
      const track = await publisher.publishDataTrack(name);
      let sequence = 0;
      let refused = 0;
      paths.set(name, {
        counter,
        refused: () => refused,
        send(payload) {
          const frame = encodeDataTrackFrame(sequence, payload);
          sequence = nextDataTrackSequence(sequence);
          if (!track.tryPush(frame, nowNanos()).ok) refused++;
        },
      });
    }
    await waitUntil(() => subscribed.size === names.length, 10_000, "raw data tracks announced");
    return { paths, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
