import type { ChannelDescriptor } from "../context/channel-descriptor.js";
import type { Context } from "../context/context.js";
import type { Sink, SinkConnection } from "../context/sink.js";
import type { ByteStreamSink } from "../livekit/index.js";
import {
  type AdvertisedChannel,
  type ClientMessage,
  encodeServerJsonFrame,
  encodeServerMessageDataFrame,
  readClientMessages,
  type ServerInfo,
  type Status,
  StatusLevel,
} from "../protocol/index.js";
import { type ChannelFilter, planAdvertisements } from "./advertisements.js";
import { ClientChannels } from "./client-channels.js";
import { ControlQueue, Notifier, nextByPriority } from "./control-queue.js";
import { DropReport } from "./drop-report.js";
import type { ClientChannelInfo, ClientInfo, GatewayListener } from "./listener.js";
import { LossyQueue } from "./lossy-queue.js";
import type { RoomPort } from "./room-port.js";
import { Subscriptions } from "./subscriptions.js";
import { WriterCache } from "./writer-cache.js";

/** The topic of control streams, both ways (spec 6.2). */
export const CONTROL_TOPIC = "ws-protocol";

/**
 * Incoming streams read at once per viewer. Each may buffer one frame of up to 16 MiB, and rtc-node
 * buffers a stream's data whether or not it is read: more are cancelled, which bounds both.
 */
export const MAX_STREAMS_PER_VIEWER = 8;

/**
 * Consecutive queued messages of one channel are written together, up to this many bytes: each
 * rtc-node write is an FFI round trip, so small messages cost far more one by one (see
 * docs/performance.md). Frames are self-delimiting, so viewers read them the same way.
 */
export const MAX_COALESCED_BYTES = 256 * 1024;

