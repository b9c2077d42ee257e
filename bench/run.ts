/**
 * The bench: every number in one run, on one local stack, then a table (and, with `--json`, one
 * JSON object as the last line of stdout). Progress goes to stderr. Everything started here —
 * livekit-server, the dev API, the gateway, the rtc-node Rooms — is stopped before returning, and
 * rtc-node is disposed, so the process exits by itself.
 */
import { cpus } from "node:os";
import { provisionLivekitServer } from "../src/dev/livekit-binary.js";
import { LocalLivekitServer } from "../src/dev/livekit-server.js";
import { disposeLivekit } from "../src/livekit/index.js";
import { runE2e, type ThroughputRun } from "./e2e.js";
import { measureEncodeEnqueue } from "./encode-enqueue.js";
import { type GatewayBench, startGatewayBench } from "./gateway-stack.js";
import { measureLatency } from "./latency.js";
import { measureLogNoSubscriber } from "./log-no-subscriber.js";
import { framesPerCoalescedWrite, type RawPair, runRaw, startRawPair } from "./raw-stream.js";
import { numberedPayloads } from "./receiver.js";
import { median } from "./stats.js";

/**
 * What is measured, and how much of it. Sized for the bench to finish in about a minute on a
 * 2-core machine, where the local transport carries only about 3 MB/s (see docs/performance.md).
 */
const PLAN = {
  repeats: 3,
  enqueue: {
    small: { topic: "/bench/enqueue-64b", size: 64, calls: 500_000 },
    large: { topic: "/bench/enqueue-16kib", size: 16 * 1024, calls: 50_000 },
  },
  /** 512 x 16 KiB = 8 MiB per run; the warm-up round sends `warmupMessages` of each. */
  throughput: { topic: "/bench/e2e-16kib", size: 16 * 1024, messages: 512, warmupMessages: 128 },
  /** Small messages, where the per-write cost dominates. */
  small: { topic: "/bench/e2e-64b", size: 64, messages: 1024 },
  latency: { topic: "/bench/latency", size: 64, messages: 300, intervalMs: 5 },
  /**
   * The gateway's default. It holds a whole burst of either throughput run, so those runs drop
   * nothing (the bench fails if they do).
   */
  messageBacklogSize: 1024,
} as const;

/** Targets the numbers are held to. */
const TARGETS = {
  /** log() on a channel without subscribers, at most this many times an empty method call. */
  maxLogNoSubscriberRatio: 3,
  /** End-to-end throughput, at least this fraction of the raw per-message stream ceiling. */
  minE2eToRawRatio: 0.8,
} as const;

/** A wedged stack must not leave the bench running forever. */
const WATCHDOG_MS = 5 * 60_000;

