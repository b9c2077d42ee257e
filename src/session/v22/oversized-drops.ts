import { type Status, StatusLevel } from "../../protocol/index.js";
import { type Clock, Throttle } from "../throttle.js";
import { formatByteSize } from "./byte-size.js";

/** At most one oversized-drop warning per channel this often (upstream's interval). */
export const OVERSIZED_WARN_INTERVAL_MS = 30_000;
/** A channel's warning is withdrawn once no report was made for this long. */
export const OVERSIZED_QUIET_MS = 60_000;
/** How often quiet warnings are looked for. */
export const OVERSIZED_SWEEP_INTERVAL_MS = 15_000;

/** The stable status id of a channel's oversized-drop warning. */
export function dropStatusId(channelId: number): string {
  return `channel-drops-${channelId}`;
}

interface ChannelDrops {
  readonly throttle: Throttle;
  /** Drops not yet reported. */
  unreported: number;
  /** The warning viewers hold now, replayed to late subscribers. */
  active?: { status: Status; reportedAt: number };
}

/**
 * The lifecycle of the "message too large for a data track" warning (spec 11.2): drops are
 * counted per channel; the first drop, and then at most one every 30 s, yields a warning status
 * (folding in the drops since the last one); the warning stays active, to be replayed to new data
 * subscribers, until 60 s pass without a report or the channel goes.
 *
 * Pure bookkeeping on an injected clock: the session sends what it returns.
 */
export class OversizedDrops {
  readonly #byChannel = new Map<number, ChannelDrops>();

  constructor(
    readonly limit: number,
    private readonly now: Clock,
  ) {}

  /** Counts one dropped message; returns the warning to send to the channel's data subscribers now, if any. */
  record(channel: { id: number; topic: string }): Status | undefined {
    let drops = this.#byChannel.get(channel.id);
    if (!drops) {
      drops = { throttle: new Throttle(OVERSIZED_WARN_INTERVAL_MS, this.now), unreported: 0 };
      this.#byChannel.set(channel.id, drops);
    }
    drops.unreported += 1;
    if (!drops.throttle.allow()) return undefined;
    const count = drops.unreported;
    drops.unreported = 0;
    const status: Status = {
      op: "status",
      level: StatusLevel.Warning,
      message: `Dropped ${count} ${count === 1 ? "message" : "messages"} on topic ${channel.topic}: exceeds ${formatByteSize(this.limit)} per-message size limit`,
      id: dropStatusId(channel.id),
    };
    drops.active = { status, reportedAt: this.now() };
    return status;
  }

  /** The channel's warning while it is active: a new data subscriber gets it too. */
  active(channelId: number): Status | undefined {
    return this.#byChannel.get(channelId)?.active?.status;
  }

  /** Withdraws warnings with no report for {@link OVERSIZED_QUIET_MS}; returns their channels. */
  expire(): number[] {
    const now = this.now();
    const expired: number[] = [];
    for (const [channelId, drops] of this.#byChannel) {
      if (drops.active && now - drops.active.reportedAt >= OVERSIZED_QUIET_MS) {
        drops.active = undefined;
        expired.push(channelId);
      }
    }
    return expired;
  }

  /** The channel is gone: forget it. */
  remove(channelId: number): void {
    this.#byChannel.delete(channelId);
  }
}
