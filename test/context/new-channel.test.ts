import { describe, expect, it } from "vitest";
import { Context } from "../../src/context/index.js";
import { ignoreSinkErrors, RecordingSink } from "./recording-sink.js";

describe("a new channel", () => {
  it("is announced to every sink, alone", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const sinks = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    for (const sink of sinks) context.addSink(sink);
    context.createChannel({ topic: "/a", messageEncoding: "json" });
    context.createChannel({ topic: "/b", messageEncoding: "json" });
    for (const sink of sinks) {
      expect(sink.calls).toEqual([
        { kind: "addChannels", ids: [1] },
        { kind: "addChannels", ids: [2] },
      ]);
    }
  });

  it("is not announced to a removed sink", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    const sink = new RecordingSink();
    context.addSink(sink).remove();
    context.createChannel({ topic: "/a", messageEncoding: "json" });
    expect(sink.calls).toEqual([]);
  });

  it("created from inside a sink's replay is announced to that sink exactly once", () => {
    const context = new Context({ onSinkError: ignoreSinkErrors });
    context.createChannel({ topic: "/a", messageEncoding: "json" });
    const sink = new RecordingSink();
    const addChannels = sink.addChannels.bind(sink);
    let created = false;
    sink.addChannels = (channels) => {
      addChannels(channels);
      if (!created) {
        created = true;
        context.createChannel({ topic: "/b", messageEncoding: "json" });
      }
    };
    context.addSink(sink);
    expect(sink.calls).toEqual([
      { kind: "addChannels", ids: [1] },
      { kind: "addChannels", ids: [2] },
    ]);
  });
});
