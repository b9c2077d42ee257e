/**
 * The transport's ceiling: the same MessageData frames the gateway sends (5-byte frame header,
 * 17-byte MessageData header, payload), written with plain rtc-node `streamBytes` through the
 * adapter's `openByteStream`, from one Room to another over the same livekit-server, and received
 * by the same decoding code as in the end-to-end run. No context, no queue, no session: only the
 * encode the gateway also does, and the byte stream.
 *
 * Two modes: one awaited write per message (what the gateway's sender does), and the frames
 * coalesced into writes of about 256 KiB, to show what batching writes could gain.
 */
import { hrtime } from "node:process";
import type { LocalLivekitServer } from "../src/dev/index.js";
import { type ByteStreamSink, type JoinedRoom, joinRoom } from "../src/livekit/index.js";
import { encodeServerMessageDataFrame, messageDataFrameSize } from "../src/protocol/index.js";
import { type ThroughputRun, throughputRun } from "./e2e.js";
import { devToken } from "./gateway-stack.js";
import { consume, DeliveryCounter } from "./receiver.js";
import { seconds, waitUntil } from "./stats.js";

/** Target size of one coalesced write. */
export const COALESCED_WRITE_BYTES = 256 * 1024;

/** The channel id written in the raw frames (any u64 does; the receiver does not route on it). */
const RAW_CHANNEL_ID = 1;

/** Two Rooms in a room of their own, with one open stream per mode; `stop()` leaves both. */
export interface RawPair {
  readonly perMessage: RawLane;
  readonly coalesced: RawLane;
  stop(): Promise<void>;
}

interface RawLane {
  readonly writer: ByteStreamSink;
  readonly received: DeliveryCounter;
}

/**
 * Joins a sender and a receiver Room and opens the two streams (outside any timed section, as the
 * gateway's stream is already open when its runs are timed).
 *
 * @example
 * const pair = await startRawPair(livekit);
 * await runRaw(pair.perMessage, payloads, 1);
 * await pair.stop();
 */
export async function startRawPair(livekit: LocalLivekitServer): Promise<RawPair> {
  const room = `bench-raw-${Math.random().toString(36).slice(2)}`;
  const rooms: JoinedRoom[] = [];
  const stop = async () => {
    await Promise.all(rooms.map((r) => r.disconnect()));
  };
  try {
    const receiver = await joinRoom(livekit.url, await devToken(room, "raw-receiver"));
    rooms.push(receiver);
    const sender = await joinRoom(livekit.url, await devToken(room, "raw-sender"));
    rooms.push(sender);
    await waitUntil(
      () => sender.remoteIdentities.includes("raw-receiver"),
      10_000,
      "raw receiver visible to the sender",
    );
    const lane = async (topic: string): Promise<RawLane> => {
      const received = new DeliveryCounter(true);
      receiver.onByteStream(topic, (reader) => void consume(reader, received));
      const writer = await sender.openByteStream(topic, ["raw-receiver"]);
      return { writer, received };
    };
    const perMessage = await lane("raw-per-message");
    const coalesced = await lane("raw-coalesced");
    return {
      perMessage,
      coalesced,
      async stop() {
        await Promise.all([perMessage.writer.close(), coalesced.writer.close()]).catch(() => {});
        // Leaving with a stream still being read makes rtc-node log an error: let them end first.
        await waitUntil(
          () => perMessage.received.streams.size === 0 && coalesced.received.streams.size === 0,
          2_000,
          "raw streams to end",
        ).catch(() => {});
        await Promise.all([
          perMessage.received.streams.closeAll(),
          coalesced.received.streams.closeAll(),
        ]);
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Encodes and writes every payload as a MessageData frame, `framesPerWrite` frames per awaited
 * write, and waits for the receiver to have decoded them all. Timed from the first encode to the
 * last message decoded.
 *
 * @throws when a message is lost, duplicated or out of order
 */
export async function runRaw(
  lane: RawLane,
  payloads: readonly Uint8Array[],
  framesPerWrite: number,
): Promise<ThroughputRun> {
  const { writer, received } = lane;
  const totalBytes = payloads.reduce((sum, p) => sum + p.length, 0);
  received.reset();
  const start = hrtime.bigint();
  if (framesPerWrite <= 1) {
    for (const payload of payloads) {
      await writer.write(encodeServerMessageDataFrame(RAW_CHANNEL_ID, hrtime.bigint(), payload));
    }
  } else {
    for (let first = 0; first < payloads.length; first += framesPerWrite) {
      const batch = payloads.slice(first, first + framesPerWrite);
      const buffer = new Uint8Array(
        batch.reduce((sum, p) => sum + messageDataFrameSize(p.length), 0),
      );
      let offset = 0;
      for (const payload of batch) {
        const frame = encodeServerMessageDataFrame(RAW_CHANNEL_ID, hrtime.bigint(), payload);
        buffer.set(frame, offset);
        offset += frame.length;
      }
      await writer.write(buffer);
    }
  }
  await waitUntil(
    () => received.messages >= payloads.length,
    60_000,
    `raw: ${payloads.length} messages (got ${received.messages})`,
  );
  if (
    received.messages !== payloads.length ||
    received.payloadBytes !== totalBytes ||
    received.outOfOrder > 0 ||
    received.unexpected > 0
  ) {
    throw new Error(
      `bench: raw run incomplete: ${received.messages}/${payloads.length} messages, ${received.outOfOrder} out of order`,
    );
  }
  return throughputRun(received.messages, totalBytes, seconds(start, received.lastAt));
}

/** How many frames of `payloadSize` bytes fill one coalesced write of about 256 KiB. */
export function framesPerCoalescedWrite(payloadSize: number): number {
  return Math.max(1, Math.round(COALESCED_WRITE_BYTES / messageDataFrameSize(payloadSize)));
}
