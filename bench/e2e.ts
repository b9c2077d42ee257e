/**
 * End-to-end throughput: messages (16 KiB, and 64 B for the per-message rate) logged on the gateway and received, decoded and checked
 * by a viewer through the local livekit-server. Timed from just before the first log() to the
 * moment the last message was decoded by the viewer. The gateway's data queue is large enough to
 * hold the whole burst, so nothing may be dropped: the run fails unless every message arrives, in
 * order, with its full payload.
 */
import { hrtime } from "node:process";
import type { GatewayBench } from "./gateway-stack.js";
import { seconds, waitUntil } from "./stats.js";

/** One run's outcome. */
export interface ThroughputRun {
  /** 10^6 payload bytes per second. */
  mbPerS: number;
  msgsPerS: number;
  seconds: number;
  messages: number;
}

/** The rates of a run of `messages` messages carrying `bytes` payload bytes in `elapsed` s. */
export function throughputRun(messages: number, bytes: number, elapsed: number): ThroughputRun {
  return {
    mbPerS: bytes / 1e6 / elapsed,
    msgsPerS: messages / elapsed,
    seconds: elapsed,
    messages,
  };
}

/**
 * Logs every payload of `payloads` on `topic` in one synchronous burst and waits for the viewer
 * to have them all.
 *
 * @throws when a message is dropped, lost, duplicated or out of order
 * @example
 * const run = await runE2e(bench, "/e2e", numberedPayloads(2048, 16_384));
 */
export async function runE2e(
  bench: GatewayBench,
  topic: string,
  payloads: readonly Uint8Array[],
): Promise<ThroughputRun> {
  const target = bench.channels.get(topic);
  if (!target) throw new Error(`bench: no channel ${topic}`);
  const { channel, received } = target;
  const totalBytes = payloads.reduce((sum, p) => sum + p.length, 0);
  received.reset();
  const droppedBefore = bench.dropped();
  const start = hrtime.bigint();
  for (const payload of payloads) channel.log(payload);
  await waitUntil(
    () => received.messages >= payloads.length || bench.dropped() > droppedBefore,
    60_000,
    `${topic}: ${payloads.length} messages (got ${received.messages})`,
  );
  const dropped = bench.dropped() - droppedBefore;
  if (
    dropped > 0 ||
    received.messages !== payloads.length ||
    received.payloadBytes !== totalBytes ||
    received.outOfOrder > 0 ||
    received.unexpected > 0
  ) {
    throw new Error(
      `bench: e2e run incomplete: ${received.messages}/${payloads.length} messages, ${received.payloadBytes}/${totalBytes} bytes, ${dropped} dropped, ${received.outOfOrder} out of order`,
    );
  }
  return throughputRun(received.messages, totalBytes, seconds(start, received.lastAt));
}
