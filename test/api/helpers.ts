import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { FoxgloveApiError } from "../../src/api/index.js";

/** Awaits a promise that must reject with a FoxgloveApiError and returns that error. */
export async function apiFailure(promise: Promise<unknown>): Promise<FoxgloveApiError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error("expected the call to reject");
  expect(outcome.error).toBeInstanceOf(FoxgloveApiError);
  return outcome.error as FoxgloveApiError;
}

/** Milliseconds taken by `promise` to settle (either way). */
export async function timed(promise: Promise<unknown>): Promise<number> {
  const start = performance.now();
  await promise.catch(() => {});
  return performance.now() - start;
}

/**
 * A bare HTTP server that sends a 200 with `Content-Length: 100`, one byte of body, then stalls:
 * for body-phase timeouts and aborts, which the dev API's faults do not cover.
 */
export async function startStalledServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-length": "100" });
    res.write("{");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
