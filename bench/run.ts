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
import { waitForFlow } from "./data-track-run.js";
import { compareDataTracks, dataTrackFields, type SizeComparison } from "./data-track-series.js";
import { runE2e, type ThroughputRun } from "./e2e.js";
import { measureEncodeEnqueue } from "./encode-enqueue.js";
import { type GatewayBench, startGatewayBench } from "./gateway-stack.js";
import { startV22Bench, type V22Bench } from "./gateway-v22-stack.js";
import { measureLatency } from "./latency.js";
import { measureLogNoSubscriber } from "./log-no-subscriber.js";
import { type RawDataTracks, startRawDataTracks } from "./raw-data-track.js";
import { framesPerCoalescedWrite, type RawPair, runRaw, startRawPair } from "./raw-stream.js";
import { numberedPayloads } from "./receiver.js";
import { median } from "./stats.js";
import { type BenchResult, DATA_TRACK_LABELS, table } from "./table.js";

/**
 * What is measured, and how much of it. Sized for the bench to finish in about three minutes on a
 * 2-core machine, where the local transport carries only about 3 MB/s on byte streams and 1 - 2
 * MB/s on data tracks (see docs/performance.md).
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
  /** Protocol 2.2 Reliable channels: the same payloads as `throughput` and `small`. */
  reliable: { throughputTopic: "/bench/reliable-16kib", smallTopic: "/bench/reliable-64b" },
  /**
   * Protocol 2.2 Lossy channels (data tracks) against raw data tracks: each size at each offered
   * load of its ladder (MB/s of payload), `seconds` per run, `rounds` times. The ladders end just
   * past this machine's knee (1 KiB: delivery flattens at about 1 MB/s; 64 KiB: all is delivered up
   * to about 1.5 MB/s, then it collapses); the table says when a path delivered nearly all of the
   * top load, i.e. when the ladder should go higher.
   */
  dataTracks: {
    sizes: [
      { key: "1k", topic: "/bench/data-track-1kib", size: 1024, loadsMbPerS: [1, 2] },
      { key: "64k", topic: "/bench/data-track-64kib", size: 64 * 1024, loadsMbPerS: [1, 1.5] },
    ],
    seconds: 2,
    rounds: 5,
    /** Frames the subscriptions hold for a slow reader (as the tests' 2.2 viewer). */
    bufferSize: 1024,
  },
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
  /** Reliable (2.2) throughput, at least this fraction of raw streamBytes with the same writes. */
  minReliableToRawRatio: 0.9,
  /** Data-track throughput delivered, at least this fraction of raw data tracks', for every size. */
  minDataTrackToRawRatio: 0.9,
} as const;

/** A wedged stack must not leave the bench running forever. */
const WATCHDOG_MS = 8 * 60_000;

