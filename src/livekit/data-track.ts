import {
  ConnectionState,
  type DataTrackStreamEvent,
  type DataTrackFrame as FfiDataTrackFrame,
  type FfiEvent,
  type FfiHandle,
  type RoomEvent as FfiRoomEvent,
  type SubscribeDataTrackError as FfiSubscribeError,
  LocalDataTrackTryPushErrorCode,
  type OwnedLocalDataTrack,
  type OwnedRemoteDataTrack,
  type PublishDataTrackCallback,
  PublishDataTrackErrorCode,
  SubscribeDataTrackErrorCode,
} from "@livekit/rtc-ffi-bindings";
import { type Room, RoomEvent } from "@livekit/rtc-node";
import { enumName, ffiRequest, onFfiEvent, ownHandle, releaseHandle } from "./ffi.js";

/*
 * LiveKit data tracks: named, lossy, unordered-by-contract channels of frames from one publisher to
 * its subscribers, carried by the SFU like media. rtc-node 1.1.0 has no API for them, so this file
 * drives the native runtime's data-track requests itself (see ./ffi.ts).
 */

/** One frame of a data track. */
export interface DataTrackFrame {
  payload: Uint8Array;
  /** A timestamp the publisher attached; LiveKit carries it untouched. */
  userTimestamp?: bigint;
}

/** Why a push failed: `TrackUnpublished`, `QueueFull` (pushing faster than it sends), `Internal`. */
export type DataTrackPushResult = { ok: true } | { ok: false; reason: string };

/** A data track this participant publishes. */
export interface LocalDataTrack {
  readonly name: string;
  /**
   * Queues one frame for the subscribers. Never throws. Frames are lossy: one pushed before a
   * subscription is established, or when the queue is full, is dropped.
   */
  tryPush(payload: Uint8Array, userTimestamp?: bigint): DataTrackPushResult;
  /** False once unpublished, by us, by the SFU, or because the room was left. */
  readonly isPublished: boolean;
  /** Unpublishes the track and releases it. Idempotent; never rejects. */
  unpublish(): Promise<void>;
}

/** A data track another participant publishes. */
export interface RemoteDataTrack {
  readonly name: string;
  /** The SFU's id of this publication. */
  readonly sid: string;
  readonly publisherIdentity: string;
  /**
   * Subscribes. The frames run until the track is unpublished or the room is left; `return()` (or
   * `break` in `for await`) ends the subscription early and releases it. Only frames sent after
   * the SFU has set the subscription up arrive; the first ones pushed may be lost.
   *
   * @param options.bufferSize frames the runtime holds for a slow reader before dropping the
   *   oldest (default 16; the first subscription to a track sets it).
   * @throws DataTrackSubscribeError from the iteration when the subscription cannot be set up.
   */
  subscribe(options?: { bufferSize?: number }): AsyncIterable<DataTrackFrame>;
}

/** Publishing a data track failed. */
export class DataTrackPublishError extends Error {
  override name = "DataTrackPublishError";

  /**
   * @param code the runtime's reason: `DuplicateName`, `InvalidName`, `NotAllowed`, `Timeout`,
   *   `LimitReached`, `Disconnected`, `Internal`, ...
   */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Subscribing to a data track failed (e.g. `Timeout`): the iteration throws this. */
export class DataTrackSubscribeError extends Error {
  override name = "DataTrackSubscribeError";

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** How long a left room still listens for the answers to publications it was waiting for. */
const LATE_PUBLISH_WAIT_MS = 15_000;

const registries = new WeakMap<Room, RoomDataTracks>();

/**
 * The data tracks of one rtc-node room, created on first use. Create it right after the room
 * connects: the runtime announces tracks published before we joined only once, soon after that.
 */
export function dataTracksOf(room: Room): RoomDataTracks {
  let registry = registries.get(room);
  if (!registry) {
    registry = new RoomDataTracks(room);
    registries.set(room, registry);
  }
  return registry;
}

interface PendingPublish {
  name: string;
  resolve(track: LocalDataTrack): void;
  reject(error: DataTrackPublishError): void;
}

/**
 * Owns every data-track handle of one room: our publications, the remote tracks announced to us,
 * and the subscriptions. One listener on the runtime's events serves them all; it goes away, and
 * every handle is released, when the room disconnects.
 */
export class RoomDataTracks {
  readonly #roomHandle: bigint | undefined;
  readonly #participantHandle: bigint | undefined;
  readonly #remote = new Map<string, AnnouncedDataTrack>();
  readonly #local = new Set<PublishedDataTrack>();
  readonly #streams = new Map<bigint, Subscription>();
  readonly #publishing = new Map<bigint, PendingPublish>();
  readonly #handlers = new Set<{ handler: (track: RemoteDataTrack) => void }>();
  #stopListening: (() => void) | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(room: Room) {
    // rtc-node keeps the room's native handle private; 1.1.0 names it `ffiHandle`.
    this.#roomHandle = (room as unknown as { ffiHandle?: FfiHandle }).ffiHandle?.handle;
    this.#participantHandle = room.localParticipant?.ffi_handle.handle;
    if (!room.isConnected || this.#roomHandle === undefined) {
      this.#closed = true;
      return;
    }
    this.#stopListening = onFfiEvent(this.#onEvent);
    // The client-initiated leave shows only here; a dropped room also shows in #onRoomEvent.
    room.once(RoomEvent.Disconnected, () => this.#close());
  }

