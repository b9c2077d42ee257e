import { describe, expect, it } from "vitest";
import { Context } from "../../src/context/index.js";
import { ignoreSinkErrors, RecordingSink } from "./recording-sink.js";

describe("channel.close()", () => {
  it("calls removeChannel on every sink, subscribed or not", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const subscribedSink = new RecordingSink();
    const idleSink = new RecordingSink();
    context.addSink(subscribedSink).subscribe([channel.id]);
    context.addSink(idleSink);
    channel.close();
    expect(subscribedSink.calls.at(-1)).toEqual({ kind: "removeChannel", id: channel.id });
    expect(idleSink.calls).toEqual([
      { kind: "addChannels", ids: [channel.id] },
      { kind: "removeChannel", id: channel.id },
    ]);
    expect(channel.closed).toBe(true);
  });

  it("drops the subscriptions before calling removeChannel", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    let subscribedDuringRemove: boolean | undefined;
    context
      .addSink({
        addChannels: () => {},
        removeChannel: () => {
          subscribedDuringRemove = channel.hasSubscribers;
        },
        log: () => {},
      })
      .subscribe([channel.id]);
    channel.close();
    expect(subscribedDuringRemove).toBe(false);
  });

  it("makes later logs no-ops", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const sink = new RecordingSink();
    const connection = context.addSink(sink);
    connection.subscribe([channel.id]);
    channel.close();
    channel.log("after close");
    // Re-subscribing to a closed channel's id is an unknown id now.
    connection.subscribe([channel.id]);
    channel.log("still closed");
    expect(sink.logs).toEqual([]);
  });

  it("is a no-op the second time", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const sink = new RecordingSink();
    context.addSink(sink);
    channel.close();
    channel.close();
    expect(sink.calls.filter((call) => call.kind === "removeChannel")).toHaveLength(1);
  });

  it("leaves the other channels' subscriptions alone", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const a = context.createChannel({ topic: "/a", messageEncoding: "json" });
    const b = context.createChannel({ topic: "/b", messageEncoding: "json" });
    const sink = new RecordingSink();
    context.addSink(sink).subscribe([a.id, b.id]);
    a.close();
    b.log("x");
    expect(sink.logs.map((call) => call.id)).toEqual([b.id]);
  });
});
