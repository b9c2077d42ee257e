import type { ByteStreamSink } from "../../livekit/index.js";
import { encodeServerJsonFrame, StatusLevel } from "../../protocol/index.js";
import { timeLimit } from "../../within.js";
import { joinFrames } from "../join-frames.js";
import type { ClientInfo } from "../listener.js";
import type { SessionLog } from "../session-log.js";
import { RoundTripTime } from "./rtt.js";

/** Consecutive frames are written together up to this many bytes (each write is an FFI call). */
export const MAX_COALESCED_BYTES = 256 * 1024;

/** Failed control streams in a row after which a viewer is given up on until it rejoins. */
export const MAX_CONSECUTIVE_RESETS = 3;

/** Requests a viewer may have in flight at once, per kind (spec 11.6, 11.7, 11.9). */
export const MAX_CONCURRENT_REQUESTS = 32;

export interface ViewerLinkOptions {
  info: ClientInfo & { sid: string };
  /** Opens a control stream to the viewer. */
  open: () => Promise<ByteStreamSink>;
  /** The messages a (re)connected control stream starts with: `serverInfo`, advertisements, ... */
  welcome: () => Uint8Array[];
  /** Capacity of each lane: control messages, and Reliable data. */
  capacity: number;
  writeTimeoutMs: number;
  log: SessionLog;
}

/** Why a control stream was replaced. */
export type ResetReason = "write-failed" | "queue-full";

/**
 * One viewer's control stream (spec 11.2): everything the gateway sends it, in two bounded lanes
 * drained by the viewer's own writer loop, so a slow viewer holds up nobody else.
 *
 * - The control lane carries control messages, in order, never dropped. If it overflows (the
 *   viewer reads nothing) or a write fails, the stream is *reset*: a new control stream starts
 *   with a fresh welcome and a warning status that says how many messages were lost. Unlike
 *   upstream, the viewer keeps its subscriptions: data keeps flowing and nothing needs redoing.
 * - The data lane carries Reliable channels' messages; when full, the oldest is dropped and
 *   counted. Control messages go first: data never delays an `advertise` or a response.
 */
export class ViewerLink {
  readonly info: ClientInfo & { sid: string };
  readonly rtt = new RoundTripTime();
  /** Requests in flight, per kind. */
  readonly inFlight = { services: 0, parameters: 0, assets: 0 };
  readonly #options: ViewerLinkOptions;
  #control: Uint8Array[] = [];
  #data: Uint8Array[] = [];
  #writer?: ByteStreamSink;
  #wake?: () => void;
  #closed = false;
  #resetPending?: ResetReason;
  #lostControl = 0;
  #failuresInARow = 0;
  #droppedData = 0;
  #resets = 0;

  constructor(writer: ByteStreamSink, options: ViewerLinkOptions) {
    this.info = options.info;
    this.#options = options;
    this.#writer = writer;
    this.#control.push(...options.welcome());
  }

  get identity(): string {
    return this.info.identity;
  }

  /** Reliable messages dropped because this viewer read too slowly. */
  get droppedMessages(): number {
    return this.#droppedData;
  }

  /** Control streams replaced so far. */
  get resets(): number {
    return this.#resets;
  }