const startedAt = Date.now();
const progress = (line: string) =>
  process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${line}\n`);

/**
 * Four interleaved series of runs: the 0.20 gateway, the 2.2 gateway's Reliable channel, raw one
 * write per message, raw coalesced.
 */
interface Series {
  e2e: ThroughputRun[];
  reliable: ThroughputRun[];
  raw: ThroughputRun[];
  coalesced: ThroughputRun[];
}

/** Where each path of a series sends: the 0.20 and 2.2 gateways' topics, and the raw pair. */
interface SeriesPaths {
  v020: GatewayBench;
  topic: string;
  v22: V22Bench;
  reliableTopic: string;
  raw: RawPair;
}

/**
 * Runs the gateway, Reliable, raw and coalesced paths in turn, `repeats` times (plus a warm-up
 * round of `warmup` messages), so that drift in the machine's load hits all four alike. Each round
 * starts one path later than the last, so that none always runs right after the same other.
 */
async function interleaved(
  paths: SeriesPaths,
  payloads: readonly Uint8Array[],
  warmup: number,
  label: string,
): Promise<Series> {
  const { raw } = paths;
  const perWrite = framesPerCoalescedWrite(payloads[0]?.length ?? 1);
  const series: Series = { e2e: [], reliable: [], raw: [], coalesced: [] };
  const runners: [keyof Series, (batch: readonly Uint8Array[]) => Promise<ThroughputRun>][] = [
    ["e2e", (batch) => runE2e(paths.v020, paths.topic, batch)],
    ["reliable", (batch) => runE2e(paths.v22, paths.reliableTopic, batch)],
    ["raw", (batch) => runRaw(raw.perMessage, batch, 1)],
    ["coalesced", (batch) => runRaw(raw.coalesced, batch, perWrite)],
  ];
  for (let round = 0; round <= PLAN.repeats; round++) {
    const batch = round === 0 ? payloads.slice(0, warmup) : payloads;
    const line: string[] = [];
    for (let i = 0; i < runners.length; i++) {
      const [name, run] = runners[(i + round) % runners.length] as (typeof runners)[number];
      const result = await run(batch);
      if (round === 0) continue;
      series[name].push(result);
      line.push(`${name} ${describe(result)}`);
    }
    if (round > 0) progress(`  ${label} round ${round}: ${line.join(", ")}`);
  }
  return series;
}

/**
 * Data tracks: waits until frames flow on every path, then compares the gateway's and the raw
 * path at each size of the plan.
 */
async function dataTrackComparisons(
  v22: V22Bench,
  raw: RawDataTracks,
): Promise<Record<string, SizeComparison>> {
  const { sizes, seconds, rounds } = PLAN.dataTracks;
  for (const path of [...v22.tracks.values(), ...raw.paths.values()]) await waitForFlow(path);
  const comparisons: Record<string, SizeComparison> = {};
  for (const { key, topic, size, loadsMbPerS } of sizes) {
    progress(
      `data tracks, ${DATA_TRACK_LABELS[key]} messages, offered ${loadsMbPerS.join(" / ")} MB/s`,
    );
    const e2e = v22.tracks.get(topic);
    const rawPath = raw.paths.get(rawTrackName(key));
    if (!e2e || !rawPath) throw new Error(`bench: no data-track path for ${key}`);
    comparisons[key] = await compareDataTracks(
      { e2e, raw: rawPath },
      { size, loadsMbPerS, seconds, rounds },
      (line) => progress(`  ${DATA_TRACK_LABELS[key]} ${line}`),
    );
  }
  return comparisons;
}

function rawTrackName(key: string): string {
  return `raw-data-track-${key}`;
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
  let v22: V22Bench | undefined;
  let rawTracks: RawDataTracks | undefined;
  let result: BenchResult | undefined;
  try {
    // First, on a quiet process: nothing of rtc-node has run yet.
    progress("log() without subscribers vs an empty call");
    const noSubscriber = await measureLogNoSubscriber();

    const binary = await provisionLivekitServer({ onProgress: progress });
    livekit = await LocalLivekitServer.start({ binary: binary.path, log: progress });
    const { enqueue, throughput, small, latency, reliable, dataTracks } = PLAN;
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
    v22 = await startV22Bench(livekit, {
      lossy: dataTracks.sizes.map(({ topic }) => topic),
      reliable: [reliable.throughputTopic, reliable.smallTopic],
      messageBacklogSize: PLAN.messageBacklogSize,
      bufferSize: dataTracks.bufferSize,
    });
    rawTracks = await startRawDataTracks(
      livekit,
      dataTracks.sizes.map(({ key }) => rawTrackName(key)),
      dataTracks.bufferSize,
    );
    progress("gateways (0.20 and 2.2) running, viewers subscribed, raw rooms joined");

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
      {
        v020: gatewayBench,
        topic: throughput.topic,
        v22,
        reliableTopic: reliable.throughputTopic,
        raw,
      },
      numberedPayloads(throughput.messages, throughput.size),
      throughput.warmupMessages,
      "16 KiB",
    );
    progress("throughput, 64 B messages");
    const tiny = await interleaved(
      { v020: gatewayBench, topic: small.topic, v22, reliableTopic: reliable.smallTopic, raw },
      numberedPayloads(small.messages, small.size),
      small.messages / 4,
      "64 B",
    );

    const tracks = await dataTrackComparisons(v22, rawTracks);

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
    const reliableMbPerS = mb(big.reliable);
    const reliableToRaw = reliableMbPerS / mb(big.coalesced);
    const comparisons = Object.values(tracks);
    // The headline is the size at which raw data tracks carried the most: the ceiling.
    const headline = comparisons.reduce((a, b) => (b.raw.best.mbPerS > a.raw.best.mbPerS ? b : a));
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
      e2e_reliable_mb_per_s: round(reliableMbPerS, 2),
      e2e_reliable_runs_mb_per_s: big.reliable.map((r) => round(r.mbPerS, 2)),
      e2e_reliable_to_raw_ratio: round(reliableToRaw, 2),
      e2e_reliable_msgs_per_s_64b: msgs(tiny.reliable),
      ...Object.assign({}, ...Object.entries(tracks).map(([key, c]) => dataTrackFields(key, c))),
      e2e_data_track_mb_per_s: round(headline.e2e.best.mbPerS, 3),
      raw_data_track_mb_per_s: round(headline.raw.best.mbPerS, 3),
      e2e_data_track_to_raw_ratio: round(headline.ratio, 2),
      data_track_headline_message_bytes: headline.size,
      data_track_seconds_per_run: dataTracks.seconds,
      data_track_rounds: dataTracks.rounds,
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
      target_e2e_reliable_to_raw_ratio_min: TARGETS.minReliableToRawRatio,
      target_e2e_reliable_met: reliableToRaw >= TARGETS.minReliableToRawRatio,
      target_e2e_data_track_to_raw_ratio_min: TARGETS.minDataTrackToRawRatio,
      target_e2e_data_track_met: comparisons.every(
        (c) => c.ratio >= TARGETS.minDataTrackToRawRatio,
      ),
    };
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    progress("stopping");
    await rawTracks?.stop();
    await raw?.stop();
    await v22?.stop();
    await gatewayBench?.stop();
    await livekit?.stop();
    await disposeLivekit();
    clearTimeout(watchdog);
  }
  if (!result) return 1;
  // Printed once everything is stopped, so that nothing rtc-node might log while shutting down
  // can come after the JSON line.
  process.stdout.write(`${table(result, TARGETS)}\n`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
