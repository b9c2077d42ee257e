/**
 * The data-track comparison for one message size: the gateway's path and the raw path run in turn
 * at each offered load of a ladder, `rounds` times, so that changes in the machine's load hit both
 * alike. Each path's figure is its best delivered throughput over the ladder (the median over the
 * rounds at each load, then the best load): a data track delivers less once it is overloaded, so
 * the best load, not the highest, shows what the path carries.
 */
import { type DataTrackPath, type DataTrackRun, runPaced } from "./data-track-run.js";
import { median } from "./stats.js";

/** One path at one offered load, over the rounds. */
export interface LoadSummary {
  offeredMbPerS: number;
  /** Medians over the rounds. */
  mbPerS: number;
  msgsPerS: number;
  fraction: number;
  runs: DataTrackRun[];
}

/** One path over the ladder. */
export interface PathSummary {
  byLoad: LoadSummary[];
  /** The load with the highest median delivered throughput. */
  best: LoadSummary;
}

export interface SizeComparison {
  size: number;
  e2e: PathSummary;
  raw: PathSummary;
  /** e2e best / raw best. */
  ratio: number;
}

export interface LadderPlan {
  size: number;
  loadsMbPerS: readonly number[];
  seconds: number;
  rounds: number;
}

let nextRun = 1;

/**
 * Runs the ladder on both paths (after one untimed warm-up run each) and summarises it.
 *
 * @example
 * const c = await compareDataTracks({ e2e, raw }, { size: 1024, loadsMbPerS: [1, 2], seconds: 2, rounds: 3 }, log);
 */
export async function compareDataTracks(
  paths: { e2e: DataTrackPath; raw: DataTrackPath },
  plan: LadderPlan,
  onRound: (line: string) => void,
): Promise<SizeComparison> {
  const { size, seconds } = plan;
  const first = plan.loadsMbPerS[0] ?? 1;
  await runPaced(paths.raw, { size, mbPerS: first, seconds: seconds / 2, run: nextRun++ });
  await runPaced(paths.e2e, { size, mbPerS: first, seconds: seconds / 2, run: nextRun++ });
  const perLoad = () => plan.loadsMbPerS.map((): DataTrackRun[] => []);
  const runs = { e2e: perLoad(), raw: perLoad() };
  for (let round = 1; round <= plan.rounds; round++) {
    const line: string[] = [];
    for (const [i, mbPerS] of plan.loadsMbPerS.entries()) {
      // Alternate which path goes first, so neither always follows the other's backlog.
      const order = round % 2 === 1 ? (["raw", "e2e"] as const) : (["e2e", "raw"] as const);
      for (const kind of order) {
        const run = await runPaced(paths[kind], { size, mbPerS, seconds, run: nextRun++ });
        runs[kind][i]?.push(run);
      }
      const e2e = runs.e2e[i]?.at(-1);
      const raw = runs.raw[i]?.at(-1);
      line.push(`@${mbPerS}: e2e ${describe(e2e)} raw ${describe(raw)}`);
    }
    onRound(`round ${round}: ${line.join("; ")}`);
  }
  const e2e = summarise(plan.loadsMbPerS, runs.e2e);
  const raw = summarise(plan.loadsMbPerS, runs.raw);
  return { size, e2e, raw, ratio: e2e.best.mbPerS / raw.best.mbPerS };
}

function summarise(loads: readonly number[], runs: DataTrackRun[][]): PathSummary {
  const byLoad = loads.map((offeredMbPerS, i) => {
    const at = runs[i] ?? [];
    return {
      offeredMbPerS,
      mbPerS: median(at.map((r) => r.mbPerS)),
      msgsPerS: median(at.map((r) => r.msgsPerS)),
      fraction: median(at.map((r) => r.fraction)),
      runs: at,
    };
  });
  const best = byLoad.reduce((a, b) => (b.mbPerS > a.mbPerS ? b : a));
  return { byLoad, best };
}

function describe(run: DataTrackRun | undefined): string {
  if (!run) return "-";
  return `${run.mbPerS.toFixed(2)} MB/s (${Math.round(run.fraction * 100)}%)`;
}

/**
 * The JSON fields of one size's comparison, keyed `<path>_data_track_<key>_...`: the best figures,
 * the load they were reached at, and the whole ladder.
 */
export function dataTrackFields(
  key: string,
  comparison: SizeComparison,
): Record<string, number | boolean | number[]> {
  const fields: Record<string, number | boolean | number[]> = {};
  const top = comparison.raw.byLoad.at(-1)?.offeredMbPerS;
  for (const [path, summary] of [
    ["e2e", comparison.e2e],
    ["raw", comparison.raw],
  ] as const) {
    const prefix = `${path}_data_track_${key}`;
    const { best } = summary;
    fields[`${prefix}_mb_per_s`] = round(best.mbPerS, 3);
    fields[`${prefix}_msgs_per_s`] = Math.round(best.msgsPerS);
    fields[`${prefix}_delivered_fraction`] = round(best.fraction, 3);
    fields[`${prefix}_best_offered_mb_per_s`] = best.offeredMbPerS;
    // The ladder's top load all but fully delivered: the path may carry more than measured.
    fields[`${prefix}_offered_limited`] = best.offeredMbPerS === top && best.fraction >= 0.95;
    fields[`${prefix}_by_load_mb_per_s`] = summary.byLoad.map((l) => round(l.mbPerS, 3));
    fields[`${prefix}_by_load_delivered_fraction`] = summary.byLoad.map((l) =>
      round(l.fraction, 3),
    );
    fields[`${prefix}_runs_mb_per_s`] = best.runs.map((r) => round(r.mbPerS, 3));
  }
  fields[`e2e_data_track_${key}_to_raw_ratio`] = round(comparison.ratio, 2);
  fields[`data_track_${key}_message_bytes`] = comparison.size;
  fields[`data_track_${key}_offered_mb_per_s`] = comparison.raw.byLoad.map((l) => l.offeredMbPerS);
  return fields;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
