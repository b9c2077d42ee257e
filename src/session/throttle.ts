/**
 * "At most once per interval" gate, for log lines that could otherwise flood (the data-queue drop
 * report, spec 8.9: once per 30 s).
 */

/** Interval of the data-queue drop log (spec 8.9, 12). */
export const DROP_LOG_INTERVAL_MS = 30_000;

/** Milliseconds from an arbitrary origin; must not go backwards. */
export type Clock = () => number;

// Monotonic by default: a wall-clock jump must neither silence nor flood the log.
const monotonicNow: Clock = () => performance.now();

/**
 * Lets a call through at most once per `intervalMs`. The first call always passes; a later one
 * passes once at least `intervalMs` have elapsed since the last call that passed.
 */
export class Throttle {
  readonly intervalMs: number;
  readonly #now: Clock;
  #last: number | undefined;

  /** @throws RangeError when `intervalMs` is negative or not finite. */
  constructor(intervalMs: number = DROP_LOG_INTERVAL_MS, now: Clock = monotonicNow) {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new RangeError(`intervalMs must be a non-negative number, got ${String(intervalMs)}`);
    }
    this.intervalMs = intervalMs;
    this.#now = now;
  }

  /** True when the caller may act now (and starts a new interval); false while throttled. */
  allow(): boolean {
    const now = this.#now();
    if (this.#last !== undefined && now - this.#last < this.intervalMs) return false;
    this.#last = now;
    return true;
  }

  /** How long until `allow()` would pass (0 if it would now). */
  remainingMs(): number {
    if (this.#last === undefined) return 0;
    return Math.max(0, this.#last + this.intervalMs - this.#now());
  }

  /** Forgets the last pass: the next `allow()` passes. */
  reset(): void {
    this.#last = undefined;
  }
}
