import { describe, expect, it } from "vitest";
import { Context } from "../../src/context/index.js";
import { ignoreSinkErrors, RecordingSink } from "./recording-sink.js";

function subscribed(messageEncoding = "json") {
  const context = new Context({ onSinkError: ignoreSinkErrors });
  const channel = context.createChannel({ topic: "/t", messageEncoding });
  const sink = new RecordingSink();
  context.addSink(sink).subscribe([channel.id]);
  return { channel, sink };
}

describe("log delivery", () => {
  it("hands the very same Uint8Array to the sink, not a copy", () => {
    const { channel, sink } = subscribed("protobuf");
    const bytes = new Uint8Array([0, 1, 2, 255]);
    channel.log(bytes);
    expect(sink.logs[0]?.payload).toBe(bytes);
    expect([...(sink.logs[0]?.payload ?? [])]).toEqual([0, 1, 2, 255]);
  });

  it("passes the channel itself as the descriptor", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    let descriptor: unknown;
    context
      .addSink({
        addChannels: () => {},
        removeChannel: () => {},
        log: (c) => {
          descriptor = c;
        },
      })
      .subscribe([channel.id]);
    channel.log("x");
    expect(descriptor).toBe(channel);
  });

  it("uses the given logTime", () => {
    const { channel, sink } = subscribed();
    channel.log("x", { logTime: 1234n });
    channel.log("y", { logTime: 0n });
    channel.log("z", { logTime: 18_446_744_073_709_551_615n });
    expect(sink.logs.map((call) => call.logTime)).toEqual([1234n, 0n, 18_446_744_073_709_551_615n]);
  });

  it("rejects a logTime that is not a u64 bigint", () => {
    const { channel, sink } = subscribed();
    expect(() => channel.log("x", { logTime: -1n })).toThrow(RangeError);
    expect(() => channel.log("x", { logTime: 1n << 64n })).toThrow(RangeError);
    expect(() => channel.log("x", { logTime: 5 as unknown as bigint })).toThrow(TypeError);
    expect(sink.logs).toEqual([]);
  });

  it("defaults logTime to now, in ns since the epoch", () => {
    const { channel, sink } = subscribed();
    const before = BigInt(Date.now()) * 1_000_000n;
    channel.log("x");
    const after = BigInt(Date.now()) * 1_000_000n;
    const logTime = sink.logs[0]?.logTime ?? 0n;
    const slack = 5_000_000n; // 5 ms: the epoch offset is read once, with ms resolution
    expect(logTime).toBeGreaterThanOrEqual(before - slack);
    expect(logTime).toBeLessThanOrEqual(after + slack);
  });

  it("defaults to log times that never go backwards", () => {
    const { channel, sink } = subscribed();
    for (let i = 0; i < 1000; i++) channel.log("x");
    const times = sink.logs.map((call) => call.logTime);
    expect(times).toHaveLength(1000);
    for (let i = 1; i < times.length; i++) {
      expect(times[i] as bigint).toBeGreaterThanOrEqual(times[i - 1] as bigint);
    }
    // Sub-millisecond resolution: 1000 calls do not all land on one millisecond's value.
    expect(new Set(times.map((t) => t % 1_000_000n)).size).toBeGreaterThan(1);
  });

  it("encodes once and reads the clock once for all sinks", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const sinks = [new RecordingSink(), new RecordingSink()];
    for (const sink of sinks) context.addSink(sink).subscribe([channel.id]);
    channel.log({ a: 1 });
    const [one, two] = sinks.map((sink) => sink.logs[0]);
    expect(one?.payload).toBe(two?.payload);
    expect(one?.logTime).toBe(two?.logTime);
  });
});
