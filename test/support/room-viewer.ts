import type { JoinedRoom } from "../../src/livekit/index.js";
import {
  type ClientMessage,
  encodeClientFrame,
  type ServerMessage,
} from "../../src/protocol/index.js";
import { Waiters } from "./waiters.js";

/**
 * What both test viewers share: a room, the control messages received, waiting for them, and the
 * channel requests. Each protocol's viewer says how messages travel (`sendRaw`, `listenFor`).
 */
export abstract class RoomViewer {
  /** Control messages received, in order. */
  readonly control: ServerMessage[] = [];
  protected readonly waiters = new Waiters();

  constructor(
    readonly room: JoinedRoom,
    readonly gateway: string,
  ) {}

  get identity(): string {
    return this.room.identity;
  }

  /** Writes raw bytes to the gateway, as this protocol's viewer does (for malformed input too). */
  abstract sendRaw(chunks: Uint8Array[]): Promise<void>;

  /** Gets ready to receive a channel's data before subscribing to it. */
  protected abstract listenFor(channelId: number): void;

  /** Resolves with the first control message (already received or future) that matches. */
  nextControl<T extends ServerMessage>(
    match: (m: ServerMessage) => m is T,
    timeoutMs?: number,
  ): Promise<T>;
  nextControl(match: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  nextControl(match: (m: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    return this.until(() => this.control.find(match), timeoutMs, "a control message");
  }

  /** Sends messages to the gateway, in order. */
  send(...messages: ClientMessage[]): Promise<void> {
    return this.sendRaw(messages.map(encodeClientFrame));
  }

  async subscribe(...channelIds: number[]): Promise<void> {
    for (const id of channelIds) this.listenFor(id);
    await this.send({
      op: "subscribe",
      channels: channelIds.map((id) => ({ id, requestVideoTrack: false })),
    });
  }

  async unsubscribe(...channelIds: number[]): Promise<void> {
    await this.send({ op: "unsubscribe", channelIds });
  }

  async leave(): Promise<void> {
    await this.room.disconnect();
  }

  /** Re-checks `read` whenever something arrives (and every 250 ms) until it returns a value. */
  until<T>(read: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.waiters.until(read, timeoutMs, () => {
      const ops = JSON.stringify(this.control.map((m) => m.op));
      return `${this.identity} timed out waiting for ${what}; control: ${ops}`;
    });
  }
}
