import type { ByteStreamSink } from "../livekit/index.js";

/**
 * What the session needs from a LiveKit room, and nothing more: the session never imports rtc-node.
 * `JoinedRoom` implements it; tests may use a real room or anything shaped like one.
 */
export interface RoomPort {
  /** Opens a reliable byte stream to some participants. */
  openByteStream(topic: string, destinationIdentities: string[]): Promise<ByteStreamSink>;
  /** Receives byte streams others open on a topic; returns the function that stops receiving. */
  onByteStream(
    topic: string,
    handler: (reader: AsyncIterable<Uint8Array>, from: string) => void,
  ): () => void;
}