/** Where the session reports what it does; never anything secret. */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

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
  readonly #subscriptions = new Subscriptions();
  readonly #clientChannels: ClientChannels;
  readonly #notifier = new Notifier();
  readonly #control = new ControlQueue({ notifier: this.#notifier });
  readonly #data: LossyQueue<DataMessage>;
  readonly #writers: WriterCache<ByteStreamSink>;
  readonly #drops = new DropReport((line) => this.#options.log.warn(line));
  readonly #stopped = new AbortController();
  /** Stream closes in flight: leaving the room before they finish cuts viewers off mid-message. */
  readonly #closingStreams = new Set<Promise<void>>();
  /** Incoming streams being read, per sender. */
  readonly #reading = new Map<string, number>();
  #connection?: SinkConnection;
  #stopReading?: () => void;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#clientChannels = new ClientChannels(options.clientPublish);
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
      void this.#read(reader, from);
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
    const subscribed = this.#subscribedChannels(identity);
    const { last } = this.#subscriptions.removeParticipant(identity);
    this.#connection?.unsubscribe(last);
    for (const channel of subscribed) this.#notify("onUnsubscribe", viewer.info, channel);
    for (const channel of this.#clientChannels.removeViewer(identity)) {
      this.#notify("onClientUnadvertise", viewer.info, channel);
    }
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
    this.#subscriptions.removeChannel(channel.id);
    void this.#writers.invalidate(channel.id);
    const frame = encodeServerJsonFrame({ op: "unadvertise", channelIds: [channel.id] });
    this.#control.pushToAll(this.#viewers.keys(), frame);
  }

  log(channel: ChannelDescriptor, payload: Uint8Array, logTime: bigint): void {
    // Recipients are decided when the sender takes the message (spec 8.8), not now.
    if (!this.#subscriptions.hasDataSubscribers(channel.id)) return;
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
      this.#subscriptions.dataSubscribers(channelId),
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
    if (frames.length === 1) return first;
    const joined = new Uint8Array(size);
    let offset = 0;
    for (const frame of frames) {
      joined.set(frame, offset);
      offset += frame.length;
    }
    return joined;
  }

  #write(writer: ByteStreamSink, frame: Uint8Array): Promise<void> {
    const { writeTimeoutMs } = this.#options;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`write timed out after ${writeTimeoutMs} ms`)),
        writeTimeoutMs,
      );
      writer.write(frame).then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  // --- what viewers send (spec 6.6, 8.5, 8.6, 11.5) ---------------------------------------------

  async #read(reader: AsyncIterable<Uint8Array>, from: string): Promise<void> {
    const reading = this.#reading.get(from) ?? 0;
    if (reading >= MAX_STREAMS_PER_VIEWER) {
      this.#options.log.warn(`${from} has ${reading} streams open already: ignoring one more`);
      await reader[Symbol.asyncIterator]().return?.();
      return;
    }
    this.#reading.set(from, reading + 1);
    try {
      await this.#readMessages(reader, from);
    } finally {
      const left = (this.#reading.get(from) ?? 1) - 1;
      if (left) this.#reading.set(from, left);
      else this.#reading.delete(from);
    }
  }

  async #readMessages(reader: AsyncIterable<Uint8Array>, from: string): Promise<void> {
    for await (const event of readClientMessages(reader)) {
      if (this.#stopped.signal.aborted) return;
      if (event.kind === "skip") {
        this.#options.log.debug(`skipped a message from ${from}: ${event.error.message}`);
        continue;
      }
      if (event.kind !== "message") {
        if (event.kind === "stop")
          this.#options.log.warn(`stopped reading a stream from ${from}: ${event.error.message}`);
        return;
      }
      const viewer = this.#viewers.get(from);
      if (!viewer) {
        this.#options.log.warn(`stopped reading a stream from ${from}: not a known viewer`);
        return;
      }
      this.#handle(viewer, event.message);
    }
  }

  #handle(viewer: Viewer, message: ClientMessage): void {
    const { identity } = viewer.info;
    switch (message.op) {
      case "subscribe": {
        const before = new Set(this.#subscribedChannels(identity));
        const result = this.#subscriptions.subscribe(identity, message.channels, (id) =>
          this.#channels.has(id),
        );
        this.#connection?.subscribe(result.first);
        for (const id of result.unsupportedVideo) {
          this.#sendStatus(
            identity,
            StatusLevel.Error,
            `Channel ${id} does not support video transcoding`,
          );
        }
        for (const channel of this.#subscribedChannels(identity)) {
          if (!before.has(channel)) this.#notify("onSubscribe", viewer.info, channel);
        }
        return;
      }
      case "unsubscribe": {
        const before = this.#subscribedChannels(identity);
        const { last } = this.#subscriptions.unsubscribe(identity, message.channelIds);
        this.#connection?.unsubscribe(last);
        const after = new Set(this.#subscribedChannels(identity));
        for (const channel of before)
          if (!after.has(channel)) this.#notify("onUnsubscribe", viewer.info, channel);
        return;
      }
      case "advertise": {
        const { channels, statuses } = this.#clientChannels.advertise(identity, message.channels);
        for (const status of statuses)
          this.#control.push({ target: identity, frame: encodeServerJsonFrame(status) });
        for (const channel of channels) this.#notify("onClientAdvertise", viewer.info, channel);
        return;
      }
      case "unadvertise":
        for (const channel of this.#clientChannels.unadvertise(identity, message.channelIds)) {
          this.#notify("onClientUnadvertise", viewer.info, channel);
        }
        return;
      case "messageData": {
        const route = this.#clientChannels.route(identity, message.channelId);
        if ("status" in route)
          this.#control.push({ target: identity, frame: encodeServerJsonFrame(route.status) });
        else this.#notify("onMessageData", viewer.info, route.channel, message.data);
        return;
      }
      default:
        // Parameters, services, assets, playback: parsed, not supported (as the reference).
        this.#options.log.debug(`ignored "${message.op}" from ${identity}: not supported`);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  #advertiseFrame(entries: readonly AdvertisedChannel[]): Uint8Array | undefined {
    return entries.length
      ? encodeServerJsonFrame({ op: "advertise", channels: entries })
      : undefined;
  }

  #subscribedChannels(identity: string): ChannelDescriptor[] {
    const channels: ChannelDescriptor[] = [];
    for (const { channel } of this.#channels.values()) {
      if (this.#subscriptions.anySubscribers(channel.id).includes(identity)) channels.push(channel);
    }
    return channels;
  }

  #sendStatus(identity: string, level: Status["level"], message: string): void {
    this.#control.push({
      target: identity,
      frame: encodeServerJsonFrame({ op: "status", level, message }),
    });
  }

  #notify<K extends keyof GatewayListener>(
    callback: K,
    client: ClientInfo,
    channel: ChannelDescriptor | ClientChannelInfo,
    payload?: Uint8Array,
  ): void {
    const listener = this.#options.listener;
    try {
      (listener?.[callback] as ((...args: unknown[]) => void) | undefined)?.call(
        listener,
        client,
        channel,
        payload,
      );
    } catch (error) {
      this.#options.log.warn(`listener ${callback} threw: ${String(error)}`);
    }
  }
}
