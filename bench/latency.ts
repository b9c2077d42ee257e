/**
 * Latency from `channel.log()` to receipt by the viewer, for small messages at a steady low rate
 * (so that no queue builds up and what is measured is the path, not a backlog). The logTime passed
 * to log() is `process.hrtime.bigint()` — a monotonic clock — and the viewer reads the same clock
 * when it decodes the message; both ends live in this process, so the difference needs no clock
 * synchronisation.
 */
import { hrtime } from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import type { GatewayBench } from "./gateway-stack.js";
import { numberedPayloads } from "./receiver.js";
import { percentile, waitUntil } from "./stats.js";

/** Latency percentiles in milliseconds. */
export interface LatencyResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  messages: number;
}

/**
 * Logs `count` messages of `payloadSize` bytes on `topic`, `intervalMs` apart, and returns the
 * percentiles of their log-to-receipt latency.
 *
 * @example
 * const { p50Ms, p99Ms } = await measureLatency(bench, "/latency", 300, 5, 64);
 */
export async function measureLatency(
  bench: GatewayBench,
  topic: string,
  count: number,
  intervalMs: number,
  payloadSize: number,
): Promise<LatencyResult> {
  const target = bench.channels.get(topic);
  if (!target) throw new Error(`bench: no channel ${topic}`);
  const { channel, received } = target;
  const payloads = numberedPayloads(count, payloadSize);
  const latenciesMs: number[] = [];
  received.reset((message, receivedAt) => {
    latenciesMs.push(Number(receivedAt - message.logTime) / 1e6);
  });
  for (const payload of payloads) {
    channel.log(payload, { logTime: hrtime.bigint() });
    await sleep(intervalMs);
  }
  await waitUntil(
    () => received.messages >= count,
    10_000,
    `${topic}: ${count} messages (got ${received.messages})`,
  );
  if (received.messages !== count || received.outOfOrder > 0) {
    throw new Error(`bench: latency run got ${received.messages}/${count} messages`);
  }
  return {
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: Math.max(...latenciesMs),
    messages: count,
  };
}
