import { describe, expect, it, onTestFinished } from "vitest";
import { DEV_DEVICE_TOKEN, type DevApi, startDevApi } from "../../src/dev/dev-api.js";
import { type GatewayStatus, startGateway } from "../../src/gateway/index.js";
import { ControlViewer } from "../support/control-viewer.js";
import { isRunning, waitForStatus } from "../support/gateway.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll } from "../support/rtc.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

/** Fast retries and resumes; platform waits (30 s) are skipped with retryNow(). */
const POLICY = {
  kind: "exponential",
  initialMs: 50,
  maxMs: 400,
  minUptimeMs: 1_000,
  resumeSpreadMs: 50,
} as const;

async function onDemand(
  apiOptions: { deviceWaitForViewerMs?: number; heartbeatIntervalMs?: number } = {},
) {
  const api = await startDevApi({
    livekitUrl: livekit.url,
    roomName: `on-demand-${Math.random().toString(36).slice(2)}`,
    heartbeatIntervalMs: 1_000,
    ...apiOptions,
  });
  const gateway = startGateway({
    deviceToken: DEV_DEVICE_TOKEN,
    apiUrl: api.url,
    retryPolicy: POLICY,
    logger: false,
  });
  onTestFinished(async () => {
    await gateway.stop();
    await api.close();
  });
  return { api, gateway };
}

const dormant = (s: GatewayStatus) => s.state === "watching" && s.lease?.held === true;
const watchQueries = (api: DevApi) =>
  api.requests.filter((r) => r.endpoint === "watch").map((r) => r.query ?? {});