  /** Queues a control message. */
  sendControl(frame: Uint8Array): void {
    if (this.#closed) return;
    if (this.#control.length >= this.#options.capacity) {
      this.#requestReset("queue-full");
      return;
    }
    this.#control.push(frame);
    this.#wake?.();
  }

  /** Queues a Reliable channel's message; the oldest goes when the lane is full. */
  sendData(frame: Uint8Array): void {
    if (this.#closed) return;
    if (this.#data.length >= this.#options.capacity) {
      this.#data.shift();
      this.#droppedData += 1;
    }
    this.#data.push(frame);
    this.#wake?.();
  }

  /** Writes queued messages until `close()`. */
  async run(): Promise<void> {
    while (!this.#closed) {
      if (this.#resetPending) {
        await this.#reset(this.#resetPending);
        continue;
      }
      const batch = this.#take();
      if (!batch) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      const writer = this.#writer;
      if (!writer) {
        // Given up on: drop what comes until the viewer rejoins.
        this.#control = [];
        this.#data = [];
        continue;
      }
      const { writeTimeoutMs } = this.#options;
      try {
        await timeLimit(
          writer.write(batch.bytes),
          writeTimeoutMs,
          () => new Error(`write timed out after ${writeTimeoutMs} ms`),
        );
        this.#failuresInARow = 0;
      } catch (error) {
        if (this.#closed) return;
        this.#options.log.warn(`control stream to ${this.identity} failed: ${String(error)}`);
        if (batch.lane === "control") this.#lostControl += batch.frames;
        else this.#droppedData += batch.frames;
        this.#requestReset("write-failed");
      }
    }
  }

  /** Stops the writer loop and closes the control stream; queued messages are dropped. */
  close(): Promise<void> {
    this.#closed = true;
    this.#control = [];
    this.#data = [];
    this.#wake?.();
    const writer = this.#writer;
    this.#writer = undefined;
    return writer ? writer.close().catch(() => {}) : Promise.resolve();
  }

  #requestReset(reason: ResetReason): void {
    this.#resetPending ??= reason;
    this.#wake?.();
  }

  /**
   * Replaces the control stream. Queued control messages are dropped and counted; the fresh
   * welcome re-establishes what the viewer must know, and a warning tells it what was lost.
   */
  async #reset(reason: ResetReason): Promise<void> {
    this.#resetPending = undefined;
    this.#resets += 1;
    this.#failuresInARow += 1;
    const lost = this.#lostControl + this.#control.length;
    this.#lostControl = 0;
    this.#control = [];
    const old = this.#writer;
    this.#writer = undefined;
    void old?.close().catch(() => {});
    if (this.#failuresInARow > MAX_CONSECUTIVE_RESETS) {
      this.#options.log.warn(
        `control stream to ${this.identity} failed ${MAX_CONSECUTIVE_RESETS} times in a row: not served until it rejoins`,
      );
      return;
    }
    this.#options.log.warn(
      `resetting the control stream to ${this.identity} (${reason}); ${lost} control message(s) lost`,
    );
    try {
      const writer = await this.#options.open();
      if (this.#closed) {
        void writer.close().catch(() => {});
        return;
      }
      this.#writer = writer;
    } catch (error) {
      this.#options.log.warn(
        `could not reopen the control stream to ${this.identity}: ${String(error)}`,
      );
      if (!this.#closed) this.#requestReset(reason);
      return;
    }
    // Queued while reopening: after the welcome, in order.
    const queued = this.#control;
    this.#control = [...this.#options.welcome(), resetNotice(lost), ...queued];
  }

  /** The next write: control frames first, else data frames, joined up to the coalescing limit. */
  #take(): { bytes: Uint8Array; frames: number; lane: "control" | "data" } | undefined {
    const name = this.#control.length > 0 ? "control" : "data";
    const lane = name === "control" ? this.#control : this.#data;
    const first = lane.shift();
    if (!first) return undefined;
    const frames = [first];
    let size = first.length;
    while (lane.length > 0 && size + (lane[0] as Uint8Array).length <= MAX_COALESCED_BYTES) {
      const next = lane.shift() as Uint8Array;
      frames.push(next);
      size += next.length;
    }
    return { bytes: joinFrames(frames), frames: frames.length, lane: name };
  }
}

/** The status id of the "your control stream was reset" warning. */
export const RESET_STATUS_ID = "control-stream-reset";

function resetNotice(lost: number): Uint8Array {
  return encodeServerJsonFrame({
    op: "status",
    level: StatusLevel.Warning,
    message: `The control stream was reset: ${lost} message(s) were lost. Subscriptions are kept.`,
    id: RESET_STATUS_ID,
  });
}
