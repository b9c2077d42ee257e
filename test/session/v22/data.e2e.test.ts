import { describe, expect, it } from "vitest";
import { StatusLevel } from "../../../src/protocol/index.js";
import { startLivekitServer } from "../../support/livekit.js";
import { disposeRtcAfterAll } from "../../support/rtc.js";
import { sessionStack } from "../../support/session-stack.js";
import { op, received, text, welcomedViewer } from "./helpers.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

describe("protocol 2.2: Reliable and Lossy data", () => {
  it("sends Reliable channels on the control stream, every message in order, with no data track", async () => {
    const stack = await sessionStack(livekit, {
      protocol: "2.2",
      qosClassifier: (channel) => (channel.topic === "/events" ? "reliable" : "lossy"),
    });
    const events = stack.context.createChannel({ topic: "/events", messageEncoding: "json" });
    const lossy = stack.context.createChannel({ topic: "/lossy", messageEncoding: "json" });
    const viewer = await welcomedViewer(stack);
    const advertise = await viewer.nextControl(op("advertise"));
    expect(advertise.channels).toEqual([
      {
        id: events.id,
        topic: "/events",
        encoding: "json",
        schemaName: "",
        schema: "",
        metadata: { "foxglove.reliable": "true" },
      },
      { id: lossy.id, topic: "/lossy", encoding: "json", schemaName: "", schema: "" },
    ]);
    await viewer.subscribe(events.id);
    await viewer.until(
      () => (events.hasSubscribers ? true : undefined),
      10_000,
      "the subscription",
    );
    for (let n = 0; n < 500; n++) events.log({ n }, { logTime: BigInt(n) });
    const messages = await viewer.until(
      () => (viewer.reliable(events.id).length >= 500 ? viewer.reliable(events.id) : undefined),
      15_000,
      "500 Reliable messages",
    );
    expect(messages.map((m) => JSON.parse(text(m.data)).n)).toEqual([...Array(500).keys()]);
    expect(messages.map((m) => m.logTime)).toEqual([...Array(500).keys()].map(BigInt));
    // The Lossy channel advertised after it has its track; the Reliable one never gets one.
    await viewer.until(() => viewer.tracks.get(`data-ch-${lossy.id}`), 10_000, "the Lossy track");
    expect(viewer.tracks.has(`data-ch-${events.id}`)).toBe(false);
  });

  it("drops Lossy messages over the size limit and manages their warning: sent, replayed, removed", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2", maxDataTrackMessageSize: 1_200 });
    const channel = stack.context.createChannel({ topic: "/points", messageEncoding: "json" });
    const first = await welcomedViewer(stack, "viewer-1");
    await first.subscribe(channel.id);
    await first.until(
      () => (channel.hasSubscribers ? true : undefined),
      10_000,
      "the subscription",
    );
    const big = { blob: "x".repeat(2_000) };
    channel.log(big);
    channel.log(big);
    const warning = {
      op: "status",
      level: StatusLevel.Warning,
      message: "Dropped 1 message on topic /points: exceeds 1.17 KiB per-message size limit",
      id: `channel-drops-${channel.id}`,
    };
    expect(await first.nextControl(op("status"))).toEqual(warning);
    // Small messages still flow; no oversized one ever does.
    let n = 0;
    await first.until(
      () => {
        channel.log({ n: n++ });
        return first.trackData.get(channel.id)?.length ? true : undefined;
      },
      10_000,
      "a small message",
    );
    expect(first.trackData.get(channel.id)?.every((m) => m.payload.length <= 1_200)).toBe(true);
    expect(stack.gateway.status.droppedMessages).toBeGreaterThanOrEqual(2);

    // A later subscriber gets the active warning; unsubscribing withdraws it from that viewer only.
    const second = await welcomedViewer(stack, "viewer-2");
    await second.subscribe(channel.id);
    expect(await second.nextControl(op("status"))).toEqual(warning);
    await second.unsubscribe(channel.id);
    expect(await second.nextControl(op("removeStatus"))).toEqual({
      op: "removeStatus",
      statusIds: [warning.id],
    });
    expect(received(first, "removeStatus")).toEqual([]);

    // Closing the channel withdraws it from everyone, after the unadvertise.
    channel.close();
    for (const viewer of [first, second]) {
      await viewer.nextControl(op("unadvertise"));
      const last = await viewer.until(
        () => {
          const removals = received(viewer, "removeStatus");
          return removals.find(
            (m) =>
              m.statusIds.includes(warning.id) && removals.length >= (viewer === second ? 2 : 1),
          );
        },
        10_000,
        "the warning's removal",
      );
      expect(last.statusIds).toEqual([warning.id]);
      const ops = viewer.control.map((m) => m.op);
      expect(ops.lastIndexOf("removeStatus")).toBeGreaterThan(ops.indexOf("unadvertise"));
    }
  });
});
