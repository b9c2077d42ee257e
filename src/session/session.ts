import type { ChannelDescriptor } from "../context/channel-descriptor.js";
import type { Context } from "../context/context.js";
import type { Sink, SinkConnection } from "../context/sink.js";
import type { ByteStreamSink } from "../livekit/index.js";
import {
  type AdvertisedChannel,
  type ClientMessage,
  encodeServerJsonFrame,
  encodeServerMessageDataFrame,
  type ServerInfo,
} from "../protocol/index.js";
import { timeLimit } from "../within.js";
import { type ChannelFilter, planAdvertisements } from "./advertisements.js";
import { ChannelRequests } from "./channel-requests.js";
import { ControlQueue, Notifier, nextByPriority } from "./control-queue.js";
import { DropReport } from "./drop-report.js";
import { IncomingStreams } from "./incoming-streams.js";
import { joinFrames } from "./join-frames.js";
import type { ClientInfo, GatewayListener } from "./listener.js";
import { LossyQueue } from "./lossy-queue.js";
import type { RoomPort } from "./room-port.js";
import type { SessionLog } from "./session-log.js";
import { WriterCache } from "./writer-cache.js";

export { MAX_STREAMS_PER_VIEWER } from "./incoming-streams.js";
export type { SessionLog } from "./session-log.js";

/** The topic of control streams, both ways (spec 6.2). */
export const CONTROL_TOPIC = "ws-protocol";

/**
 * Consecutive queued messages of one channel are written together, up to this many bytes: each
 * rtc-node write is an FFI round trip, so small messages cost far more one by one (see
 * docs/performance.md). Frames are self-delimiting, so viewers read them the same way.
 */
export const MAX_COALESCED_BYTES = 256 * 1024;

export interface SessionOptions {
  room: RoomPort;
  context: Context;
  /** A fresh `serverInfo` for each viewer (spec 5.4). */
  serverInfo: () => ServerInfo;
  channelFilter?: ChannelFilter;
  /** Capacity of the data queue (spec 8.9). */
  backlogSize: number;
  clientPublish: boolean;
  listener?: GatewayListener;
  log: SessionLog;
  /** A write that takes longer fails (rtc-node can hold writes through its own reconnect). */
  writeTimeoutMs: number;
}

interface DataMessage {
  channelId: number;
  frame: Uint8Array;
}

interface Viewer {
  readonly info: ClientInfo;
  /** The control stream; gone once a write on it failed (the viewer must rejoin). */
  writer?: ByteStreamSink;
}

/**
 * Everything tied to one LiveKit room connection (spec 8): the sink that advertises the context's
 * channels to viewers, tracks their subscriptions, and sends them control messages and data.
 *
 * State changes are synchronous (the event loop serializes them, spec 8.14); the only awaits are
 * stream opens and writes, in `addViewer` and in the sender loop.
 */
