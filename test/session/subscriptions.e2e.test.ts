import { describe, expect, it } from "vitest";
import type { ChannelDescriptor } from "../../src/context/index.js";
import type { ServerMessage } from "../../src/protocol/index.js";
import type { ClientInfo } from "../../src/session/listener.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll } from "../support/rtc.js";
import { sessionStack } from "../support/session-stack.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

const isOp = (name: string) => (m: ServerMessage) => m.op === name;
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("subscriptions, end to end", () => {
  it("delivers to current subscribers only, on a new stream whenever the subscriber set changes", async () => {
    const events: string[] = [];
    const listener = {
      onSubscribe: (client: ClientInfo, channel: ChannelDescriptor) =>
        events.push(`+${client.identity}:${channel.topic}`),
      onUnsubscribe: (client: ClientInfo, channel: ChannelDescriptor) =>
        events.push(`-${client.identity}:${channel.topic}`),
    };
    const stack = await sessionStack(livekit, { listener });
    const a = stack.context.createChannel({ topic: "/a", messageEncoding: "json" });
    const b = stack.context.createChannel({ topic: "/b", messageEncoding: "json" });
    const [v1, v2] = await Promise.all([stack.viewer("viewer-1"), stack.viewer("viewer-2")]);
    await Promise.all([v1.nextControl(isOp("advertise")), v2.nextControl(isOp("advertise"))]);

    // Different subscriptions: viewer-1 watches /a, viewer-2 watches /a and /b.
    await v1.subscribe(a.id);
    await v2.subscribe(a.id, b.id);
    await v2.until(() => (events.length === 3 ? true : undefined), 5_000, "three subscriptions");
    a.log({ n: 1 });
    b.log({ n: 1 });
    expect(text((await v1.dataMessages(a.id, 1))[0]?.data ?? new Uint8Array())).toBe('{"n":1}');
    await v2.dataMessages(a.id, 1);
    await v2.dataMessages(b.id, 1);
    expect(v1.data.has(b.id)).toBe(false);

    // A burst arrives complete and in order on one stream.
    for (let n = 2; n <= 21; n++) a.log({ n });
    const burst = await v1.dataMessages(a.id, 21);
    expect(burst.map((m) => JSON.parse(text(m.data)).n)).toEqual(
      Array.from({ length: 21 }, (_, i) => i + 1),
    );
    expect(v1.data.get(a.id)).toHaveLength(1);

    // viewer-1 unsubscribes: delivery stops for it; viewer-2 gets the next message on a new stream.
    await v1.unsubscribe(a.id);
    await v1.until(
      () => (events.includes("-viewer-1:/a") ? true : undefined),
      5_000,
      "the unsubscription",
    );
    a.log({ n: 22 });
    await v2.dataMessages(a.id, 22);
    expect(
      v2.data
        .get(a.id)
        ?.at(-1)
        ?.messages.map((m) => JSON.parse(text(m.data)).n),
    ).toEqual([22]);
    expect(v2.data.get(a.id)?.length).toBe(2);
    expect((v1.data.get(a.id) ?? []).flatMap((s) => s.messages)).toHaveLength(21);

    // viewer-2 leaves: the context hears the last unsubscribe of both channels.
    expect(a.hasSubscribers && b.hasSubscribers).toBe(true);
    await v2.leave();
    await v1.until(
      () => (!a.hasSubscribers && !b.hasSubscribers ? true : undefined),
      10_000,
      "last unsubscribe",
    );
    expect(events.sort()).toEqual(
      [
        "+viewer-1:/a",
        "+viewer-2:/a",
        "+viewer-2:/b",
        "-viewer-1:/a",
        "-viewer-2:/a",
        "-viewer-2:/b",
      ].sort(),
    );
  }, 40_000);

  it("advertises new channels, unadvertises closed ones, and welcomes a late viewer with what exists now", async () => {
    const stack = await sessionStack(livekit, {
      channelFilter: (channel) => !channel.topic.startsWith("/private"),
    });
    const early = await stack.viewer("early");
    await early.nextControl(isOp("serverInfo")); // welcomed while there are no channels yet
    const first = stack.context.createChannel({ topic: "/first", messageEncoding: "json" });
    const hidden = stack.context.createChannel({ topic: "/private/x", messageEncoding: "json" });
    const second = stack.context.createChannel({ topic: "/second", messageEncoding: "json" });
    await early.until(
      () => (early.control.filter(isOp("advertise")).length === 2 ? true : undefined),
      10_000,
      "two advertisements",
    );
    first.close();
    await early.nextControl(isOp("unadvertise"));
    expect(early.control.map((m) => m.op)).toEqual([
      "serverInfo",
      "advertise",
      "advertise",
      "unadvertise",
    ]);
    expect(early.control[3]).toEqual({ op: "unadvertise", channelIds: [first.id] });

    const late = await stack.viewer("late");
    await late.nextControl(isOp("advertise"));
    expect(late.control[1]).toMatchObject({
      op: "advertise",
      channels: [{ id: second.id, topic: "/second" }],
    });

    // A filtered channel cannot be subscribed by guessing its id.
    await late.subscribe(hidden.id);
    await late.subscribe(second.id);
    await late.until(() => (second.hasSubscribers ? true : undefined), 5_000, "the subscription");
    expect(hidden.hasSubscribers).toBe(false);
  }, 40_000);

  it("answers a video request on a channel without video with the reference's error status", async () => {
    const stack = await sessionStack(livekit);
    const channel = stack.context.createChannel({ topic: "/cam", messageEncoding: "json" });
    const viewer = await stack.viewer("viewer-1");
    await viewer.nextControl(isOp("advertise"));
    await viewer.send({ op: "subscribe", channels: [{ id: channel.id, requestVideoTrack: true }] });
    expect(await viewer.nextControl(isOp("status"))).toEqual({
      op: "status",
      level: 2,
      message: `Channel ${channel.id} does not support video transcoding`,
    });
    expect(channel.hasSubscribers).toBe(false);
  });
});
