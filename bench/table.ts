/**
 * The bench's human-readable table: name, value, and a note (runs, target, context), one row per
 * figure of the JSON result.
 */

/** The JSON object printed by `--json` (numbers in the units their names say). */
export type BenchResult = Record<string, number | string | boolean | number[]>;

/** The targets, as printed next to the ratios. */
export interface Targets {
  maxLogNoSubscriberRatio: number;
  minE2eToRawRatio: number;
  minReliableToRawRatio: number;
  minDataTrackToRawRatio: number;
}

/** The data-track message sizes reported, by the key used in the JSON field names. */
export const DATA_TRACK_LABELS: Readonly<Record<string, string>> = {
  "1k": "1 KiB",
  "64k": "64 KiB",
};

type Row = [string, string, string];

/** Renders `r` (see run.ts for the fields) as aligned rows. */
export function table(r: BenchResult, targets: Targets): string {
  const rows: Row[] = [
    ...baseRows(r, targets),
    ...reliableRows(r, targets),
    ...Object.keys(DATA_TRACK_LABELS).flatMap((key) => dataTrackRows(r, key)),
    [
      "  data tracks, e2e / raw",
      `${r.e2e_data_track_to_raw_ratio}x`,
      `at ${r.data_track_headline_message_bytes} B, raw's best size; every size >= ${targets.minDataTrackToRawRatio}x: ${met(r.target_e2e_data_track_met)}`,
    ],
    [
      "latency p50",
      `${r.latency_p50_ms} ms`,
      `p99 ${r.latency_p99_ms} ms, max ${r.latency_max_ms} ms`,
    ],
    ["peak RSS", `${r.peak_rss_mb} MB`, ""],
    ["node", String(r.node_version), `${r.cpus} CPUs, ${r.date}`],
  ];
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  return rows
    .map(([name, value, note]) =>
      `${name.padEnd(nameWidth)}  ${value.padStart(valueWidth)}  ${note}`.trimEnd(),
    )
    .join("\n");
}

function baseRows(r: BenchResult, targets: Targets): Row[] {
  return [
    ["log() without subscribers", `${r.log_no_subscriber_ns} ns`, ""],
    ["empty method call", `${r.empty_call_ns} ns`, ""],
    [
      "  ratio",
      `${r.log_no_subscriber_ratio}x`,
      `target <= ${targets.maxLogNoSubscriberRatio}x: ${met(r.target_log_no_subscriber_met)}`,
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
    ["end to end (0.20), 16 KiB msgs", `${r.e2e_mb_per_s} MB/s`, runs(r.e2e_runs_mb_per_s)],
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
      `target >= ${targets.minE2eToRawRatio}x: ${met(r.target_e2e_to_raw_met)}`,
    ],
    ["end to end (0.20), 64 B msgs", `${count(r.e2e_msgs_per_s_64b)} msg/s`, ""],
    ["raw streamBytes 64 B, 1 write/msg", `${count(r.raw_stream_msgs_per_s_64b)} msg/s`, ""],
    [
      "raw streamBytes 64 B, coalesced",
      `${count(r.raw_stream_coalesced_msgs_per_s_64b)} msg/s`,
      "all frames in one write",
    ],
  ];
}

function reliableRows(r: BenchResult, targets: Targets): Row[] {
  return [
    [
      "Reliable (2.2), 16 KiB msgs",
      `${r.e2e_reliable_mb_per_s} MB/s`,
      runs(r.e2e_reliable_runs_mb_per_s),
    ],
    [
      "  Reliable / raw ~256 KiB writes",
      `${r.e2e_reliable_to_raw_ratio}x`,
      `target >= ${targets.minReliableToRawRatio}x: ${met(r.target_e2e_reliable_met)}`,
    ],
    ["Reliable (2.2), 64 B msgs", `${count(r.e2e_reliable_msgs_per_s_64b)} msg/s`, ""],
  ];
}

function dataTrackRows(r: BenchResult, key: string): Row[] {
  const label = DATA_TRACK_LABELS[key];
  const offered = r[`data_track_${key}_offered_mb_per_s`];
  const path = (name: string, prefix: string): Row => {
    const field = (suffix: string) => r[`${prefix}_${suffix}`];
    const limited = field("offered_limited") ? " (all of the top load: may carry more)" : "";
    const ladder = Array.isArray(offered)
      ? offered.map((load, i) => {
          const delivered = field("by_load_mb_per_s");
          return `${load} -> ${Array.isArray(delivered) ? delivered[i] : "?"}`;
        })
      : [];
    return [
      `${name}, ${label}`,
      `${field("mb_per_s")} MB/s`,
      `${count(field("msgs_per_s"))} msg/s, ${percent(field("delivered_fraction"))} of ${field("best_offered_mb_per_s")} MB/s offered${limited}; ladder ${ladder.join(", ")}`,
    ];
  };
  return [
    path("data track e2e (2.2)", `e2e_data_track_${key}`),
    path("raw data track", `raw_data_track_${key}`),
    ["  e2e / raw", `${r[`e2e_data_track_${key}_to_raw_ratio`]}x`, ""],
  ];
}

function met(ok: unknown): string {
  return ok === true ? "met" : "NOT MET";
}

function runs(values: unknown): string {
  return `runs ${list(values)}`;
}

function list(values: unknown): string {
  return Array.isArray(values) ? values.join(" / ") : String(values);
}

function count(n: unknown): string {
  return typeof n === "number" ? n.toLocaleString("en-US") : String(n);
}

function percent(fraction: unknown): string {
  return typeof fraction === "number" ? `${Math.round(fraction * 100)}%` : String(fraction);
}
