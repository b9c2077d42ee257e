import { afterEach, describe, expect, it, vi } from "vitest";
import { Context, type Sink, type SinkCallback } from "../../src/context/index.js";
import { RecordingSink } from "./recording-sink.js";

const throwing: Sink = {
  addChannels: () => {
    throw new Error("addChannels failed");
  },
  removeChannel: () => {
    throw new Error("removeChannel failed");
  },
  log: () => {
    throw new Error("log failed");
  },
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a throwing sink", () => {
  it("affects neither the caller nor the sinks after it, in any callback", () => {
    const reported: [string, Sink, SinkCallback][] = [];
    const context = new Context({
      onSinkError: (error, sink, callback) =>
        reported.push([(error as Error).message, sink, callback]),
    });
    context.createChannel({ topic: "/existing", messageEncoding: "json" });
    const bad = context.addSink(throwing);
    const good = new RecordingSink();
    const goodConnection = context.addSink(good);
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    bad.subscribe([channel.id]);
    goodConnection.subscribe([channel.id]);
    expect(() => channel.log("x")).not.toThrow();
    expect(() => channel.close()).not.toThrow();
    expect(good.calls.map((call) => call.kind)).toEqual([
      "addChannels",
      "addChannels",
      "log",
      "removeChannel",
    ]);
    expect(reported).toEqual([
      ["addChannels failed", throwing, "addChannels"],
      ["addChannels failed", throwing, "addChannels"],
      ["log failed", throwing, "log"],
      ["removeChannel failed", throwing, "removeChannel"],
    ]);
  });

  it("does not break the caller even if onSinkError throws too", () => {
    const context = new Context({
      onSinkError: () => {
        throw new Error("handler failed");
      },
    });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const good = new RecordingSink();
    context.addSink(throwing).subscribe([channel.id]);
    context.addSink(good).subscribe([channel.id]);
    expect(() => channel.log("x")).not.toThrow();
    expect(good.logs).toHaveLength(1);
  });

  it("by default is reported with one console.warn, then quietly", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const context = new Context();
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    context.addSink(throwing).subscribe([channel.id]);
    channel.log("one");
    channel.log("two");
    channel.close();
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