  /** Publishes a data track named `name` (unique among this participant's tracks). */
  publish(name: string): Promise<LocalDataTrack> {
    const failed = (code: string, reason: string) =>
      Promise.reject(
        new DataTrackPublishError(code, `could not publish data track "${name}": ${reason}`),
      );
    if (this.#closed || this.#participantHandle === undefined) {
      return failed("Disconnected", "the room is not connected");
    }
    let asyncId: bigint | undefined;
    try {
      ({ asyncId } = ffiRequest("publishDataTrack", {
        localParticipantHandle: this.#participantHandle,
        options: { name },
      }));
    } catch (error) {
      return failed("Internal", messageOf(error));
    }
    if (asyncId === undefined) return failed("Internal", "the runtime gave no request id");
    const id = asyncId;
    // The answer is an event, and events arrive on a later turn: registering now is in time.
    return new Promise((resolve, reject) => this.#publishing.set(id, { name, resolve, reject }));
  }

  /**
   * Calls `handler` for every remote data track: at once for those already published, then for
   * each new one. Returns the function that stops the calls.
   */
  onTrack(handler: (track: RemoteDataTrack) => void): () => void {
    if (this.#closed) return () => {};
    const entry = { handler };
    this.#handlers.add(entry);
    for (const track of [...this.#remote.values()]) {
      if (this.#handlers.has(entry)) call(handler, track);
    }
    return () => {
      this.#handlers.delete(entry);
    };
  }

  /** Starts reading a subscription's stream; it stays registered until it ends. */
  adopt(handle: FfiHandle, trackGone: () => boolean): Subscription {
    const subscription = new Subscription(handle, trackGone, () =>
      this.#streams.delete(handle.handle),
    );
    if (this.#closed) {
      subscription.end();
      return subscription;
    }
    this.#streams.set(handle.handle, subscription);
    subscription.start();
    return subscription;
  }

  readonly #onEvent = (event: FfiEvent): void => {
    const { message } = event;
    if (message.case === "roomEvent") {
      if (message.value.roomHandle === this.#roomHandle) this.#onRoomEvent(message.value);
    } else if (message.case === "dataTrackStreamEvent") {
      const handle = message.value.streamHandle;
      if (handle !== undefined) this.#streams.get(handle)?.deliver(message.value);
    } else if (message.case === "publishDataTrack") {
      this.#onPublishResult(message.value);
    }
  };

  #onRoomEvent({ message }: FfiRoomEvent): void {
    switch (message.case) {
      case "dataTrackPublished": {
        if (!message.value.track) return;
        const track = new AnnouncedDataTrack(message.value.track, this);
        if (this.#closed) {
          track.release();
          return;
        }
        this.#remote.get(track.sid)?.release();
        this.#remote.set(track.sid, track);
        for (const entry of [...this.#handlers]) {
          if (this.#handlers.has(entry)) call(entry.handler, track);
        }
        return;
      }
      case "dataTrackUnpublished": {
        const sid = message.value.sid ?? "";
        // Its subscriptions end by themselves: the runtime sends their end of stream.
        this.#remote.get(sid)?.release();
        this.#remote.delete(sid);
        return;
      }
      case "connectionStateChanged":
        if (message.value.state === ConnectionState.CONN_DISCONNECTED) this.#close();
        return;
      case "disconnected":
        this.#close();
        return;
    }
  }

  #onPublishResult(callback: PublishDataTrackCallback): void {
    const id = callback.asyncId;
    const pending = id === undefined ? undefined : this.#publishing.get(id);
    if (id === undefined || !pending) return; // another room's publication
    this.#publishing.delete(id);
    const { result } = callback;
    if (result.case === "track") {
      const track = new PublishedDataTrack(result.value, (done) => this.#local.delete(done));
      // A left room already rejected the promise: only the late track's handle is left to free.
      if (this.#closed) track.release();
      else this.#local.add(track);
      pending.resolve(track);
    } else {
      const code = enumName(PublishDataTrackErrorCode, result.value?.code);
      const reason = result.value?.message || code;
      pending.reject(
        new DataTrackPublishError(
          code,
          `could not publish data track "${pending.name}": ${reason}`,
        ),
      );
    }
    if (this.#closed && this.#publishing.size === 0) this.#stop();
  }

  /** The room is gone: release everything; keep listening only for pending publish answers. */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    for (const pending of this.#publishing.values()) {
      pending.reject(
        new DataTrackPublishError(
          "Disconnected",
          `could not publish data track "${pending.name}": the room was left`,
        ),
      );
    }
    for (const track of [...this.#local]) track.release();
    for (const subscription of [...this.#streams.values()]) subscription.end();
    for (const track of this.#remote.values()) track.release();
    this.#remote.clear();
    if (this.#publishing.size === 0) {
      this.#stop();
    } else {
      // Their answers carry handles to free; the runtime answers within its 10 s publish timeout.
      this.#drainTimer = setTimeout(() => this.#stop(), LATE_PUBLISH_WAIT_MS);
      this.#drainTimer.unref();
    }
  }

  #stop(): void {
    clearTimeout(this.#drainTimer);
    this.#stopListening?.();
    this.#stopListening = undefined;
  }
}

/** Our publication of a data track. */
class PublishedDataTrack implements LocalDataTrack {
  readonly name: string;
  #handle: FfiHandle | undefined;
  readonly #onRelease: (track: PublishedDataTrack) => void;

  constructor(owned: OwnedLocalDataTrack, onRelease: (track: PublishedDataTrack) => void) {
    this.name = owned.info?.name ?? "";
    this.#handle = ownHandle(owned.handle?.id);
    this.#onRelease = onRelease;
  }

  tryPush(payload: Uint8Array, userTimestamp?: bigint): DataTrackPushResult {
    const handle = this.#handle;
    if (!handle) return { ok: false, reason: "TrackUnpublished" };
    try {
      const { error } = ffiRequest("localDataTrackTryPush", {
        trackHandle: handle.handle,
        frame: { payload, userTimestamp },
      });
      if (!error) return { ok: true };
      return { ok: false, reason: enumName(LocalDataTrackTryPushErrorCode, error.code) };
    } catch {
      // Only a bad frame (e.g. a timestamp outside u64) or a runtime already shut down gets here.
      return { ok: false, reason: "Internal" };
    }
  }

  get isPublished(): boolean {
    const handle = this.#handle;
    if (!handle) return false;
    try {
      return (
        ffiRequest("localDataTrackIsPublished", { trackHandle: handle.handle }).isPublished === true
      );
    } catch {
      return false;
    }
  }

  unpublish(): Promise<void> {
    this.release();
    return Promise.resolve();
  }

  /** Unpublishes (a no-op for a track the room already dropped) and frees the handle. */
  release(): void {
    const handle = this.#handle;
    if (!handle) return;
    this.#handle = undefined;
    try {
      ffiRequest("localDataTrackUnpublish", { trackHandle: handle.handle });
    } catch {
      // The runtime is shut down: nothing is published any more.
    }
    releaseHandle(handle);
    this.#onRelease(this);
  }
}

/** A remote publication announced to this room. */
class AnnouncedDataTrack implements RemoteDataTrack {
  readonly name: string;
  readonly sid: string;
  readonly publisherIdentity: string;
  #handle: FfiHandle | undefined;
  readonly #registry: RoomDataTracks;

  constructor(owned: OwnedRemoteDataTrack, registry: RoomDataTracks) {
    this.name = owned.info?.name ?? "";
    this.sid = owned.info?.sid ?? "";
    this.publisherIdentity = owned.publisherIdentity ?? "";
    this.#handle = ownHandle(owned.handle?.id);
    this.#registry = registry;
  }

  subscribe(options: { bufferSize?: number } = {}): AsyncIterable<DataTrackFrame> {
    const { bufferSize } = options;
    if (bufferSize !== undefined && !(Number.isInteger(bufferSize) && bufferSize > 0)) {
      throw new RangeError(`bufferSize must be a positive integer, not ${bufferSize}`);
    }
    // Unpublished, or the room is gone: nothing will ever arrive.
    if (!this.#handle || this.#gone()) return Subscription.ended();
    try {
      const { stream } = ffiRequest("subscribeDataTrack", {
        trackHandle: this.#handle.handle,
        options: { bufferSize },
      });
      return this.#registry.adopt(ownHandle(stream?.handle?.id), () => this.#gone());
    } catch (error) {
      return Subscription.ended(new DataTrackSubscribeError("Internal", messageOf(error)));
    }
  }

  release(): void {
    if (this.#handle) releaseHandle(this.#handle);
    this.#handle = undefined;
  }

  /** Whether the track is unpublished (the runtime learns it before our registry does). */
  #gone(): boolean {
    if (!this.#handle) return true;
    try {
      const answer = ffiRequest("remoteDataTrackIsPublished", { trackHandle: this.#handle.handle });
      return answer.isPublished !== true;
    } catch {
      return true;
    }
  }
}

type Settle = {
  resolve(result: IteratorResult<DataTrackFrame>): void;
  reject(error: unknown): void;
};

/**
 * One subscription's frames as an async iterator. The runtime sends one frame per read request, so
 * one read is kept in flight while at most one frame waits here; beyond that, frames wait in the
 * runtime's buffer (`bufferSize`), which drops the oldest when full.
 */
class Subscription implements AsyncIterableIterator<DataTrackFrame> {
  readonly #handle: FfiHandle | undefined;
  readonly #trackGone: () => boolean;
  readonly #onRelease: () => void;
  readonly #ready: DataTrackFrame[] = [];
  readonly #waiting: Settle[] = [];
  #reading = false;
  #ended = false;
  #failure: Error | undefined;

  constructor(handle: FfiHandle | undefined, trackGone: () => boolean, onRelease: () => void) {
    this.#handle = handle;
    this.#trackGone = trackGone;
    this.#onRelease = onRelease;
  }

  /** A subscription that is already over (after `failure`, if given). */
  static ended(failure?: Error): Subscription {
    const subscription = new Subscription(
      undefined,
      () => true,
      () => {},
    );
    subscription.end(failure);
    return subscription;
  }

  start(): void {
    this.#read();
  }

  /** An event of this stream, from the registry's listener. */
  deliver(event: DataTrackStreamEvent): void {
    const { detail } = event;
    if (detail.case === "frameReceived") {
      this.#reading = false;
      if (this.#ended) return;
      const frame = toFrame(detail.value.frame);
      const waiter = this.#waiting.shift();
      if (waiter) waiter.resolve({ value: frame, done: false });
      else this.#ready.push(frame);
      this.#read();
    } else if (detail.case === "eos") {
      this.#reading = false;
      this.end(this.#failureOf(detail.value.error));
    }
  }

  /**
   * No frame will come any more: frees the stream. Frames already here are still handed out,
   * then `failure` (if any) is thrown once, then the iteration is done.
   */
  end(failure?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = failure;
    if (this.#handle) releaseHandle(this.#handle);
    this.#onRelease();
    for (const waiter of this.#waiting.splice(0))
      this.#finish().then(waiter.resolve, waiter.reject);
  }

  next(): Promise<IteratorResult<DataTrackFrame>> {
    const frame = this.#ready.shift();
    if (frame) {
      this.#read();
      return Promise.resolve({ value: frame, done: false });
    }
    if (this.#ended) return this.#finish();
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#read();
    });
  }

  return(): Promise<IteratorResult<DataTrackFrame>> {
    this.#ready.length = 0;
    this.end();
    this.#failure = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Asks the runtime for the next frame, unless one is asked for already or waits here. */
  #read(): void {
    if (this.#reading || this.#ended || this.#ready.length > 0 || !this.#handle) return;
    this.#reading = true;
    try {
      const { eosEvent } = ffiRequest("dataTrackStreamRead", { streamHandle: this.#handle.handle });
      // The stream had ended already: no event follows, the answer says so.
      if (eosEvent) {
        this.#reading = false;
        this.end(this.#failureOf(eosEvent.error));
      }
    } catch (error) {
      this.#reading = false;
      this.end(new DataTrackSubscribeError("Internal", messageOf(error)));
    }
  }

  /**
   * An end of stream is normal when the track or the room went away: the runtime says so with
   * `Unpublished`, `Disconnected`, or, for a track it has already forgotten, `Internal`.
   */
  #failureOf(error: FfiSubscribeError | undefined): Error | undefined {
    if (!error) return undefined;
    const code = enumName(SubscribeDataTrackErrorCode, error.code);
    if (code === "Unpublished" || code === "Disconnected" || this.#trackGone()) return undefined;
    const reason = error.message || code;
    return new DataTrackSubscribeError(code, `data track subscription failed: ${reason}`);
  }

  #finish(): Promise<IteratorResult<DataTrackFrame>> {
    const failure = this.#failure;
    this.#failure = undefined;
    return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
  }
}

function toFrame(frame: FfiDataTrackFrame | undefined): DataTrackFrame {
  const payload = frame?.payload ?? new Uint8Array(0);
  const userTimestamp = frame?.userTimestamp;
  return userTimestamp === undefined ? { payload } : { payload, userTimestamp };
}

/** Calls a user handler from the runtime's event callback, where a throw would reach rtc-node. */
function call(handler: (track: RemoteDataTrack) => void, track: RemoteDataTrack): void {
  try {
    handler(track);
  } catch (error) {
    // Report it as the uncaught error it is, outside the runtime's callback.
    queueMicrotask(() => {
      throw error;
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