export class RemoteAccessSession implements Sink {
  readonly #options: SessionOptions;
  /** Advertised channels, with their `advertise` entries (spec 8.2 step 4). */
  readonly #channels = new Map<number, { channel: ChannelDescriptor; entry: AdvertisedChannel }>();
  readonly #viewers = new Map<string, Viewer>();
  /** Viewers whose control stream is being opened; removing one cancels its welcome. */
  readonly #joining = new Set<string>();
  readonly #requests: ChannelRequests;
  readonly #incoming: IncomingStreams;
  readonly #notifier = new Notifier();
  readonly #control = new ControlQueue({ notifier: this.#notifier });
  readonly #data: LossyQueue<DataMessage>;
  readonly #writers: WriterCache<ByteStreamSink>;
  readonly #drops = new DropReport((line) => this.#options.log.warn(line));
  readonly #stopped = new AbortController();
  /** Stream closes in flight: leaving the room before they finish cuts viewers off mid-message. */
  readonly #closingStreams = new Set<Promise<void>>();
  #connection?: SinkConnection;
  #stopReading?: () => void;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#requests = new ChannelRequests({
      clientPublish: options.clientPublish,
      advertised: this.#channels,
      connection: () => this.#connection,
      listener: options.listener,
      log: options.log,
    });
    this.#incoming = new IncomingStreams({
      log: options.log,
      closed: () => this.#stopped.signal.aborted,
      deliver: (from, message) => {
        const viewer = this.#viewers.get(from);
        if (viewer) this.#handle(viewer, message);
        return viewer !== undefined;
      },
    });
    this.#data = new LossyQueue({ capacity: options.backlogSize, notifier: this.#notifier });
    this.#writers = new WriterCache(
      (topic, destinations) => options.room.openByteStream(topic, [...destinations]),
      {
        onCloseError: (error, channelId) =>
          options.log.debug(`closing the data stream of channel ${channelId}: ${String(error)}`),
      },
    );
  }

  /** Messages lost to a full data queue so far. */
  get droppedMessages(): number {
    return this.#data.dropped;
  }

  /** Starts listening: to the context's channels (spec 5.4 step 2) and to viewers' control streams. */
  open(): void {
    this.#connection = this.#options.context.addSink(this);
    this.#stopReading = this.#options.room.onByteStream(CONTROL_TOPIC, (reader, from) => {
      void this.#incoming.read(reader, from);
    });
  }

  /** Sends queued control messages and data until `close()` (spec 8.11). */
  async run(): Promise<void> {
    const signal = this.#stopped.signal;
    for (;;) {
      const next = await nextByPriority(this.#control, this.#data, signal);
      if (!next) return;
      if (next.kind === "control") await this.#sendControl(next.item.target, next.item.frame);
      else await this.#sendData(next.item);
    }
  }

  /**
   * Ends the session (spec 5.6): detaches from the context (no `unadvertise` is sent), stops the
   * sender, and closes every stream. Queued messages are lost. Resolves once the streams are
   * closed; the room should be left only then.
   */
  close(): Promise<void> {
    if (!this.#stopped.signal.aborted) {
      this.#connection?.remove();
      this.#stopReading?.();
      this.#stopped.abort();
      this.#control.close();
      this.#data.close();
      this.#drops.close();
      for (const identity of [...this.#viewers.keys()]) this.removeViewer(identity);
      this.#joining.clear();
      this.#track(this.#writers.closeAll());
    }
    return this.#streamsClosed();
  }

  /** Resolves once every stream the session has closed so far has finished closing. */
  #streamsClosed(): Promise<void> {
    return Promise.all(this.#closingStreams).then(() => {});
  }

  #closeStream(stream: ByteStreamSink): void {
    this.#track(stream.close());
  }

  #track(closing: Promise<void>): void {
    const settled = closing.catch(() => {});
    this.#closingStreams.add(settled);
    void settled.then(() => this.#closingStreams.delete(settled));
  }

  // --- viewers ---------------------------------------------------------------------------------

  /**
   * Welcomes a viewer: opens its control stream, then queues `serverInfo` and the current
   * advertisements before it can receive any broadcast (spec 5.4).
   *
   * @throws when the control stream cannot be opened (the viewer is not served)
   */
  async addViewer(identity: string): Promise<void> {
    if (this.#viewers.has(identity) || this.#joining.has(identity) || this.#stopped.signal.aborted)
      return;
    this.#joining.add(identity);
    let writer: ByteStreamSink;
    try {
      writer = await this.#options.room.openByteStream(CONTROL_TOPIC, [identity]);
    } catch (error) {
      this.#joining.delete(identity);
      throw error;
    }
    // Still wanted only if nobody removed the viewer (or ended the session) meanwhile.
    if (!this.#joining.delete(identity)) {
      this.#closeStream(writer);
      return;
    }
    // One synchronous block: the welcome is queued before the viewer is eligible for broadcasts.
    this.#control.push({
      target: identity,
      frame: encodeServerJsonFrame(this.#options.serverInfo()),
    });
    const advertise = this.#advertiseFrame([...this.#channels.values()].map(({ entry }) => entry));
    if (advertise) this.#control.push({ target: identity, frame: advertise });
    this.#viewers.set(identity, { info: { identity }, writer });
    this.#options.log.debug(`welcomed ${identity}`);
  }

  /** The viewer left (or the session ends): it is unsubscribed from everything (spec 8.7). */
  removeViewer(identity: string): void {
    this.#joining.delete(identity);
    const viewer = this.#viewers.get(identity);
    if (!viewer) return;
    this.#viewers.delete(identity);
    this.#requests.removeViewer(identity);
    if (viewer.writer) this.#closeStream(viewer.writer);
  }

  // --- the context's side (Sink) ---------------------------------------------------------------

  addChannels(channels: readonly ChannelDescriptor[]): void {
    const plan = planAdvertisements(channels, this.#options.channelFilter);
    for (const skipped of plan.skipped) {
      if (skipped.reason === "filtered") this.#options.log.debug(skipped.message);
      else this.#options.log.warn(`not advertised: ${skipped.message}`);
    }
    plan.advertised.forEach((channel, i) => {
      this.#channels.set(channel.id, { channel, entry: plan.entries[i] as AdvertisedChannel });
    });
    const frame = this.#advertiseFrame(plan.entries);
    if (frame) this.#control.pushToAll(this.#viewers.keys(), frame);
  }

  removeChannel(channel: ChannelDescriptor): void {
    if (!this.#channels.delete(channel.id)) return;
    this.#requests.subscriptions.removeChannel(channel.id);
    void this.#writers.invalidate(channel.id);
    const frame = encodeServerJsonFrame({ op: "unadvertise", channelIds: [channel.id] });
    this.#control.pushToAll(this.#viewers.keys(), frame);
  }

  log(channel: ChannelDescriptor, payload: Uint8Array, logTime: bigint): void {
    // Recipients are decided when the sender takes the message (spec 8.8), not now.
    if (!this.#requests.subscriptions.hasDataSubscribers(channel.id)) return;
    this.#data.push({
      channelId: channel.id,
      frame: encodeServerMessageDataFrame(channel.id, logTime, payload),
    });
    this.#drops.update(this.#data.dropped);
  }

  // --- the sender ------------------------------------------------------------------------------

  async #sendControl(identity: string, frame: Uint8Array): Promise<void> {
    const viewer = this.#viewers.get(identity);
    if (!viewer?.writer) return;
    try {
      await this.#write(viewer.writer, frame);
    } catch (error) {
      // The stream may now be broken mid-frame: nothing more can be sent on it.
      this.#options.log.warn(
        `control stream to ${identity} failed (${String(error)}); it must rejoin`,
      );
      this.#closeStream(viewer.writer);
      viewer.writer = undefined;
    }
  }

  async #sendData({ channelId, frame }: DataMessage): Promise<void> {
    const lookup = await this.#writers.acquire(
      channelId,
      this.#requests.subscriptions.dataSubscribers(channelId),
    );
    if (lookup.kind === "dropped") return;
    if (lookup.kind === "open-failed") {
      this.#options.log.warn(
        `could not open the data stream of channel ${channelId}: ${String(lookup.error)}`,
      );
      return;
    }
    try {
      await this.#write(lookup.writer, this.#coalesce(channelId, frame));
    } catch (error) {
      this.#options.log.warn(`data stream of channel ${channelId} failed: ${String(error)}`);
      await this.#writers.invalidate(channelId);
    }
  }

  /**
   * Joins the frames of the same channel queued right behind `first` (control messages still
   * come first: nothing is taken while one waits). Recipients are the same: they are decided
   * when a message is taken (spec 8.11), and these are all taken now.
   */
  #coalesce(channelId: number, first: Uint8Array): Uint8Array {
    const frames = [first];
    let size = first.length;
    for (;;) {
      const next = this.#data.peek();
      if (!next || next.channelId !== channelId || this.#control.length > 0) break;
      if (size + next.frame.length > MAX_COALESCED_BYTES) break;
      this.#data.shift();
      frames.push(next.frame);
      size += next.frame.length;
    }
    return joinFrames(frames);
  }

  #write(writer: ByteStreamSink, frame: Uint8Array): Promise<void> {
    const { writeTimeoutMs } = this.#options;
    return timeLimit(
      writer.write(frame),
      writeTimeoutMs,
      () => new Error(`write timed out after ${writeTimeoutMs} ms`),
    );
  }

  // --- what viewers send (spec 6.6, 8.5, 8.6, 11.5) ---------------------------------------------

  #handle(viewer: Viewer, message: ClientMessage): void {
    const { identity } = viewer.info;
    const result = this.#requests.handle(identity, message);
    if (!result) {
      // Parameters, services, assets, playback: parsed, not supported (as the reference).
      this.#options.log.debug(`ignored "${message.op}" from ${identity}: not supported`);
      return;
    }
    for (const status of result.statuses) {
      this.#control.push({ target: identity, frame: encodeServerJsonFrame(status) });
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  #advertiseFrame(entries: readonly AdvertisedChannel[]): Uint8Array | undefined {
    return entries.length
      ? encodeServerJsonFrame({ op: "advertise", channels: entries })
      : undefined;
  }
}
