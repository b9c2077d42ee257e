/**
 * `channel.log(payload)` throughput on a channel with one subscribed viewer: a tight synchronous
 * loop of log() calls, so what is timed is exactly the producer's side of the gateway — the
 * context's fan-out, the MessageData encode (one allocation and one payload copy) and the push on
 * the session's lossy data queue. The sender cannot run during the loop (it is synchronous), so
 * once the loop has filled the queue every further push evicts the oldest message: that is the
 * queue's designed behaviour under overload and part of what is measured. The runs follow each
 * other without draining the queue, so every timed run starts (after a warm-up run) with a full
 * queue: the same steady state each time. Afterwards the queue is drained to the viewer and the
 * bench checks that received + dropped = logged.
 */
import { hrtime } from "node:process";
import type { GatewayBench } from "./gateway-stack.js";
import { median, seconds, waitUntil } from "./stats.js";

/** The result of one payload size. */
export interface EncodeEnqueueResult {
  /** Median over the timed runs. */
  msgsPerS: number;
  runs: number[];
  callsPerRun: number;
  /** Messages dropped by the lossy queue in the last run (oldest evicted). */
  droppedPerRun: number;
  /** Messages the viewer received after all runs: logged minus dropped. */
  delivered: number;
}

/**
 * Times `runs` loops of `calls` log() calls of a `payloadSize`-byte payload on `topic` (after one
 * untimed warm-up loop), then drains the queue (untimed).
 *
 * @example
 * const { msgsPerS } = await measureEncodeEnqueue(bench, "/enqueue-64", 64, 500_000, 3);
 */
export async function measureEncodeEnqueue(
  bench: GatewayBench,
  topic: string,
  payloadSize: number,
  calls: number,
  runs: number,
): Promise<EncodeEnqueueResult> {
  const target = bench.channels.get(topic);
  if (!target) throw new Error(`bench: no channel ${topic}`);
  const { channel, received } = target;
  const payload = new Uint8Array(payloadSize).fill(7);
  const results: number[] = [];
  let droppedPerRun = 0;
  received.reset();
  const droppedBefore = bench.dropped();
  for (let run = -1; run < runs; run++) {
    const droppedAtStart = bench.dropped();
    const start = hrtime.bigint();
    for (let i = 0; i < calls; i++) channel.log(payload);
    const elapsed = seconds(start, hrtime.bigint());
    droppedPerRun = bench.dropped() - droppedAtStart;
    if (run >= 0) results.push(calls / elapsed);
  }
  // Whatever was not dropped is queued or sent, and must reach the viewer.
  const expected = (runs + 1) * calls - (bench.dropped() - droppedBefore);
  await waitUntil(
    () => received.messages >= expected,
    60_000,
    `${topic}: ${expected} messages to drain (got ${received.messages})`,
    10,
  );
  if (received.messages !== expected || received.unexpected > 0) {
    throw new Error(
      `bench: ${topic} received ${received.messages} messages, expected ${expected} (logged minus dropped)`,
    );
  }
  return {
    msgsPerS: median(results),
    runs: results,
    callsPerRun: calls,
    droppedPerRun,
    delivered: received.messages,
  };
}
