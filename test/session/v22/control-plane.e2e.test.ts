import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../../../src/protocol/index.js";
import { startLivekitServer } from "../../support/livekit.js";
import { disposeRtcAfterAll } from "../../support/rtc.js";
import { sessionStack } from "../../support/session-stack.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

const op =
  <K extends ServerMessage["op"]>(name: K) =>
  (m: ServerMessage): m is Extract<ServerMessage, { op: K }> =>
    m.op === name;

describe("protocol 2.2: the control plane", () => {
  it("welcomes a viewer on its control stream with serverInfo, then advertise", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    stack.context.createChannel({ topic: "/hello", messageEncoding: "json" });
    const viewer = await stack.controlViewer("viewer-1");
    await viewer.nextControl(op("advertise"));
    expect(viewer.control[0]).toMatchObject({
      op: "serverInfo",
      name: "test-device",
      capabilities: [],
      supportedEncodings: ["json"],
      metadata: { "fg-library": "foxglove-sdk-typescript/0.1.0" },
    });
    expect(viewer.control[1]).toEqual({
      op: "advertise",
      channels: [{ id: 1, topic: "/hello", encoding: "json", schemaName: "", schema: "" }],
    });
    expect(viewer.streams).toHaveLength(1);
  });

  it("delivers a Lossy channel on its data track, with the log time as the user timestamp", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const channel = stack.context.createChannel({ topic: "/data", messageEncoding: "json" });
    const viewer = await stack.controlViewer("viewer-1");
    await viewer.nextControl(op("advertise"));
    await viewer.until(() => viewer.tracks.get("data-ch-1"), 10_000, "the data track");
    await viewer.subscribe(channel.id);
    // Data tracks are lossy until the SFU has set the subscription up: log until one arrives.
    let n = 0;
    const first = await viewer.until(
      () => {
        channel.log({ n: n++ }, { logTime: 1_700_000_000_123_456_789n });
        return viewer.trackData.get(channel.id)?.[0];
      },
      10_000,
      "the first message",
    );
    expect(first.logTime).toBe(1_700_000_000_123_456_789n);
    expect(JSON.parse(new TextDecoder().decode(first.payload))).toMatchObject({
      n: expect.any(Number),
    });
  });
});
