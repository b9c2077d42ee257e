/**
 * How long the gateway waits before the next connection attempt.
 *
 * - `exponential` (default): full jitter, a uniform delay in [0, min(maxMs, initialMs * 2^(attempt-1))].
 *   Fleets that lose the same server do not come back in the same instant.
 * - `fixed`: the upstream SDK's schedule, one attempt every `periodMs`.
 *
 * Either way the attempt count resets only once a session has stayed up for `minUptimeMs`, so a
 * server that accepts and then drops connections cannot cause a tight loop.
 */
export type RetryPolicy =
  | {
      kind: "exponential";
      initialMs: number;
      maxMs: number;
      minUptimeMs: number;
      /**
       * On demand: a watch that dropped or failed (the platform restarted, say) is resumed after
       * a uniform delay in [0, resumeSpreadMs], or the exponential delay if longer, so a fleet
       * does not come back in one instant. Default: 20 s. 0 resumes at once, as upstream does.
       */
      resumeSpreadMs?: number;
    }
  | { kind: "fixed"; periodMs: number; minUptimeMs: number; resumeSpreadMs?: number };

/**
 * Default spread of resumed watches (see `resumeSpreadMs`). A fleet whose watch server restarts
 * comes back at most about a tenth in any one second (`test/machines/fleet.test.ts`).
 */
export const DEFAULT_RESUME_SPREAD_MS = 20_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  kind: "exponential",
  initialMs: 500,
  maxMs: 30_000,
  minUptimeMs: 10_000,
};

/** The upstream SDK 0.20.0 schedule (spec 5.2): a fixed 30 s grid. */
export const FIXED_RETRY_POLICY: RetryPolicy = { kind: "fixed", periodMs: 30_000, minUptimeMs: 0 };

/**
 * The delay before retry number `attempt` (1 for the first retry). A server's `Retry-After` is a
 * floor: we never come back sooner than asked.
 *
 * @example
 * retryDelayMs(DEFAULT_RETRY_POLICY, 3) // somewhere in [0, 2000]
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const planned =
    policy.kind === "fixed"
      ? policy.periodMs
      : Math.floor(
          random() * Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1)),
        );
  return Math.max(planned, retryAfterMs);
}

/**
 * The pause before watch number `attempt` is resumed: uniform in [0, resumeSpreadMs], or the
 * policy's retry delay if that is longer. The fixed policy (upstream's schedule) has no spread
 * unless told otherwise.
 */
export function resumeDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const spread = policy.resumeSpreadMs ?? (policy.kind === "fixed" ? 0 : DEFAULT_RESUME_SPREAD_MS);
  return Math.max(
    Math.floor(random() * spread),
    retryDelayMs(policy, attempt, retryAfterMs, random),
  );
}
