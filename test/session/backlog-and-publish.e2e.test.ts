import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../../src/protocol/index.js";
import type { ClientChannelInfo, ClientInfo } from "../../src/session/listener.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll } from "../support/rtc.js";
import { sessionStack } from "../support/session-stack.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

const isOp = (name: string) => (m: ServerMessage) => m.op === name;

describe("the data queue under a burst (spec 8.9)", () => {
  it("keeps the newest messages, counts every drop, and stays bounded in memory", async () => {
    const backlog = 16;
    const warnings: string[] = [];
    const quiet = () => {};
    const logger = {
      info: quiet,
      debug: quiet,
      error: quiet,
      warn: (line: string) => warnings.push(line),
    };
    const stack = await sessionStack(livekit, { messageBacklogSize: backlog, logger });
    const channel = stack.context.createChannel({
      topic: "/burst",
      messageEncoding: "protobuf",
      schema: { name: "B", encoding: "protobuf", data: new Uint8Array([1]) },
    });
    const viewer = await stack.viewer("viewer-1");
    await viewer.nextControl(isOp("advertise"));
    await viewer.subscribe(channel.id);
    await viewer.until(
      () => (channel.hasSubscribers ? true : undefined),
      5_000,
      "the subscription",
    );

    // 20 000 messages of 16 KiB (320 MiB) in one synchronous burst: the sender cannot run meanwhile.
    const count = 20_000;
    const payload = new Uint8Array(16 * 1024);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    for (let i = 0; i < count; i++) {
      new DataView(payload.buffer).setUint32(0, i, true);
      channel.log(payload);
      if (i % 1000 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    expect(stack.gateway.status.droppedMessages).toBe(count - backlog);
    // One log line for the whole burst: drops are reported at most every 30 s.
    expect(warnings).toEqual(["data queue full: 1 message(s) dropped"]);
    expect((rssPeak - rssBefore) / 2 ** 20).toBeLessThan(160); // unbounded would be 320 MiB and more

    // What survived is the newest `backlog` messages, in order.
    const received = await viewer.dataMessages(channel.id, backlog);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = (viewer.data.get(channel.id) ?? [])
      .flatMap((s) => s.messages)
      .map((m) => new DataView(m.data.buffer, m.data.byteOffset).getUint32(0, true));
    expect(ids).toEqual(Array.from({ length: backlog }, (_, i) => count - backlog + i));
    expect(received[0]?.data.length).toBe(16 * 1024);

    // Nothing goes unreported: the rest of the burst is logged when the session ends.
    await stack.gateway.stop();
    expect(warnings).toEqual([
      "data queue full: 1 message(s) dropped",
      `data queue full: ${count - backlog - 1} message(s) dropped`,
    ]);
  }, 60_000);
});

describe("client publish (spec 11.5)", () => {
  it("round-trips a viewer's channel and messages through the listener", async () => {
    const heard: string[] = [];
    const payloads: string[] = [];
    const name = (client: ClientInfo, channel: ClientChannelInfo) =>
      `${client.identity}:${channel.id}:${channel.topic}`;
    const stack = await sessionStack(livekit, {
      capabilities: ["clientPublish"],
      listener: {
        onClientAdvertise: (client, channel) =>
          heard.push(`advertise ${name(client, channel)} ${channel.schemaName}`),
        onClientUnadvertise: (client, channel) =>
          heard.push(`unadvertise ${name(client, channel)}`),
        onMessageData: (client, channel, payload) =>
          payloads.push(`${name(client, channel)} ${new TextDecoder().decode(payload)}`),
      },
    });
    const viewer = await stack.viewer("publisher");
    expect(await viewer.nextControl(isOp("serverInfo"))).toMatchObject({
      capabilities: ["clientPublish"],
    });

    await viewer.send({
      op: "advertise",
      channels: [
        {
          id: 1,
          topic: "/cmd_vel",
          encoding: "json",
          schemaName: "Twist",
          schemaEncoding: "jsonschema",
          schema: "{}",
        },
        { id: 2, topic: "/goal", encoding: "json", schemaName: "" },
      ],
    });
    await viewer.until(() => (heard.length === 2 ? true : undefined), 5_000, "two advertisements");
    await viewer.send({
      op: "messageData",
      channelId: 1,
      data: new TextEncoder().encode('{"x":1}'),
    });
    await viewer.until(() => (payloads.length === 1 ? true : undefined), 5_000, "a message");
    expect(payloads).toEqual(['publisher:1:/cmd_vel {"x":1}']);

    // Refusals come back as the reference's statuses.
    await viewer.send({ op: "messageData", channelId: 9, data: new Uint8Array([1]) });
    expect(await viewer.nextControl(isOp("status"))).toEqual({
      op: "status",
      level: 2,
      message: "Client has not advertised channel: 9",
    });

    await viewer.send({ op: "unadvertise", channelIds: [1] });
    await viewer.until(() => (heard.length === 3 ? true : undefined), 5_000, "the unadvertisement");
    await viewer.leave();
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const check = () =>
        heard.length === 4
          ? resolve()
          : Date.now() > deadline
            ? reject(new Error(heard.join("\n")))
            : setTimeout(check, 50);
      check();
    });
    expect(heard).toEqual([
      "advertise publisher:1:/cmd_vel Twist",
      "advertise publisher:2:/goal ",
      "unadvertise publisher:1:/cmd_vel",
      "unadvertise publisher:2:/goal",
    ]);
  }, 40_000);

  it("refuses client channels without the capability", async () => {
    const stack = await sessionStack(livekit);
    const viewer = await stack.viewer("publisher");
    await viewer.nextControl(isOp("serverInfo"));
    await viewer.send({
      op: "advertise",
      channels: [{ id: 1, topic: "/x", encoding: "json", schemaName: "" }],
    });
    expect(await viewer.nextControl(isOp("status"))).toEqual({
      op: "status",
      level: 2,
      message: "Server does not support clientPublish capability",
    });
  }, 30_000);
});
