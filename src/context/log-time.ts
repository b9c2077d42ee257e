import { hrtime } from "node:process";

/**
 * Log times: nanoseconds since the Unix epoch as a `bigint` (spec 8.1: u64 ns).
 *
 * `Date.now()` only has millisecond resolution and can jump when the wall clock is adjusted, so
 * the epoch is read once, here, and the monotonic `hrtime` clock is added to it from then on: the
 * result has nanosecond resolution and never goes backwards within the process.
 */
const EPOCH_OFFSET_NS = BigInt(Date.now()) * 1_000_000n - hrtime.bigint();

/** The largest value a u64 log time can hold. */
const MAX_LOG_TIME = (1n << 64n) - 1n;

/**
 * Now, in nanoseconds since the Unix epoch. Monotone (non-decreasing) within the process.
 *
 * @example
 * const t = nowNanos(); // e.g. 1718000000123456789n
 */
export function nowNanos(): bigint {
  return EPOCH_OFFSET_NS + hrtime.bigint();
}

/**
 * Throws unless `logTime` is a `bigint` that fits the wire's u64. Returns it for chaining.
 *
 * @example
 * checkLogTime(1234n); // 1234n
 * checkLogTime(-1n); // throws RangeError
 */
export function checkLogTime(logTime: bigint): bigint {
  if (typeof logTime !== "bigint") {
    throw new TypeError(
      `logTime must be a bigint (ns since the Unix epoch), got ${typeof logTime}`,
    );
  }
  if (logTime < 0n || logTime > MAX_LOG_TIME) {
    throw new RangeError(`logTime must fit in an unsigned 64-bit integer, got ${logTime}`);
  }
  return logTime;
}
