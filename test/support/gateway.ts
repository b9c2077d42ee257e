import type { Gateway, GatewayStatus } from "../../src/gateway/index.js";

/** A retry policy fast enough for tests. */
export const FAST_RETRY = {
  kind: "exponential",
  initialMs: 50,
  maxMs: 400,
  minUptimeMs: 1_000,
} as const;

/** Resolves with the first status (current included) that satisfies `predicate`. */
export function waitForStatus(
  gateway: Gateway,
  predicate: (status: GatewayStatus) => boolean,
  timeoutMs = 20_000,
): Promise<GatewayStatus> {
  if (predicate(gateway.status)) return Promise.resolve(gateway.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting; last status ${JSON.stringify(gateway.status)}`));
    }, timeoutMs);
    const stop = gateway.onStatus((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      stop();
      resolve(status);
    });
  });
}

export const isRunning = (status: GatewayStatus) =>
  status.state === "running" && !status.reconnecting;

/** Listeners rtc-node keeps on its process-wide FFI client: one per live Room (and stream reader). */
export function rtcListenerCount(): number {
  const client = (globalThis as { _ffiClientInstance?: { listenerCount(event: string): number } })
    ._ffiClientInstance;
  return client?.listenerCount("ffi_event") ?? 0;
}

/** Polls `read` until it returns `expected` (or times out), then returns the last value. */
export async function settle<T>(read: () => T, expected: T, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = read();
  }
  return value;
}
