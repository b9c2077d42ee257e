import { describe, expect, it } from "vitest";
import { Context } from "../../src/context/index.js";
import { ignoreSinkErrors, RecordingSink } from "./recording-sink.js";

describe("SinkConnection.remove()", () => {
  it("stops every kind of call and sends no removeChannel", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const sink = new RecordingSink();
    const connection = context.addSink(sink);
    connection.subscribe([channel.id]);
    connection.remove();
    const before = sink.calls.length;
    channel.log("x");
    context.createChannel({ topic: "/u", messageEncoding: "json" });
    channel.close();
    expect(sink.calls).toHaveLength(before);
    expect(sink.calls.some((call) => call.kind === "removeChannel")).toBe(false);
  });

  it("drops the sink's subscriptions and ignores later subscribe calls", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const connection = context.addSink(new RecordingSink());
    connection.subscribe([channel.id]);
    connection.remove();
    expect(channel.hasSubscribers).toBe(false);
    connection.subscribe([channel.id]);
    expect(channel.hasSubscribers).toBe(false);
    expect(() => connection.remove()).not.toThrow();
  });

  it("leaves the other sinks attached and subscribed", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const kept = new RecordingSink();
    context.addSink(kept).subscribe([channel.id]);
    const gone = context.addSink(new RecordingSink());
    gone.subscribe([channel.id]);
    gone.remove();
    channel.log("x");
    expect(kept.logs).toHaveLength(1);
  });

  it("from inside another sink's log, stops that message reaching the removed sink", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const victim = new RecordingSink();
    let victimConnection: ReturnType<Context["addSink"]> | undefined;
    context
      .addSink({
        addChannels: () => {},
        removeChannel: () => {},
        log: () => victimConnection?.remove(),
      })
      .subscribe([channel.id]);
    victimConnection = context.addSink(victim);
    victimConnection.subscribe([channel.id]);
    channel.log("x");
    expect(victim.logs).toEqual([]);
  });
});
