import type { Gateway, GatewayStatus } from "../index.js";

type Viewers = GatewayStatus["viewers"];

/** How often the viewers' round trips are looked at: they change without a status event. */
const ROUND_TRIP_CHECK_MS = 1_000;

/**
 * Writes one JSON status line per status change, and another when the viewers' round trips move
 * noticeably (a first estimate, or a change of a quarter and at least 1 ms). Returns the function
 * that stops it.
 */
export function followJsonStatus(gateway: Gateway, write: (line: string) => void): () => void {
  let shown: Viewers = [];
  const print = (status: GatewayStatus) => {
    shown = status.viewers;
    write(`${JSON.stringify(jsonStatus(status))}\n`);
  };
  const stop = gateway.onStatus(print);
  const timer = setInterval(() => {
    const status = gateway.status;
    if (roundTripsMoved(shown, status.viewers)) print(status);
  }, ROUND_TRIP_CHECK_MS);
  return () => {
    stop();
    clearInterval(timer);
  };
}

/** The status as one line of JSON: what scripts and the dashboard read. */
export function jsonStatus(status: GatewayStatus) {
  return {
    time: new Date().toISOString(),
    state: status.state,
    phase: status.phase,
    protocol: status.protocol,
    reconnecting: status.reconnecting,
    attempt: status.attempt,
    participants: status.participants,
    droppedMessages: status.droppedMessages,
    ...(status.device && { device: status.device }),
    ...(status.identity && { identity: status.identity }),
    ...(status.nextRetryAt !== undefined && {
      nextRetryAt: new Date(status.nextRetryAt).toISOString(),
    }),
    ...(status.lease && { lease: status.lease }),
    ...(status.lastSessionEnd && { lastSessionEnd: status.lastSessionEnd }),
    ...(status.viewers.length > 0 && { viewers: status.viewers }),
    ...(status.lastError && { lastError: status.lastError }),
  };
}

/** Whether the viewers' round trips differ enough from those shown to be worth a line. */
export function roundTripsMoved(shown: Viewers, now: Viewers): boolean {
  return now.some(({ identity, rttMs }) => {
    if (rttMs === undefined) return false;
    const before = shown.find((v) => v.identity === identity)?.rttMs;
    if (before === undefined) return true;
    const change = Math.abs(rttMs - before);
    return change >= 1 && change >= before / 4;
  });
}
