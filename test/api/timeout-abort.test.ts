import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApiClient } from "../../src/api/index.js";
import { DEV_DEVICE_ID, DEV_DEVICE_TOKEN, type DevApi, startDevApi } from "../../src/dev/index.js";
import { apiFailure, startStalledServer, timed } from "./helpers.js";

let api: DevApi;
beforeEach(async () => {
  api = await startDevApi();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await api.close();
});

describe("total timeout (spec 3.3)", () => {
  it("an explicit timeout turns a slow server into a send error with timedOut", async () => {
    api.failNext("device-info", { type: "delay", ms: 5000 });
    const client = createApiClient({
      baseUrl: api.url,
      deviceToken: DEV_DEVICE_TOKEN,
      timeoutMs: 300,
    });
    const started = performance.now();
    const error = await apiFailure(client.fetchDeviceInfo());
    const elapsed = performance.now() - started;
    expect(error.reason).toBe("send");
    expect(error.timedOut).toBe(true);
    expect(error.message).toContain("timed out after 300 ms");
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  });

  it("FOXGLOVE_API_TIMEOUT (seconds) applies when no option is given", async () => {
    vi.stubEnv("FOXGLOVE_API_TIMEOUT", "1");
    api.failNext("remote-sessions", { type: "delay", ms: 5000 });
    const client = createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN });
    expect(client.timeoutMs).toBe(1000);
    const started = performance.now();
    const error = await apiFailure(client.authorizeRemoteVisualization(DEV_DEVICE_ID));
    const elapsed = performance.now() - started;
    expect(error.reason).toBe("send");
    expect(error.timedOut).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(2500);
  });

  it("the option wins over FOXGLOVE_API_TIMEOUT", async () => {
    // A 0 s env timeout would fail every request at once.
    vi.stubEnv("FOXGLOVE_API_TIMEOUT", "0");
    api.failNext("device-info", { type: "delay", ms: 100 });
    const client = createApiClient({
      baseUrl: api.url,
      deviceToken: DEV_DEVICE_TOKEN,
      timeoutMs: 5000,
    });
    expect((await client.fetchDeviceInfo()).id).toBe(DEV_DEVICE_ID);
  });

  it("an invalid FOXGLOVE_API_TIMEOUT is ignored (30 s default applies)", async () => {
    // Read as 0.5 s (parseFloat) or 0 s (parseInt), "0.5" would time out a 600 ms delay.
    vi.stubEnv("FOXGLOVE_API_TIMEOUT", "0.5");
    api.failNext("device-info", { type: "delay", ms: 600 });
    const client = createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN });
    expect(client.timeoutMs).toBe(30_000);
    expect((await client.fetchDeviceInfo()).id).toBe(DEV_DEVICE_ID);
  });

  it("a timeout while the body is streaming is a load-body error", async () => {
    const stalled = await startStalledServer();
    try {
      const client = createApiClient({
        baseUrl: stalled.url,
        deviceToken: DEV_DEVICE_TOKEN,
        timeoutMs: 300,
      });
      const error = await apiFailure(client.fetchDeviceInfo());
      expect(error.reason).toBe("load-body");
      expect(error.timedOut).toBe(true);
    } finally {
      await stalled.close();
    }
  });
});

describe("abort via AbortSignal", () => {
  it("rejects promptly with an aborted error carrying the reason, and frees the socket", async () => {
    api.failNext("device-info", { type: "delay", ms: 10_000 });
    const client = createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN });
    const controller = new AbortController();
    const pending = client.fetchDeviceInfo({ signal: controller.signal });
    await vi.waitFor(() => expect(api.requestCount("device-info")).toBe(1));
    expect(api.connectionCount).toBe(1);

    const reason = new Error("stop requested");
    controller.abort(reason);
    const elapsed = await timed(pending);
    const error = await apiFailure(pending);
    expect(elapsed).toBeLessThan(250);
    expect(error.reason).toBe("aborted");
    expect(error.isAbort).toBe(true);
    expect(error.cause).toBe(reason);
    expect(error.clearsCredentials).toBe(false);
    // The dev API sees the client go away: the held request is released, its socket closed.
    await vi.waitFor(() => expect(api.activeRequests).toBe(0));
    expect(api.requests[0]?.abandoned).toBe(true);
  });

  it("an already-aborted signal rejects without sending anything", async () => {
    const client = createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN });
    const error = await apiFailure(
      client.authorizeRemoteVisualization(DEV_DEVICE_ID, { signal: AbortSignal.abort() }),
    );
    expect(error.reason).toBe("aborted");
    expect(api.requestCount()).toBe(0);
  });

  it("an abort during the body read is still an abort, not a load-body error", async () => {
    const stalled = await startStalledServer();
    try {
      const client = createApiClient({ baseUrl: stalled.url, deviceToken: DEV_DEVICE_TOKEN });
      const error = await apiFailure(client.fetchDeviceInfo({ signal: AbortSignal.timeout(200) }));
      expect(error.reason).toBe("aborted");
      expect((error.cause as Error).name).toBe("TimeoutError");
    } finally {
      await stalled.close();
    }
  });
});
