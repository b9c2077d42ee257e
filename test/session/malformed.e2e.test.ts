import { describe, expect, it } from "vitest";
import {
  encodeClientJsonFrame,
  encodeTextFrame,
  type ServerMessage,
} from "../../src/protocol/index.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll } from "../support/rtc.js";
import { sessionStack } from "../support/session-stack.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

const isOp = (name: string) => (m: ServerMessage) => m.op === name;
const subscribeFrame = (id: number) =>
  encodeClientJsonFrame({ op: "subscribe", channels: [{ id, requestVideoTrack: false }] });
const bytes = (...values: number[]) => new Uint8Array(values);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("malformed input from a viewer (spec 6.6)", () => {
  it("skips bad messages, abandons bad streams, and keeps serving another viewer throughout", async () => {
    const stack = await sessionStack(livekit);
    const channel = (topic: string) =>
      stack.context.createChannel({ topic, messageEncoding: "json" });
    const [
      heartbeat,
      afterUtf8,
      afterJson,
      afterOp,
      afterBinary,
      afterOpcode,
      afterLarge,
      afterTruncated,
    ] = [
      "/heartbeat",
      "/after-utf8",
      "/after-json",
      "/after-op",
      "/after-binary",
      "/after-opcode",
      "/after-large",
      "/after-truncated",
    ].map(channel);
    const [bystander, attacker] = await Promise.all([
      stack.viewer("bystander"),
      stack.viewer("attacker"),
    ]);
    await Promise.all([
      bystander.nextControl(isOp("advertise")),
      attacker.nextControl(isOp("advertise")),
    ]);
    await bystander.subscribe(heartbeat!.id);
    await bystander.until(
      () => (heartbeat!.hasSubscribers ? true : undefined),
      5_000,
      "subscription",
    );
    let beats = 0;
    const beat = setInterval(() => heartbeat!.log({ beat: ++beats }), 20);

    try {
      // A bad message is skipped and the same stream goes on: the subscribe after it applies.
      await attacker.sendRaw([bytes(1, 2, 0, 0, 0, 0xff, 0xfe), subscribeFrame(afterUtf8!.id)]);
      await attacker.sendRaw([encodeTextFrame("{not json"), subscribeFrame(afterJson!.id)]);
      await attacker.sendRaw([encodeTextFrame('{"op":"dance"}'), subscribeFrame(afterOp!.id)]);
      await attacker.sendRaw([
        bytes(2, 1, 0, 0, 0, 0xee),
        bytes(2, 0, 0, 0, 0),
        subscribeFrame(afterBinary!.id),
      ]);
      // A bad frame stops reading that stream: what follows it is never read.
      await attacker.sendRaw([bytes(3, 0, 0, 0, 0), subscribeFrame(afterOpcode!.id)]);
      await attacker.sendRaw([bytes(2, 0x01, 0x00, 0x00, 0x01), subscribeFrame(afterLarge!.id)]); // 16 MiB + 1
      // A stream that ends inside a frame stops silently.
      const cut = subscribeFrame(afterTruncated!.id);
      await attacker.sendRaw([cut.subarray(0, cut.length - 3)]);

      for (const ch of [afterUtf8, afterJson, afterOp, afterBinary]) {
        await attacker.until(
          () => (ch!.hasSubscribers ? true : undefined),
          5_000,
          `a subscription to ${ch!.topic}`,
        );
      }
      await sleep(1_000); // the abandoned streams had as long as the others, and more
      expect([afterOpcode, afterLarge, afterTruncated].map((ch) => ch!.hasSubscribers)).toEqual([
        false,
        false,
        false,
      ]);

      // The gateway never stopped serving: the bystander kept receiving, in order, and still does.
      const before = beats;
      const received = await bystander.dataMessages(heartbeat!.id, before + 5, 10_000);
      const sequence = received.map((m) => JSON.parse(new TextDecoder().decode(m.data)).beat);
      expect(sequence.slice(0, before + 5)).toEqual(
        Array.from({ length: before + 5 }, (_, i) => i + 1),
      );
      expect(stack.gateway.status.state).toBe("running");
      expect(stack.gateway.status.participants.sort()).toEqual(["attacker", "bystander"]);
    } finally {
      clearInterval(beat);
    }
  }, 40_000);

  it("ignores messages from a participant it has not welcomed yet", async () => {
    const stack = await sessionStack(livekit);
    const channel = stack.context.createChannel({ topic: "/early-bird", messageEncoding: "json" });
    const viewer = await stack.viewer("hasty");
    // Sent at once: the gateway learns about this participant a few seconds later.
    await viewer.sendRaw([subscribeFrame(channel.id)]);
    await viewer.nextControl(isOp("serverInfo"));
    await sleep(500);
    expect(channel.hasSubscribers).toBe(false);
    await viewer.subscribe(channel.id);
    await viewer.until(
      () => (channel.hasSubscribers ? true : undefined),
      5_000,
      "the subscription",
    );
  }, 30_000);
});

describe("many streams from one viewer", () => {
  it("reads at most 8 at once; more are cancelled unread", async () => {
    const stack = await sessionStack(livekit);
    const [blocked, allowed] = ["/blocked", "/allowed"].map((topic) =>
      stack.context.createChannel({ topic, messageEncoding: "json" }),
    );
    const viewer = await stack.viewer("greedy");
    await viewer.nextControl(isOp("advertise"));
    // 8 streams held open in the middle of a frame...
    const held = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const stream = await viewer.room.openByteStream("ws-protocol", [viewer.gateway]);
        await stream.write(bytes(1, 100, 0, 0, 0, 0x7b));
        return stream;
      }),
    );
    await sleep(500);
    // ...so a ninth is not read.
    await viewer.sendRaw([subscribeFrame(blocked!.id)]);
    await sleep(1_000);
    expect(blocked!.hasSubscribers).toBe(false);
    // Once they end, streams are read again.
    await Promise.all(held.map((stream) => stream.close()));
    await sleep(300);
    await viewer.sendRaw([subscribeFrame(allowed!.id)]);
    await viewer.until(
      () => (allowed!.hasSubscribers ? true : undefined),
      5_000,
      "the subscription",
    );
    expect(blocked!.hasSubscribers).toBe(false);
  }, 30_000);
});
