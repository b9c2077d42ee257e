import { onTestFinished } from "vitest";
import { Context } from "../../src/context/index.js";
import { DEV_DEVICE_TOKEN, type DevApi, startDevApi } from "../../src/dev/dev-api.js";
import type { LocalLivekitServer } from "../../src/dev/livekit-server.js";
import { type Gateway, type GatewayOptions, startGateway } from "../../src/gateway/index.js";
import { ControlViewer, type ControlViewerOptions } from "./control-viewer.js";
import { FAST_RETRY, isRunning, waitForStatus } from "./gateway.js";
import { TestViewer } from "./viewer.js";

export interface SessionStack {
  api: DevApi;
  gateway: Gateway;
  context: Context;
  /** Joins a protocol 0.20 viewer to the gateway's room; it leaves when the test ends. */
  viewer(identity: string): Promise<TestViewer>;
  /** Joins a protocol 2.2 viewer to the gateway's room; it leaves when the test ends. */
  controlViewer(identity: string, options?: ControlViewerOptions): Promise<ControlViewer>;
  /** On demand: waits until the gateway watches, then wakes it for a viewer. */
  wake(): Promise<void>;
}

/**
 * A gateway on the local stack (its own dev API, room and context), stopped when the test ends.
 * Resolves once it runs (on demand: once woken), unless `untilRunning` is false (to inject faults
 * into its first attempt). It speaks protocol 0.20 unless the options say otherwise.
 */
export async function sessionStack(
  livekit: LocalLivekitServer,
  options: Partial<GatewayOptions> = {},
  { untilRunning = true } = {},
): Promise<SessionStack> {
  const context = options.context ?? new Context();
  const api = await startDevApi({
    livekitUrl: livekit.url,
    roomName: `session-${Math.random().toString(36).slice(2)}`,
  });
  const gateway = startGateway({
    deviceToken: DEV_DEVICE_TOKEN,
    apiUrl: api.url,
    retryPolicy: FAST_RETRY,
    logger: false,
    supportedEncodings: ["json"],
    protocol: "0.20",
    ...options,
    context,
  });
  const viewers: Array<{ leave(): Promise<void> }> = [];
  onTestFinished(async () => {
    await Promise.all(viewers.map((v) => v.leave()));
    await gateway.stop();
    await api.close();
  });
  const wake = async () => {
    await api.watchOpened();
    if (!(await api.wake())) throw new Error("the dev API had no watch to wake");
  };
  if (untilRunning) {
    if (gateway.status.connection === "on-demand") await wake();
    await waitForStatus(gateway, isRunning);
  }
  return {
    wake,
    api,
    gateway,
    context,
    async viewer(identity) {
      const viewer = await TestViewer.join(livekit.url, api.roomName, identity);
      viewers.push(viewer);
      return viewer;
    },
    async controlViewer(identity, viewerOptions) {
      const viewer = await ControlViewer.join(livekit.url, api.roomName, identity, viewerOptions);
      viewers.push(viewer);
      return viewer;
    },
  };
}
