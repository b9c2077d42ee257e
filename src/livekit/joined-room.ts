import { inspect } from "node:util";
import {
  type ByteStreamReader,
  DisconnectReason,
  type RemoteParticipant,
  type Room,
  RoomEvent,
} from "@livekit/rtc-node";
import { within } from "../within.js";
import { dataTracksOf, type LocalDataTrack, type RemoteDataTrack } from "./data-track.js";

/** A remote participant instance: one identity may rejoin as a new instance (a new SID). */
export interface RemoteParticipantInfo {
  identity: string;
  /** LiveKit's id of this instance of the identity. */
  sid: string;
  /** When this instance joined, in ms since the epoch (0 when the SDK does not say). */
  joinedAtMs: number;
  /** Its participant attributes (e.g. `protocolVersion`). */
  attributes: Readonly<Record<string, string>>;
}

/** What happens to a room, in the gateway's words. */
export type RoomSignal =
  | { type: "participantJoined"; participant: RemoteParticipantInfo }
  | { type: "participantLeft"; participant: RemoteParticipantInfo }
  | { type: "reconnecting" }
  | { type: "reconnected" }
  | { type: "disconnected"; reason: string };

/** The writing half of an outgoing byte stream. */
export interface ByteStreamSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** How long `disconnect()` waits for rtc-node before giving up on it (it has been seen to hang). */
export const DISCONNECT_TIMEOUT_MS = 5_000;

/** An RPC method no viewer implements: its "unsupported" answer is the delivery receipt. */
const FLUSH_METHOD = "foxglove-gateway.flush";

/**
 * A connected LiveKit room, as the gateway uses it.
 *
 * It wraps an rtc-node `Room`, which keeps the LiveKit JWT in a field: the room itself is private
 * and this wrapper prints and serializes as its identity only.
 */
export class JoinedRoom {
  readonly #room: Room;
  #closing: Promise<void> | undefined;

  constructor(room: Room) {
    this.#room = room;
  }

  /** Our own identity, chosen by whoever minted the token. */
  get identity(): string {
    return this.#room.localParticipant?.identity ?? "";
  }

