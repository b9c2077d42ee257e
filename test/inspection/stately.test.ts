import { describe, expect, it, onTestFinished } from "vitest";
import WebSocket from "ws";
import { DEV_DEVICE_TOKEN } from "../../src/dev/index.js";
import { createStatelyInspector, startStatelyBridge } from "../../src/inspection/index.js";
import { isRunning, waitForStatus } from "../support/gateway.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll } from "../support/rtc.js";
import { sessionStack } from "../support/session-stack.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

describe("the Stately inspector", () => {
  it("receives the gateway's actors and transitions through the loopback bridge, and no secret", async () => {
    const bridge = await startStatelyBridge();
    onTestFinished(() => bridge.close());
    // Stands in for the bridge page: it reads what the bridge relays.
    const page = new WebSocket(bridge.socketUrl);
    const received: string[] = [];
    page.on("message", (data) => received.push(data.toString()));
    await new Promise((resolve) => page.once("open", resolve));
    onTestFinished(() => page.close());

    const stately = createStatelyInspector({ url: bridge.socketUrl, secrets: [DEV_DEVICE_TOKEN] });
    onTestFinished(() => stately.stop());
    const stack = await sessionStack(
      livekit,
      { inspect: stately.inspect },
      { untilRunning: false },
    );
    await waitForStatus(stack.gateway, isRunning);
    const viewer = await stack.controlViewer("viewer-1", { protocolVersion: null });
    await waitForStatus(stack.gateway, (s) => s.participants.length === 1);

    const events = () => received.map((message) => JSON.parse(message));
    await expect
      .poll(() =>
        events().some(
          (e) =>
            e.type === "@xstate.snapshot" &&
            String(JSON.stringify(e.snapshot?.value)).includes("running"),
        ),
      )
      .toBe(true);
    await expect
      .poll(() => events().some((e) => e.type === "@xstate.actor" && e.name === "gateway"))
      .toBe(true);
    await expect
      .poll(() =>
        events().some((e) => e.type === "@xstate.event" && e.event?.type === "PARTICIPANT.JOINED"),
      )
      .toBe(true);
    const everything = received.join("\n");
    expect(everything).not.toContain(DEV_DEVICE_TOKEN);
    expect(everything).not.toMatch(/eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*/);
    expect(viewer.identity).toBe("viewer-1");
  });

  it("serves its page on loopback, embedding the inspector", async () => {
    const bridge = await startStatelyBridge();
    onTestFinished(() => bridge.close());
    const page = await (await fetch(bridge.pageUrl)).text();
    expect(bridge.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(page).toContain('src="https://stately.ai/inspect"');
    expect(page).toContain(bridge.socketUrl);
  });
});
