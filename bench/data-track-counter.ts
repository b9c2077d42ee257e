/**
 * The receiving end of the data-track measurements, identical for the gateway path and for the raw
 * rtc-node path: each frame of a subscription is decoded with the protocol's own reader
 * (`decodeDataTrackFrame`, what a 2.2 viewer runs) and counted if it belongs to the current run.
 * Data tracks are lossy, so nothing here fails on a missing frame: it counts what arrived.
 */
import { hrtime } from "node:process";
import type { DataTrackFrame } from "../src/livekit/index.js";
import { decodeDataTrackFrame } from "../src/protocol/index.js";

/** Bytes of the tag at the start of every payload: run id and sequence number, u32 LE each. */
export const TAG_BYTES = 8;

/**
 * A payload of `size` bytes tagged with `run` and `sequence`, so the receiver can tell runs apart
 * (a frame of an earlier run may still be in flight) and count distinct messages.
 */
export function taggedPayload(size: number, run: number, sequence: number): Uint8Array {
  const payload = new Uint8Array(Math.max(size, TAG_BYTES)).fill(0xa5);
  const view = new DataView(payload.buffer);
  view.setUint32(0, run, true);
  view.setUint32(4, sequence, true);
  return payload;
}

/** Rewrites the sequence number of a tagged payload in place (no allocation on the hot path). */
export function setSequence(payload: Uint8Array, sequence: number): void {
  new DataView(payload.buffer, payload.byteOffset, TAG_BYTES).setUint32(4, sequence, true);
}

/** What arrived of one run on one subscription. */
export class DataTrackCounter {
  /** Distinct messages of the current run. */
  messages = 0;
  payloadBytes = 0;
  /** `hrtime.bigint()` when the last message of the run arrived; 0n before any. */
  lastAt = 0n;
  /** Messages of the run that arrived more than once (counted once above). */
  duplicates = 0;
  /** Messages of the run that arrived after a later one. */
  reordered = 0;
  /** Frames that did not decode, or whose payload was not of the run's size. */
  malformed = 0;
  /** Frames of other runs (probes, late frames of earlier runs). */
  ignored = 0;
  #run = -1;
  #size = 0;
  #seen = new Set<number>();
  #highest = -1;

  /** Starts counting run `run`, whose payloads are `size` bytes. */
  reset(run: number, size: number): void {
    this.messages = 0;
    this.payloadBytes = 0;
    this.lastAt = 0n;
    this.duplicates = 0;
    this.reordered = 0;
    this.malformed = 0;
    this.ignored = 0;
    this.#run = run;
    this.#size = size;
    this.#seen = new Set();
    this.#highest = -1;
  }

  /** Counts one frame as received now. */
  record(frame: DataTrackFrame): void {
    const decoded = decodeDataTrackFrame(frame.payload);
    if (!decoded.ok || decoded.value.payload.length < TAG_BYTES) {
      this.malformed++;
      return;
    }
    const { payload } = decoded.value;
    const view = new DataView(payload.buffer, payload.byteOffset, TAG_BYTES);
    if (view.getUint32(0, true) !== this.#run) {
      this.ignored++;
      return;
    }
    if (payload.length !== this.#size) {
      this.malformed++;
      return;
    }
    const sequence = view.getUint32(4, true);
    if (this.#seen.has(sequence)) {
      this.duplicates++;
      return;
    }
    this.#seen.add(sequence);
    if (sequence < this.#highest) this.reordered++;
    else this.#highest = sequence;
    this.messages++;
    this.payloadBytes += payload.length;
    this.lastAt = hrtime.bigint();
  }

  /**
   * Reads a subscription until it ends.
   *
   * @example
   * void counter.consume(track.subscribe({ bufferSize: 1024 }));
   */
  async consume(frames: AsyncIterable<DataTrackFrame>): Promise<void> {
    for await (const frame of frames) this.record(frame);
  }
}
