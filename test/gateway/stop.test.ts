import { describe, expect, it, onTestFinished } from "vitest";
import { createActor } from "xstate";
import { type DevApi, startDevApi } from "../../src/dev/dev-api.js";
import { DEV_DEVICE_TOKEN } from "../../src/dev/index.js";
import { createGatewayMachine, type Gateway, startGateway } from "../../src/gateway/index.js";
import { FAST_RETRY, isRunning, settle, waitForStatus } from "../support/gateway.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll } from "../support/rtc.js";
import { sessionStack } from "../support/session-stack.js";
import { silentPort } from "../support/silent-port.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

/** The bound: stop() resolves within 6 s from any state. */
const STOP_BOUND_MS = 6_000;

async function stack(): Promise<{ api: DevApi; gateway: Gateway }> {
  return sessionStack(livekit, {}, { untilRunning: false });
}

async function timedStop(gateway: Gateway): Promise<number> {
  const started = Date.now();
  await gateway.stop();
  const elapsed = Date.now() - started;
  expect(gateway.status.state).toBe("stopped");
  expect(gateway.actor.getSnapshot().status).toBe("done");
  expect(Object.keys(gateway.actor.getSnapshot().children)).toEqual([]);
  return elapsed;
}

describe("stop()", () => {
  it("from idle", async () => {
    const actor = createActor(
      createGatewayMachine({ deviceToken: DEV_DEVICE_TOKEN, logger: false }),
      {
        input: {},
      },
    );
    actor.start();
    actor.send({ type: "STOP" });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(actor.getSnapshot().value).toBe("stopped");
  });

  it("from authenticating: the API request in flight is aborted", async () => {
    const { api, gateway } = await stack();
    api.failNext("device-info", { type: "delay", ms: 60_000 });
    await waitForStatus(gateway, (s) => s.state === "authenticating");
    expect(await settle(() => api.activeRequests, 1)).toBe(1);
    expect(await timedStop(gateway)).toBeLessThan(STOP_BOUND_MS);
    expect(await settle(() => api.activeRequests, 0)).toBe(0);
    expect(api.requests.at(-1)?.abandoned).toBe(true);
  });

  it("from connecting, to a port that accepts TCP and never answers", async () => {
    const { api, gateway } = await stack();
    api.failNext("remote-sessions", {
      type: "livekit-url",
      url: `ws://127.0.0.1:${await silentPort()}`,
    });
    await waitForStatus(gateway, (s) => s.state === "connecting");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await timedStop(gateway)).toBeLessThan(STOP_BOUND_MS);
  });

  it("from running", async () => {
    const { gateway } = await stack();
    await waitForStatus(gateway, isRunning);
    expect(await timedStop(gateway)).toBeLessThan(STOP_BOUND_MS);
  });

  it("from running while the server is frozen (rtc-node's disconnect hangs)", async () => {
    const { gateway } = await stack();
    await waitForStatus(gateway, isRunning);
    livekit.freeze();
    try {
      expect(await timedStop(gateway)).toBeLessThan(STOP_BOUND_MS);
    } finally {
      livekit.thaw();
    }
  }, 15_000);

  it("from backoff", async () => {
    const { api, gateway } = await stack();
    api.failNext("device-info", { type: "status", status: 503, headers: { "retry-after": "600" } });
    await waitForStatus(gateway, (s) => s.state === "backoff");
    expect(await timedStop(gateway)).toBeLessThan(STOP_BOUND_MS);
  });

  it("is idempotent: concurrent and repeated calls resolve", async () => {
    const { gateway } = await stack();
    await waitForStatus(gateway, isRunning);
    await Promise.all([gateway.stop(), gateway.stop()]);
    await gateway.stop();
    expect(gateway.status.state).toBe("stopped");
  });
});