const startedAt = Date.now();
const progress = (line: string) =>
  process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${line}\n`);

/** Three interleaved series of runs: gateway, raw one write per message, raw coalesced. */
interface Series {
  e2e: ThroughputRun[];
  raw: ThroughputRun[];
  coalesced: ThroughputRun[];
}

/**
 * Runs the gateway, raw and coalesced paths in turn, `repeats` times (plus a warm-up round of
 * `warmup` messages), so that drift in the machine's load hits all three alike.
 */
async function interleaved(
  gatewayBench: GatewayBench,
  raw: RawPair,
  topic: string,
  payloads: readonly Uint8Array[],
  warmup: number,
  label: string,
): Promise<Series> {
  const perWrite = framesPerCoalescedWrite(payloads[0]?.length ?? 1);
  const series: Series = { e2e: [], raw: [], coalesced: [] };
  for (let round = 0; round <= PLAN.repeats; round++) {
    const batch = round === 0 ? payloads.slice(0, warmup) : payloads;
    const e2e = await runE2e(gatewayBench, topic, batch);
    const perMessage = await runRaw(raw.perMessage, batch, 1);
    const coalesced = await runRaw(raw.coalesced, batch, perWrite);
    if (round === 0) continue;
    progress(
      `  ${label} round ${round}: e2e ${describe(e2e)}, raw ${describe(perMessage)}, coalesced ${describe(coalesced)}`,
    );
    series.e2e.push(e2e);
    series.raw.push(perMessage);
    series.coalesced.push(coalesced);
  }
  return series;
}

function describe(run: ThroughputRun): string {
  return `${run.mbPerS.toFixed(2)} MB/s ${Math.round(run.msgsPerS)} msg/s`;
}

/**
 * Runs the whole bench; resolves with the process exit code (0, or 1 if a measurement failed).
 *
 * @example
 * process.exitCode = await runBench(["--json"]);
 */
export async function runBench(argv: readonly string[]): Promise<number> {
  const json = argv.includes("--json");
  const watchdog = setTimeout(() => {
    progress(`still running after ${WATCHDOG_MS / 1000} s: giving up`);
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();

  let livekit: LocalLivekitServer | undefined;
  let gatewayBench: GatewayBench | undefined;
  let raw: RawPair | undefined;
  let result: BenchResult | undefined;
  try {
    // First, on a quiet process: nothing of rtc-node has run yet.
    progress("log() without subscribers vs an empty call");
    const noSubscriber = await measureLogNoSubscriber();

    const binary = await provisionLivekitServer({ onProgress: progress });
    livekit = await LocalLivekitServer.start({ binary: binary.path, log: progress });
    const { enqueue, throughput, small, latency } = PLAN;
    gatewayBench = await startGatewayBench(livekit, {
      topics: {
        [enqueue.small.topic]: false,
        [enqueue.large.topic]: false,
        [throughput.topic]: true,
        [small.topic]: true,
        [latency.topic]: true,
      },
      messageBacklogSize: PLAN.messageBacklogSize,
    });
    raw = await startRawPair(livekit);
    progress("gateway running, viewer subscribed, raw rooms joined");

    const enqueueSmall = await measureEncodeEnqueue(
      gatewayBench,
      enqueue.small.topic,
      enqueue.small.size,
      enqueue.small.calls,
      PLAN.repeats,
    );
    progress(`encode + enqueue 64 B: ${enqueueSmall.runs.map(Math.round).join(", ")} msg/s`);
    const enqueueLarge = await measureEncodeEnqueue(
      gatewayBench,
      enqueue.large.topic,
      enqueue.large.size,
      enqueue.large.calls,
      PLAN.repeats,
    );
    progress(`encode + enqueue 16 KiB: ${enqueueLarge.runs.map(Math.round).join(", ")} msg/s`);

    progress("throughput, 16 KiB messages");
    const big = await interleaved(
      gatewayBench,
      raw,
      throughput.topic,
      numberedPayloads(throughput.messages, throughput.size),
      throughput.warmupMessages,
      "16 KiB",
    );
    progress("throughput, 64 B messages");
    const tiny = await interleaved(
      gatewayBench,
      raw,
      small.topic,
      numberedPayloads(small.messages, small.size),
      small.messages / 4,
      "64 B",
    );

    progress("latency");
    const lat = await measureLatency(
      gatewayBench,
      latency.topic,
      latency.messages,
      latency.intervalMs,
      latency.size,
    );

    const mb = (runs: ThroughputRun[]) => median(runs.map((r) => r.mbPerS));
    const msgs = (runs: ThroughputRun[]) => Math.round(median(runs.map((r) => r.msgsPerS)));
    const e2eMbPerS = mb(big.e2e);
    const rawMbPerS = mb(big.raw);
    const noSubscriberRatio = noSubscriber.log_no_subscriber_ns / noSubscriber.empty_call_ns;
    const e2eToRaw = e2eMbPerS / rawMbPerS;
    result = {
      date: new Date().toISOString(),
      node_version: process.version,
      cpus: cpus().length,
      log_no_subscriber_ns: round(noSubscriber.log_no_subscriber_ns, 3),
      empty_call_ns: round(noSubscriber.empty_call_ns, 3),
      log_no_subscriber_ratio: round(noSubscriberRatio, 2),
      encode_enqueue_msgs_per_s_64b: Math.round(enqueueSmall.msgsPerS),
      encode_enqueue_msgs_per_s_16kib: Math.round(enqueueLarge.msgsPerS),
      encode_enqueue_calls_per_run_64b: enqueueSmall.callsPerRun,
      encode_enqueue_calls_per_run_16kib: enqueueLarge.callsPerRun,
      encode_enqueue_dropped_per_run_64b: enqueueSmall.droppedPerRun,
      encode_enqueue_dropped_per_run_16kib: enqueueLarge.droppedPerRun,
      e2e_mb_per_s: round(e2eMbPerS, 2),
      raw_stream_bytes_mb_per_s: round(rawMbPerS, 2),
      raw_stream_coalesced_mb_per_s: round(mb(big.coalesced), 2),
      e2e_to_raw_ratio: round(e2eToRaw, 2),
      e2e_runs_mb_per_s: big.e2e.map((r) => round(r.mbPerS, 2)),
      raw_runs_mb_per_s: big.raw.map((r) => round(r.mbPerS, 2)),
      raw_coalesced_runs_mb_per_s: big.coalesced.map((r) => round(r.mbPerS, 2)),
      throughput_messages: throughput.messages,
      throughput_message_bytes: throughput.size,
      coalesced_frames_per_write_16kib: framesPerCoalescedWrite(throughput.size),
      e2e_msgs_per_s_64b: msgs(tiny.e2e),
      raw_stream_msgs_per_s_64b: msgs(tiny.raw),
      raw_stream_coalesced_msgs_per_s_64b: msgs(tiny.coalesced),
      small_messages: small.messages,
      latency_p50_ms: round(lat.p50Ms, 2),
      latency_p99_ms: round(lat.p99Ms, 2),
      latency_max_ms: round(lat.maxMs, 2),
      latency_messages: lat.messages,
      message_backlog_size: PLAN.messageBacklogSize,
      peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
      target_log_no_subscriber_ratio_max: TARGETS.maxLogNoSubscriberRatio,
      target_log_no_subscriber_met: noSubscriberRatio <= TARGETS.maxLogNoSubscriberRatio,
      target_e2e_to_raw_ratio_min: TARGETS.minE2eToRawRatio,
      target_e2e_to_raw_met: e2eToRaw >= TARGETS.minE2eToRawRatio,
    };
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    progress("stopping");
    await raw?.stop();
    await gatewayBench?.stop();
    await livekit?.stop();
    await disposeLivekit();
    clearTimeout(watchdog);
  }
  if (!result) return 1;
  // Printed once everything is stopped, so that nothing rtc-node might log while shutting down
  // can come after the JSON line.
  process.stdout.write(`${table(result)}\n`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

/** The JSON object printed by `--json` (numbers in the units their names say). */
type BenchResult = Record<string, number | string | boolean | number[]> & {
  date: string;
  node_version: string;
  cpus: number;
  log_no_subscriber_ns: number;
  empty_call_ns: number;
  log_no_subscriber_ratio: number;
  encode_enqueue_msgs_per_s_64b: number;
  encode_enqueue_msgs_per_s_16kib: number;
  encode_enqueue_dropped_per_run_64b: number;
  encode_enqueue_dropped_per_run_16kib: number;
  encode_enqueue_calls_per_run_64b: number;
  encode_enqueue_calls_per_run_16kib: number;
  e2e_mb_per_s: number;
  raw_stream_bytes_mb_per_s: number;
  raw_stream_coalesced_mb_per_s: number;
  e2e_to_raw_ratio: number;
  e2e_runs_mb_per_s: number[];
  raw_runs_mb_per_s: number[];
  raw_coalesced_runs_mb_per_s: number[];
  e2e_msgs_per_s_64b: number;
  raw_stream_msgs_per_s_64b: number;
  raw_stream_coalesced_msgs_per_s_64b: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_max_ms: number;
  peak_rss_mb: number;
  target_log_no_subscriber_met: boolean;
  target_e2e_to_raw_met: boolean;
};

/** The human-readable table: name, value, and a note (runs, target, context). */
function table(r: BenchResult): string {
  const met = (ok: boolean) => (ok ? "met" : "NOT MET");
  const runs = (values: number[]) => `runs ${values.join(" / ")}`;
  const count = (n: number) => n.toLocaleString("en-US");
  const rows: [string, string, string][] = [
    ["log() without subscribers", `${r.log_no_subscriber_ns} ns`, ""],
    ["empty method call", `${r.empty_call_ns} ns`, ""],
    [
      "  ratio",
      `${r.log_no_subscriber_ratio}x`,
      `target <= ${TARGETS.maxLogNoSubscriberRatio}x: ${met(r.target_log_no_subscriber_met)}`,
    ],
    [
      "encode + enqueue, 64 B",
      `${count(r.encode_enqueue_msgs_per_s_64b)} msg/s`,
      `queue full: ${count(r.encode_enqueue_dropped_per_run_64b)} of ${count(r.encode_enqueue_calls_per_run_64b)} evicted per run`,
    ],
    [
      "encode + enqueue, 16 KiB",
      `${count(r.encode_enqueue_msgs_per_s_16kib)} msg/s`,
      `queue full: ${count(r.encode_enqueue_dropped_per_run_16kib)} of ${count(r.encode_enqueue_calls_per_run_16kib)} evicted per run`,
    ],
    ["end to end, 16 KiB msgs", `${r.e2e_mb_per_s} MB/s`, runs(r.e2e_runs_mb_per_s)],
    [
      "raw streamBytes, 1 write/msg",
      `${r.raw_stream_bytes_mb_per_s} MB/s`,
      runs(r.raw_runs_mb_per_s),
    ],
    [
      "raw streamBytes, ~256 KiB writes",
      `${r.raw_stream_coalesced_mb_per_s} MB/s`,
      runs(r.raw_coalesced_runs_mb_per_s),
    ],
    [
      "  e2e / raw",
      `${r.e2e_to_raw_ratio}x`,
      `target >= ${TARGETS.minE2eToRawRatio}x: ${met(r.target_e2e_to_raw_met)}`,
    ],
    ["end to end, 64 B msgs", `${count(r.e2e_msgs_per_s_64b)} msg/s`, ""],
    ["raw streamBytes 64 B, 1 write/msg", `${count(r.raw_stream_msgs_per_s_64b)} msg/s`, ""],
    [
      "raw streamBytes 64 B, coalesced",
      `${count(r.raw_stream_coalesced_msgs_per_s_64b)} msg/s`,
      "all frames in one write",
    ],
    [
      "latency p50",
      `${r.latency_p50_ms} ms`,
      `p99 ${r.latency_p99_ms} ms, max ${r.latency_max_ms} ms`,
    ],
    ["peak RSS", `${r.peak_rss_mb} MB`, ""],
    ["node", r.node_version, `${r.cpus} CPUs, ${r.date}`],
  ];
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  return rows
    .map(([name, value, note]) =>
      `${name.padEnd(nameWidth)}  ${value.padStart(valueWidth)}  ${note}`.trimEnd(),
    )
    .join("\n");
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
