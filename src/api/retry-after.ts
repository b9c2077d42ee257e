/**
 * Parses an HTTP `Retry-After` value (RFC 9110 10.2.3) into a delay in milliseconds.
 *
 * Accepts delta-seconds (`"120"`) or an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`); a date in
 * the past gives 0. Anything else gives `undefined`.
 *
 * @param now - current time in ms since the epoch (injectable for tests).
 */
export function parseRetryAfterMs(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^[0-9]+$/.test(trimmed)) {
    const ms = Number(trimmed) * 1000;
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  // Only accept something that looks like a date, so Date.parse's leniency ("1.5", "soon 3")
  // does not turn garbage into a delay.
  if (!/^[A-Za-z]{3,9},? /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
