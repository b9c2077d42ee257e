/**
 * One paced run over a data-track path (the gateway's, or raw rtc-node's): the same offered load,
 * the same payloads and the same receiver for both, so that the only difference is the path.
 *
 * Data tracks are lossy: what is pushed faster than the path carries is dropped on the way (the
 * SFU drops packets that would wait more than 100 ms for a subscriber, and a frame missing one
 * packet is lost), while `tryPush` still says ok. So a sender pushing flat out measures the
 * collapse, not the path. Instead the sender is paced at `mbPerS` of payload: every millisecond
 * timer turn it pushes the messages due by then, so the receiver (in this process too) runs between
 * turns. What is reported is what was delivered.
 */
import { hrtime } from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type DataTrackCounter,
  setSequence,
  TAG_BYTES,
  taggedPayload,
} from "./data-track-counter.js";
import { seconds } from "./stats.js";

/** A way to get payloads onto a data track, and what arrives at the other end. */
export interface DataTrackPath {
  /** Pushes one payload (copied before it returns: the caller reuses the buffer). */
  send(payload: Uint8Array): void;
  /** Messages the path refused so far (cumulative). */
  refused(): number;
  readonly counter: DataTrackCounter;
}

/** What one run asks for. */
export interface PacedLoad {
  /** Payload bytes per message. */
  size: number;
  /** Offered load, 10^6 payload bytes per second. */
  mbPerS: number;
  /** How long messages are sent. */
  seconds: number;
  /** Tags the payloads, so that frames of other runs are not counted. */
  run: number;
}

/** One run's outcome. */
export interface DataTrackRun {
  offeredMbPerS: number;
  sent: number;
  refused: number;
  delivered: number;
  /** delivered / sent. */
  fraction: number;
  /** Delivered payload, 10^6 bytes per second over the run's window. */
  mbPerS: number;
  msgsPerS: number;
  /** From the first push to the later of the last push and the last delivery. */
  seconds: number;
  duplicates: number;
  reordered: number;
  malformed: number;
}

/** After the last push, the run ends once nothing has arrived for this long. */
const QUIET_MS = 300;
/** ...or at the latest this long after the last push. */
const DRAIN_LIMIT_MS = 3_000;

/**
 * Sends `load` over `path`, paced, then waits for stragglers; never throws on loss.
 *
 * @example
 * const run = await runPaced(path, { size: 1024, mbPerS: 1, seconds: 2, run: 7 });
 */
export async function runPaced(path: DataTrackPath, load: PacedLoad): Promise<DataTrackRun> {
  const { counter } = path;
  const perSecond = (load.mbPerS * 1e6) / load.size;
  const total = Math.max(1, Math.round(perSecond * load.seconds));
  const payload = taggedPayload(load.size, load.run, 0);
  counter.reset(load.run, payload.length);
  const refusedBefore = path.refused();
  const start = hrtime.bigint();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(perSecond * seconds(start, hrtime.bigint())) + 1);
    for (; sent < due; sent++) {
      setSequence(payload, sent);
      path.send(payload);
    }
    if (sent < total) await sleep(1);
  }
  const sendEnd = hrtime.bigint();
  const drainDeadline = Date.now() + DRAIN_LIMIT_MS;
  for (let seen = -1; seen !== counter.messages && Date.now() < drainDeadline; ) {
    seen = counter.messages;
    await sleep(QUIET_MS);
  }
  const end = counter.lastAt > sendEnd ? counter.lastAt : sendEnd;
  const elapsed = seconds(start, end);
  return {
    offeredMbPerS: load.mbPerS,
    sent,
    refused: path.refused() - refusedBefore,
    delivered: counter.messages,
    fraction: counter.messages / sent,
    mbPerS: counter.payloadBytes / 1e6 / elapsed,
    msgsPerS: counter.messages / elapsed,
    seconds: elapsed,
    duplicates: counter.duplicates,
    reordered: counter.reordered,
    malformed: counter.malformed,
  };
}

/**
 * Resolves once frames flow end to end: the SFU forwards a track's frames only once the
 * subscription is set up, so small probes (run 0) are pushed until one arrives.
 *
 * @throws when none arrives within `timeoutMs`
 */
export async function waitForFlow(path: DataTrackPath, timeoutMs = 10_000): Promise<void> {
  const probe = taggedPayload(TAG_BYTES, 0, 0);
  path.counter.reset(0, probe.length);
  const deadline = Date.now() + timeoutMs;
  for (let sequence = 0; path.counter.messages === 0; sequence++) {
    if (Date.now() > deadline) throw new Error("bench: no data-track frame arrived");
    setSequence(probe, sequence);
    path.send(probe);
    await sleep(20);
  }
}
