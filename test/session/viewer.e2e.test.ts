import { describe, expect, it } from "vitest";
import type { Channel } from "../../src/context/index.js";
import type { ServerMessage } from "../../src/protocol/index.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll } from "../support/rtc.js";
import { type SessionStack, sessionStack } from "../support/session-stack.js";
import type { TestViewer } from "../support/viewer.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

const op =
  <K extends ServerMessage["op"]>(name: K) =>
  (m: ServerMessage): m is Extract<ServerMessage, { op: K }> =>
    m.op === name;

/** A viewer that has seen the advertisements and whose subscription to `channel` took effect. */
async function subscribedViewer(stack: SessionStack, channel: Channel): Promise<TestViewer> {
  const viewer = await stack.viewer("viewer-1");
  await viewer.nextControl(op("advertise"));
  await viewer.subscribe(channel.id);
  await viewer.until(() => (channel.hasSubscribers ? true : undefined), 5_000, "the subscription");
  return viewer;
}

describe("a viewer of the session", () => {
  it("receives serverInfo first, then the advertisements", async () => {
    const stack = await sessionStack(livekit);
    stack.context.createChannel({ topic: "/hello", messageEncoding: "json" });
    const viewer = await stack.viewer("viewer-1");
    await viewer.nextControl(op("advertise"));
    expect(viewer.control[0]).toMatchObject({
      op: "serverInfo",
      name: "test-device",
      capabilities: [],
      supportedEncodings: ["json"],
      metadata: { "fg-library": "foxglove-sdk-typescript/v0.1.0" },
    });
    expect(viewer.control[1]).toEqual({
      op: "advertise",
      channels: [{ id: 1, topic: "/hello", encoding: "json", schemaName: "", schema: "" }],
    });
  });

  it("gets MessageData byte-exact with the logged payload and log time once subscribed, not before", async () => {
    const stack = await sessionStack(livekit);
    const channel = stack.context.createChannel({ topic: "/data", messageEncoding: "json" });
    const viewer = await stack.viewer("viewer-1");
    await viewer.nextControl(op("advertise"));
    channel.log({ before: true }); // nobody subscribed: never delivered
    await viewer.subscribe(channel.id);
    await viewer.until(
      () => (channel.hasSubscribers ? true : undefined),
      5_000,
      "the subscription",
    );
    const payload = new Uint8Array([1, 2, 3, 250]);
    channel.log(payload, { logTime: 1_700_000_000_123_456_789n });
    const [message] = await viewer.dataMessages(channel.id, 1);
    expect(message?.channelId).toBe(1n);
    expect(message?.logTime).toBe(1_700_000_000_123_456_789n);
    expect([...(message?.data ?? [])]).toEqual([1, 2, 3, 250]);
  });
});

/** Stops the gateway and returns how the viewer's two streams ended, by topic. */
async function stopAndCollectEndings(stack: SessionStack, viewer: TestViewer) {
  await stack.gateway.stop();
  await viewer.until(
    () => (viewer.endings.length === 2 ? true : undefined),
    5_000,
    "both streams to end",
  );
  return viewer.endings.sort((a, b) => a.topic.localeCompare(b.topic));
}

describe("when the gateway stops", () => {
  it("closes its streams explicitly: viewers see them end cleanly", async () => {
    const stack = await sessionStack(livekit);
    const channel = stack.context.createChannel({ topic: "/ending", messageEncoding: "json" });
    const viewer = await subscribedViewer(stack, channel);
    channel.log({ last: true });
    await viewer.dataMessages(channel.id, 1);
    expect(await stopAndCollectEndings(stack, viewer)).toEqual([
      { topic: `ch-${channel.id}`, kind: "end" },
      { topic: "ws-protocol", kind: "end" },
    ]);
  });

  it("mid-burst, lets the last bytes reach viewers before leaving: streams still end cleanly", async () => {
    const stack = await sessionStack(livekit, { messageBacklogSize: 1024 });
    const channel = stack.context.createChannel({ topic: "/burst", messageEncoding: "json" });
    const viewer = await subscribedViewer(stack, channel);
    // 1 MiB queued: the sender is still writing (256 KiB at a time) when stop comes.
    const text = "x".repeat(16 * 1024);
    for (let i = 0; i < 64; i++) channel.log({ i, text });
    await viewer.dataMessages(channel.id, 1);
    expect(await stopAndCollectEndings(stack, viewer)).toEqual([
      { topic: `ch-${channel.id}`, kind: "end" },
      { topic: "ws-protocol", kind: "end" },
    ]);
    // What was written arrived whole and in order (the rest of the queue is dropped at stop).
    const received = (viewer.data.get(channel.id) ?? []).flatMap((s) => s.messages);
    const ids = received.map(
      (m) => (JSON.parse(new TextDecoder().decode(m.data)) as { i: number }).i,
    );
    expect(ids).toEqual(ids.map((_, index) => index));
  });
});
