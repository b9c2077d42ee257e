import { afterEach, describe, expect, it, vi } from "vitest";
import { Context } from "../../src/context/index.js";
import { ignoreSinkErrors, RecordingSink } from "./recording-sink.js";

afterEach(() => {
  vi.restoreAllMocks();
});

// An object whose JSON encoding throws: logging it proves whether log() looked at its argument.
const poisoned = {
  get value(): never {
    throw new Error("encoded");
  },
};

describe("a channel without subscribers", () => {
  it("never calls any sink's log", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    const sink = new RecordingSink();
    const spy = vi.spyOn(sink, "log");
    context.addSink(sink);
    channel.log("x");
    channel.log({ a: 1 });
    expect(spy).not.toHaveBeenCalled();
    expect(channel.hasSubscribers).toBe(false);
  });

  it("does not encode the message", () => {
    const channel = new Context().createChannel({ topic: "/t", messageEncoding: "json" });
    expect(() => channel.log(poisoned)).not.toThrow();
    // Not even the encoding check runs: an object on a non-json channel is ignored too.
    const raw = new Context().createChannel({ topic: "/t", messageEncoding: "protobuf" });
    expect(() => raw.log({ a: 1 })).not.toThrow();
  });

  it("does not read the clock", () => {
    const channel = new Context().createChannel({ topic: "/t", messageEncoding: "json" });
    const hrtime = vi.spyOn(process.hrtime, "bigint");
    const now = vi.spyOn(Date, "now");
    channel.log("x");
    expect(hrtime).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
  });

  it("does encode once someone subscribes (the poisoned message is a real check)", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/t", messageEncoding: "json" });
    context.addSink(new RecordingSink()).subscribe([channel.id]);
    expect(() => channel.log(poisoned)).toThrow("encoded");
    const hrtime = vi.spyOn(process.hrtime, "bigint");
    channel.log("x");
    expect(hrtime).toHaveBeenCalledTimes(1);
  });
});
