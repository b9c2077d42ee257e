import { inspect } from "node:util";
import { RoomServiceClient } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import type { InspectionEvent } from "xstate";
import { startDevApi } from "../../src/dev/dev-api.js";
import { type GatewayLogger, startGateway } from "../../src/gateway/index.js";
import { joinRoom } from "../../src/livekit/index.js";
import { FAST_RETRY, isRunning, waitForStatus } from "../support/gateway.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll, mintToken } from "../support/rtc.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

// Recognisable, and shaped so that a secret scanner on this file does not mistake it for a real one.
const DEVICE_TOKEN = "fox_dt_x_SECRET_canary_0123456789";
const JWT_SHAPE = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}/;

describe("secrets", () => {
  it("neither the device token nor a LiveKit JWT appears in logs, output, errors, inspection or snapshots", async () => {
    const seen: string[] = [];
    const record = (where: string, value: unknown) =>
      seen.push(`${where}: ${typeof value === "string" ? value : inspect(value, { depth: 8 })}`);

    // rtc-node and anything else writing to the process's output is scanned too.
    const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
    for (const stream of ["stdout", "stderr"] as const) {
      process[stream].write = ((chunk: unknown, ...rest: unknown[]) => {
        record(stream, String(chunk));
        return (writes[stream] as (...args: unknown[]) => boolean).call(
          process[stream],
          chunk,
          ...rest,
        );
      }) as typeof process.stdout.write;
    }
    const logger: GatewayLogger = {
      info: (message) => record("log.info", message),
      warn: (message) => record("log.warn", message),
      error: (message) => record("log.error", message),
      debug: (message) => record("log.debug", message),
    };
    const inspection = (event: InspectionEvent) => {
      record("inspect.event", event.type === "@xstate.event" ? event.event : event.type);
      if ("snapshot" in event) record("inspect.snapshot", event.snapshot);
    };

    const api = await startDevApi({
      deviceToken: DEVICE_TOKEN,
      livekitUrl: livekit.url,
      roomName: "secrets",
    });
    try {
      // A lifecycle through every failure that carries text: API auth failure, a JWT LiveKit
      // rejects (rtc-node's error message quotes it), a server-side disconnect, then stop.
      api.failNext("device-info", { type: "status", status: 401, json: { error: "bad token" } });
      api.failNext("remote-sessions", { type: "expired-token" });
      const gateway = startGateway({
        deviceToken: DEVICE_TOKEN,
        apiUrl: api.url,
        retryPolicy: FAST_RETRY,
        connection: "always",
        logger,
        inspect: inspection,
      });
      gateway.onStatus((status) => {
        record("status", status);
        record("persisted", gateway.actor.getPersistedSnapshot());
      });
      await waitForStatus(gateway, isRunning);
      const viewer = await joinRoom(livekit.url, await mintToken("secrets", "viewer-1"));
      await waitForStatus(gateway, (s) => s.participants.length === 1);
      const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
      const dropped = waitForStatus(gateway, (s) => s.state === "backoff");
      await rooms.removeParticipant("secrets", "dev_testdevice");
      await dropped;
      await waitForStatus(gateway, isRunning);
      await viewer.disconnect();
      await gateway.stop();
      record("final", gateway.actor.getPersistedSnapshot());
      record("handle", gateway);
    } finally {
      process.stdout.write = writes.stdout;
      process.stderr.write = writes.stderr;
      await api.close();
    }

    const text = seen.join("\n");
    // The lifecycle really happened: the failures were recorded, with their reasons.
    expect(text).toContain("auth failure");
    expect(text).toMatch(/room failure: could not join the LiveKit room/);
    expect(text).toContain("[redacted]");
    expect(seen.filter((line) => line.startsWith("inspect.")).length).toBeGreaterThan(50);
    // ...and leaked nothing.
    expect(text).not.toContain(DEVICE_TOKEN);
    expect(text).not.toContain("SECRET_canary");
    expect(text).not.toMatch(JWT_SHAPE);
  }, 60_000);

  it("on demand, neither the watch lease nor the wake's JWT appears anywhere either", async () => {
    const seen: string[] = [];
    const record = (where: string, value: unknown) =>
      seen.push(`${where}: ${typeof value === "string" ? value : inspect(value, { depth: 8 })}`);
    const logger: GatewayLogger = {
      info: (message) => record("log.info", message),
      warn: (message) => record("log.warn", message),
      error: (message) => record("log.error", message),
      debug: (message) => record("log.debug", message),
    };
    const api = await startDevApi({
      deviceToken: DEVICE_TOKEN,
      livekitUrl: livekit.url,
      roomName: "secrets-on-demand",
      heartbeatIntervalMs: 1_000,
      deviceWaitForViewerMs: 5_000,
    });
    try {
      // A watch that breaks, heartbeats, a wake with a JWT LiveKit rejects, then a good one.
      api.failNext("watch", { type: "reset-after-hello" });
      const gateway = startGateway({
        deviceToken: DEVICE_TOKEN,
        apiUrl: api.url,
        retryPolicy: { ...FAST_RETRY, resumeSpreadMs: 50 },
        logger,
        inspect: (event) =>
          record("inspect", event.type === "@xstate.event" ? event.event : event.type),
      });
      gateway.onStatus((status) => {
        record("status", status);
        record("persisted", gateway.actor.getPersistedSnapshot());
      });
      await waitForStatus(gateway, (s) => (s.lease?.heartbeats ?? 0) > 0);
      let next = api.nextWatch();
      await api.wake({ expiredToken: true });
      await waitForStatus(gateway, (s) => s.lastError?.kind === "room");
      await next;
      next = api.nextWatch();
      await api.wake();
      await waitForStatus(gateway, isRunning);
      await gateway.stop();
      record("handle", gateway);
    } finally {
      await api.close();
    }
    const leases = api.heartbeats.map((h) => h.watchLeaseId).filter((id) => id !== undefined);
    expect(leases.length).toBeGreaterThan(0);
    const text = seen.join("\n");
    expect(text).toMatch(/could not join the LiveKit room/);
    for (const lease of new Set(leases)) expect(text).not.toContain(lease);
    expect(text).not.toContain(DEVICE_TOKEN);
    expect(text).not.toMatch(JWT_SHAPE);
  }, 60_000);
});
