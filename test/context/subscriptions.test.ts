import { describe, expect, it } from "vitest";
import { Context } from "../../src/context/index.js";
import { ignoreSinkErrors, RecordingSink } from "./recording-sink.js";

function setup() {
  const context = new Context({ onSinkError: ignoreSinkErrors });
  const a = context.createChannel({ topic: "/a", messageEncoding: "json" });
  const b = context.createChannel({ topic: "/b", messageEncoding: "json" });
  const sink = new RecordingSink();
  const connection = context.addSink(sink);
  return { context, a, b, sink, connection };
}

describe("subscriptions", () => {
  it("route only the subscribed channels to the sink", () => {
    const { a, b, sink, connection } = setup();
    connection.subscribe([b.id]);
    a.log("to a");
    b.log("to b");
    expect(sink.logs.map((call) => call.id)).toEqual([b.id]);
  });

  it("stop routing on unsubscribe", () => {
    const { a, sink, connection } = setup();
    connection.subscribe([a.id]);
    a.log("one");
    connection.unsubscribe([a.id]);
    a.log("two");
    expect(sink.logs).toHaveLength(1);
    expect(a.hasSubscribers).toBe(false);
  });

  it("are idempotent: subscribing twice still delivers once, unsubscribing twice is harmless", () => {
    const { a, sink, connection } = setup();
    connection.subscribe([a.id, a.id]);
    connection.subscribe([a.id]);
    a.log("once");
    expect(sink.logs).toHaveLength(1);
    connection.unsubscribe([a.id]);
    connection.unsubscribe([a.id]);
    a.log("never");
    expect(sink.logs).toHaveLength(1);
  });

  it("ignore unknown ids", () => {
    const { a, sink, connection } = setup();
    expect(() => connection.subscribe([99, a.id, -1])).not.toThrow();
    expect(() => connection.unsubscribe([42])).not.toThrow();
    a.log("x");
    expect(sink.logs.map((call) => call.id)).toEqual([a.id]);
  });

  it("are per sink", () => {
    const { context, a, sink, connection } = setup();
    const other = new RecordingSink();
    const otherConnection = context.addSink(other);
    connection.subscribe([a.id]);
    otherConnection.subscribe([a.id]);
    otherConnection.unsubscribe([a.id]);
    a.log("x");
    expect(sink.logs).toHaveLength(1);
    expect(other.logs).toHaveLength(0);
  });

  it("reach every subscribed sink, in the order they subscribed", () => {
    const { context, a } = setup();
    const order: string[] = [];
    for (const name of ["first", "second", "third"]) {
      context
        .addSink({ addChannels: () => {}, removeChannel: () => {}, log: () => order.push(name) })
        .subscribe([a.id]);
    }
    a.log("x");
    expect(order).toEqual(["first", "second", "third"]);
  });

  it("can change from inside a sink's log without disturbing the message in flight", () => {
    const { context, a } = setup();
    const received: string[] = [];
    const second = context.addSink({
      addChannels: () => {},
      removeChannel: () => {},
      log: () => received.push("second"),
    });
    const first = context.addSink({
      addChannels: () => {},
      removeChannel: () => {},
      log: () => {
        received.push("first");
        first.unsubscribe([a.id]);
      },
    });
    first.subscribe([a.id]);
    second.subscribe([a.id]);
    a.log("one");
    a.log("two");
    expect(received).toEqual(["first", "second", "second"]);
  });
});
