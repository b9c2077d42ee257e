import { describe, expect, it } from "vitest";
import { Context } from "../../src/context/index.js";
import { ignoreSinkErrors, RecordingSink } from "./recording-sink.js";

describe("addSink", () => {
  it("replays every open channel once, in one addChannels call", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    context.createChannel({ topic: "/a", messageEncoding: "json" });
    context.createChannel({ topic: "/b", messageEncoding: "json" });
    context.createChannel({ topic: "/c", messageEncoding: "json" }).close();
    const sink = new RecordingSink();
    context.addSink(sink);
    expect(sink.calls).toEqual([{ kind: "addChannels", ids: [1, 2] }]);
  });

  it("does not call addChannels when there are no channels", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const sink = new RecordingSink();
    context.addSink(sink);
    expect(sink.calls).toEqual([]);
  });

  it("does not call addChannels when every channel was closed", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    context.createChannel({ topic: "/a", messageEncoding: "json" }).close();
    const sink = new RecordingSink();
    context.addSink(sink);
    expect(sink.calls).toEqual([]);
  });

  it("passes the channels themselves as descriptors", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/a", messageEncoding: "cdr" });
    let received: unknown;
    context.addSink({
      addChannels: (channels) => {
        received = channels[0];
      },
      removeChannel: () => {},
      log: () => {},
    });
    expect(received).toBe(channel);
  });

  it("does not subscribe the new sink to anything", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const channel = context.createChannel({ topic: "/a", messageEncoding: "json" });
    const sink = new RecordingSink();
    context.addSink(sink);
    channel.log("hello");
    expect(sink.logs).toEqual([]);
    expect(channel.hasSubscribers).toBe(false);
  });
});
