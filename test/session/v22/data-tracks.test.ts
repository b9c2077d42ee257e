import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeDataTrackFrame } from "../../../src/protocol/index.js";
import {
  type DataTrackSink,
  DataTracks,
  PUBLISH_RETRY_INITIAL_MS,
} from "../../../src/session/v22/data-tracks.js";

const log = { info() {}, warn() {}, debug() {} };

/** A published track that records its frames. */
class RecordingTrack implements DataTrackSink {
  readonly frames: Array<{ payload: Uint8Array; userTimestamp?: bigint }> = [];
  unpublished = 0;
  refuse?: string;

  tryPush(payload: Uint8Array, userTimestamp?: bigint) {
    if (this.refuse) return { ok: false as const, reason: this.refuse };
    this.frames.push({ payload, userTimestamp });
    return { ok: true as const };
  }

  async unpublish() {
    this.unpublished++;
  }
}

describe("data tracks of Lossy channels (spec 11.2)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("publishes data-ch-<id>, then pushes framed, sequenced messages with the log time", async () => {
    const track = new RecordingTrack();
    const names: string[] = [];
    const tracks = new DataTracks({
      publish: async (name) => {
        names.push(name);
        return track;
      },
      log,
      limit: 1_200,
    });
    expect(tracks.push(3, new Uint8Array([1]), 1n)).toBe("not-ready");
    tracks.add(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(names).toEqual(["data-ch-3"]);
    expect(tracks.push(3, new Uint8Array([1, 2]), 7n)).toBe("pushed");
    expect(tracks.push(3, new Uint8Array([3]), 8n)).toBe("pushed");
    expect(tracks.push(3, new Uint8Array(1_201), 9n)).toBe("oversized");
    expect(tracks.push(3, new Uint8Array(1_200), 10n)).toBe("pushed");
    const decoded = track.frames.map((f) => {
      const frame = decodeDataTrackFrame(f.payload);
      if (!frame.ok) throw new Error("bad frame");
      return [frame.value.sequence, frame.value.payload.length, f.userTimestamp];
    });
    expect(decoded).toEqual([
      [0, 2, 7n],
      [1, 1, 8n],
      [2, 1_200, 10n],
    ]);
    track.refuse = "QueueFull";
    expect(tracks.push(3, new Uint8Array([1]), 11n)).toBe("refused");
    await tracks.remove(3);
    expect(track.unpublished).toBe(1);
  });

  it("retries a failed publish with a doubling backoff until it succeeds", async () => {
    const track = new RecordingTrack();
    const attempts: number[] = [];
    const tracks = new DataTracks({
      publish: async () => {
        attempts.push(Date.now());
        if (attempts.length < 4) throw new Error("DuplicateName");
        return track;
      },
      log,
      limit: 1_200,
    });
    const start = Date.now();
    tracks.add(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts.map((t) => t - start)).toEqual([
      0,
      PUBLISH_RETRY_INITIAL_MS,
      PUBLISH_RETRY_INITIAL_MS * 3,
      PUBLISH_RETRY_INITIAL_MS * 7,
    ]);
    expect(tracks.push(1, new Uint8Array([1]), 0n)).toBe("pushed");
    await tracks.close();
    expect(track.unpublished).toBe(1);
  });

  it("stops retrying once the channel is removed, and unpublishes a publish that lands late", async () => {
    const track = new RecordingTrack();
    let land: (sink: DataTrackSink) => void = () => {};
    let calls = 0;
    const tracks = new DataTracks({
      publish: () => {
        calls++;
        return new Promise((resolve) => {
          land = resolve;
        });
      },
      log,
      limit: 1_200,
    });
    tracks.add(1);
    const removed = tracks.remove(1);
    land(track);
    await removed;
    expect(track.unpublished).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });
});
