/**
 * How much `Channel.log` costs when nobody subscribes, next to an empty method call made through
 * the same kind of call site, measured in one run so that both numbers share the machine's state.
 */
import { hrtime } from "node:process";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { Context, type LogMessage, type LogOptions } from "../src/context/index.js";

const CALLS_PER_BATCH = 1_000_000;
const BATCHES = 15;
const WARMUP_BATCHES = 3;

/** Same signature as `Channel.log`, empty body: the baseline. */
class EmptyLogger {
  log(_message: LogMessage, _options?: LogOptions): void {}
}

// Varied arguments (bytes, text, object; with and without options) so that neither loop can be
// specialised to one constant call; the loop counter feeds a checksum that is used below.
const PAYLOADS: readonly LogMessage[] = [
  new Uint8Array([1, 2, 3]),
  "text",
  { x: 1 },
  new Uint8Array(64),
];
const OPTIONS: readonly (LogOptions | undefined)[] = [undefined, { logTime: 1234n }];

// Two copies of the same loop, so that each call site stays monomorphic.
function timeChannel(target: { log(m: LogMessage, o?: LogOptions): void }): [bigint, number] {
  let checksum = 0;
  const start = hrtime.bigint();
  for (let i = 0; i < CALLS_PER_BATCH; i++) {
    target.log(PAYLOADS[i & 3] as LogMessage, OPTIONS[i & 1]);
    checksum = (checksum + i) | 0;
  }
  return [hrtime.bigint() - start, checksum];
}

function timeEmpty(target: { log(m: LogMessage, o?: LogOptions): void }): [bigint, number] {
  let checksum = 0;
  const start = hrtime.bigint();
  for (let i = 0; i < CALLS_PER_BATCH; i++) {
    target.log(PAYLOADS[i & 3] as LogMessage, OPTIONS[i & 1]);
    checksum = (checksum + i) | 0;
  }
  return [hrtime.bigint() - start, checksum];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Median ns per call of `channel.log(payload)` on a channel without subscribers, and of an empty
 * method call, over interleaved batches of 1e6 calls.
 *
 * @example
 * const { log_no_subscriber_ns, empty_call_ns } = await measureLogNoSubscriber();
 * console.log(log_no_subscriber_ns / empty_call_ns); // the overhead ratio
 */
export async function measureLogNoSubscriber(): Promise<{
  log_no_subscriber_ns: number;
  empty_call_ns: number;
}> {
  const context = new Context();
  const channel = context.createChannel({ topic: "/bench", messageEncoding: "json" });
  // A sink that never subscribes: the channel is announced but stays subscriber-less.
  context.addSink({ addChannels() {}, removeChannel() {}, log() {} });
  const empty = new EmptyLogger();

  const logNs: number[] = [];
  const emptyNs: number[] = [];
  let checksum = 0;
  for (let batch = 0; batch < WARMUP_BATCHES + BATCHES; batch++) {
    // Interleaved, so that drift (frequency scaling, other load) hits both sides alike.
    const [logTime, a] = timeChannel(channel);
    const [emptyTime, b] = timeEmpty(empty);
    checksum ^= a ^ b;
    if (batch >= WARMUP_BATCHES) {
      logNs.push(Number(logTime) / CALLS_PER_BATCH);
      emptyNs.push(Number(emptyTime) / CALLS_PER_BATCH);
    }
    await yieldToEventLoop();
  }
  // Both checksums are equal, so this never throws; it keeps the loops' results alive.
  if (checksum !== 0) throw new Error(`benchmark checksum mismatch: ${checksum}`);
  channel.close();
  return { log_no_subscriber_ns: median(logNs), empty_call_ns: median(emptyNs) };
}