describe("the on-demand connection on the real stack (spec 11.4)", () => {
  it("sleeps on the watch, wakes for a viewer, and sleeps again once no viewer is left", async () => {
    const { api, gateway } = await onDemand({ deviceWaitForViewerMs: 5_000 });
    await waitForStatus(gateway, dormant);
    expect(gateway.status.phase).toBe("dormant");
    expect(watchQueries(api)[0]).toEqual({ protocolVersion: "2.2.0" });
    await api.wake();
    await waitForStatus(gateway, isRunning);
    expect(gateway.status.phase).toBe("serving");
    const viewer = await ControlViewer.join(livekit.url, api.roomName, "viewer-1");
    expect((await viewer.nextControl((m) => m.op === "serverInfo")).op).toBe("serverInfo");
    const info = viewer.control[0];
    expect(info?.op === "serverInfo" && info.sessionId).toBe(api.remoteAccessSessionId);
    const rewatched = api.nextWatch();
    await viewer.leave();
    // No viewer for the platform's wait: back to the watch, resuming the lease and the session.
    await rewatched;
    const asleep = await waitForStatus(gateway, (s) => dormant(s) && s.lastSessionEnd === "idle");
    expect(asleep.phase).toBe("dormant");
    expect(watchQueries(api).at(-1)).toEqual({
      protocolVersion: "2.2.0",
      remoteAccessSessionId: api.remoteAccessSessionId,
      previousWatchLeaseId: expect.any(String),
    });
    await waitForStatus(gateway, (s) => (s.lease?.heartbeats ?? 0) > 0);
    expect(gateway.status.lease?.lastHeartbeatAt).toBeGreaterThan(0);
  }, 60_000);

  it("ends in refused, not stopped, when the platform refuses the device token", async () => {
    const { api, gateway } = await onDemand();
    api.setFault("watch", { type: "status", status: 401 });
    const ended = await gateway.ended;
    expect(ended).toBe("refused");
    expect(gateway.status).toMatchObject({ state: "refused", phase: "refused" });
    expect(gateway.status.lastError).toMatchObject({ status: 401 });
  });

  it("ends in refused when a heartbeat or the device info gets a 401", async () => {
    const heartbeat = await onDemand();
    await waitForStatus(heartbeat.gateway, dormant);
    heartbeat.api.failNext("heartbeat", { type: "status", status: 401 });
    expect(await heartbeat.gateway.ended).toBe("refused");

    const device = await onDemand();
    device.api.failNext("device-info", { type: "status", status: 401 });
    expect(await device.gateway.ended).toBe("refused");
    expect(device.api.requestCount("watch")).toBe(0);
  });

  it("waits 30 s after a maintenance page instead of an event stream", async () => {
    const { api, gateway } = await onDemand();
    api.failNext("watch", { type: "maintenance-page" });
    const waiting = await waitForStatus(
      gateway,
      (s) => s.state === "resuming" && s.lastError !== undefined,
    );
    expect(waiting.lastError?.message).toMatch(/content.type|event.stream/i);
    expect((waiting.nextRetryAt ?? 0) - Date.now()).toBeGreaterThan(25_000);
    gateway.retryNow();
    await waitForStatus(gateway, dormant);
  });

  it("reconnects the watch, keeping its lease, once heartbeats fail three times in a row", async () => {
    const { api, gateway } = await onDemand();
    await waitForStatus(gateway, dormant);
    api.failNext("heartbeat", { type: "status", status: 503 }, { times: 3 });
    await waitForStatus(gateway, (s) => (s.lease?.misses ?? 0) === 2, 20_000);
    await waitForStatus(gateway, (s) => dormant(s) && watchQueries(api).length >= 2, 20_000);
    expect(watchQueries(api)[1]?.previousWatchLeaseId).toBeDefined();
  }, 60_000);

  it("drops the lease another gateway holds (409), waits 30 s, then watches without it", async () => {
    const { api, gateway } = await onDemand();
    await waitForStatus(gateway, dormant);
    api.failNext("watch", { type: "status", status: 409 });
    expect(api.endWatch()).toBe(true);
    const waiting = await waitForStatus(
      gateway,
      (s) => s.state === "resuming" && s.lastError?.status === 409,
    );
    expect((waiting.nextRetryAt ?? 0) - Date.now()).toBeGreaterThan(25_000);
    // The watch that met the 409 resumed the lease; the next one starts without it.
    expect(watchQueries(api)[1]?.previousWatchLeaseId).toBeDefined();
    const next = api.nextWatch();
    gateway.retryNow();
    await next;
    expect(watchQueries(api)[2]?.previousWatchLeaseId).toBeUndefined();
  });

  it("resumes with its lease when the stream ends, goes silent or breaks", async () => {
    const { api, gateway } = await onDemand();
    await waitForStatus(gateway, dormant);
    for (const fault of ["end-after-hello", "silent-after-hello", "reset-after-hello"] as const) {
      api.failNext("watch", { type: fault });
    }
    // Four more watches: three shaped by the faults, then a good one.
    for (let i = 0; i < 4; i++) {
      const next = api.nextWatch();
      if (i === 0) api.endWatch();
      await next;
    }
    for (const query of watchQueries(api).slice(1)) {
      expect(query.previousWatchLeaseId).toBeDefined();
    }
    await waitForStatus(gateway, dormant);
  }, 30_000);

  it("starts afresh when the platform forgot the lease (heartbeat 410)", async () => {
    const { api, gateway } = await onDemand();
    await waitForStatus(gateway, dormant);
    const next = api.nextWatch();
    api.failNext("heartbeat", { type: "status", status: 410 });
    await next;
    expect(watchQueries(api).at(-1)?.previousWatchLeaseId).toBeUndefined();
    expect(gateway.status.lastError).toMatchObject({ status: 410 });
  });

  it("backs off when the watch says no hello, a late hello or a malformed one", async () => {
    const { api, gateway } = await onDemand();
    api.failNext("watch", { type: "malformed-event", event: "hello" });
    await waitForStatus(gateway, (s) => s.state === "resuming" && s.lastError !== undefined);
    expect(gateway.status.lastError?.message).toMatch(/malformed|hello/i);
    await waitForStatus(gateway, dormant);
  });

  it("goes straight back to the watch when the room cannot be joined", async () => {
    const { api, gateway } = await onDemand();
    await waitForStatus(gateway, dormant);
    const rewatched = api.nextWatch();
    expect(await api.wake({ expiredToken: true })).toBe(true);
    await waitForStatus(gateway, (s) => s.lastError?.kind === "room");
    await rewatched;
    expect(await api.wake()).toBe(true);
    await waitForStatus(gateway, isRunning);
  });
});