  /** Remote participants present now (those present at connect get no join event). */
  get remoteIdentities(): string[] {
    return [...this.#room.remoteParticipants.keys()];
  }

  /** Remote participants present now, with their SIDs and attributes. */
  get remoteParticipants(): RemoteParticipantInfo[] {
    return [...this.#room.remoteParticipants.values()].map(describeParticipant);
  }

  get isConnected(): boolean {
    return this.#room.isConnected;
  }

  /** Listens to the room; returns the function that stops listening. */
  subscribe(listener: (signal: RoomSignal) => void): () => void {
    const joined = (p: RemoteParticipant) =>
      listener({ type: "participantJoined", participant: describeParticipant(p) });
    const left = (p: RemoteParticipant) =>
      listener({ type: "participantLeft", participant: describeParticipant(p) });
    const reconnecting = () => listener({ type: "reconnecting" });
    const reconnected = () => listener({ type: "reconnected" });
    const disconnected = (reason: DisconnectReason) =>
      listener({ type: "disconnected", reason: DisconnectReason[reason] ?? String(reason) });
    const room = this.#room;
    room.on(RoomEvent.ParticipantConnected, joined);
    room.on(RoomEvent.ParticipantDisconnected, left);
    room.on(RoomEvent.Reconnecting, reconnecting);
    room.on(RoomEvent.Reconnected, reconnected);
    room.on(RoomEvent.Disconnected, disconnected);
    return () => {
      room.off(RoomEvent.ParticipantConnected, joined);
      room.off(RoomEvent.ParticipantDisconnected, left);
      room.off(RoomEvent.Reconnecting, reconnecting);
      room.off(RoomEvent.Reconnected, reconnected);
      room.off(RoomEvent.Disconnected, disconnected);
    };
  }

  /** Opens a reliable byte stream to some participants. */
  async openByteStream(topic: string, destinationIdentities: string[]): Promise<ByteStreamSink> {
    const participant = this.#room.localParticipant;
    if (!participant) throw new Error("the room is not connected");
    return participant.streamBytes({ topic, destinationIdentities });
  }

  /**
   * Publishes a lossy data track. Its handle is released when unpublished or when the room is left.
   *
   * @throws DataTrackPublishError, with `code` `DuplicateName` when we publish that name already.
   */
  publishDataTrack(name: string): Promise<LocalDataTrack> {
    return dataTracksOf(this.#room).publish(name);
  }

  /**
   * Reports the data tracks others publish: at once (synchronously) for those already published,
   * including those published before we joined, then each new one. Returns the function that stops
   * the reports.
   */
  onDataTrack(handler: (track: RemoteDataTrack) => void): () => void {
    return dataTracksOf(this.#room).onTrack(handler);
  }

  /** Receives the byte streams others open on a topic; returns the function that stops receiving. */
  onByteStream(
    topic: string,
    handler: (reader: AsyncIterable<Uint8Array>, from: string) => void,
  ): () => void {
    this.#room.registerByteStreamHandler(topic, (reader: ByteStreamReader, { identity }) =>
      handler(reader, identity),
    );
    return () => this.#room.unregisterByteStreamHandler(topic);
  }

  /**
   * Resolves once everything sent so far has reached every remote participant, or after
   * `timeoutMs`. A stream's `close()` resolves once its trailer is queued locally, and leaving the
   * room drops what is still queued: viewers then see their streams break. An RPC travels behind
   * the queued data on the same ordered, reliable channel, and the viewer's SDK answers it even
   * without a handler ("unsupported method"): any answer means the data before it arrived.
   */
  async flush(timeoutMs: number): Promise<void> {
    const { localParticipant } = this.#room;
    if (!localParticipant || !this.#room.isConnected) return;
    const delivered = this.remoteIdentities.map((destinationIdentity) =>
      localParticipant
        .performRpc({
          destinationIdentity,
          method: FLUSH_METHOD,
          payload: "",
          responseTimeout: timeoutMs,
        })
        .catch(() => {}),
    );
    await within(Promise.all(delivered), timeoutMs);
  }

  /**
   * Leaves the room. Idempotent; never rejects; gives up after `timeoutMs` because rtc-node's own
   * disconnect has no timeout.
   */
  disconnect(timeoutMs = DISCONNECT_TIMEOUT_MS): Promise<void> {
    if (!this.#room.isConnected) {
      releaseDroppedRoom(this.#room);
      this.#closing ??= Promise.resolve();
    }
    this.#closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#room
        .disconnect()
        .catch(() => {})
        .finally(() => {
          clearTimeout(timer);
          resolve();
        });
    });
    return this.#closing;
  }

  toJSON(): { identity: string } {
    return { identity: this.identity };
  }

  [inspect.custom](): string {
    return `JoinedRoom(${this.identity})`;
  }
}

function describeParticipant(p: RemoteParticipant): RemoteParticipantInfo {
  return {
    identity: p.identity,
    sid: p.sid ?? "",
    joinedAtMs: Number(p.info.joinedAt ?? 0),
    attributes: { ...p.attributes },
  };
}

/** rtc-node internals that a room dropped by the server leaves behind (rtc-node 1.1.0). */
interface DroppedRoomInternals {
  onFfiEvent?: (...args: unknown[]) => void;
  ffiHandle?: { dispose(): void };
}

/**
 * When the server drops a room, rtc-node marks it disconnected but keeps the room's listener on its
 * process-wide FFI client and its native handle; its own `disconnect()` then returns early. Without
 * this, every server-side disconnect would leak one listener and one native room for good.
 */
function releaseDroppedRoom(room: Room): void {
  const internals = room as unknown as DroppedRoomInternals;
  const client = (
    globalThis as { _ffiClientInstance?: { off(event: string, listener: unknown): void } }
  )._ffiClientInstance;
  if (internals.onFfiEvent) client?.off("ffi_event", internals.onFfiEvent);
  internals.ffiHandle?.dispose();
  internals.ffiHandle = undefined;
  room.removeAllListeners();
}
