import { describe, expect, it } from "vitest";
import { Context } from "../../src/context/index.js";
import { ignoreSinkErrors, RecordingSink } from "./recording-sink.js";

function subscribed(messageEncoding: string) {
  const context = new Context({ onSinkError: ignoreSinkErrors });
  const channel = context.createChannel({ topic: "/t", messageEncoding });
  const sink = new RecordingSink();
  context.addSink(sink).subscribe([channel.id]);
  const text = () => sink.logs.map((call) => new TextDecoder().decode(call.payload));
  return { channel, sink, text };
}

describe("message encoding", () => {
  it("UTF-8 encodes strings, on any channel", () => {
    const { channel, sink } = subscribed("ros1");
    channel.log("héllo ✓");
    expect([...(sink.logs[0]?.payload ?? [])]).toEqual([...Buffer.from("héllo ✓", "utf8")]);
  });

  it("JSON-stringifies objects and arrays on json channels", () => {
    const { channel, text } = subscribed("json");
    channel.log({ x: 1, nested: { y: [true, null] } });
    channel.log([1, "two"]);
    expect(text()).toEqual(['{"x":1,"nested":{"y":[true,null]}}', '[1,"two"]']);
  });

  it("throws a TypeError naming the encoding for an object on a non-json channel", () => {
    const { channel, sink } = subscribed("protobuf");
    expect(() => channel.log({ x: 1 })).toThrow(TypeError);
    expect(() => channel.log({ x: 1 })).toThrow(/"protobuf"/);
    expect(sink.logs).toEqual([]);
  });

  it("rejects other binary containers instead of stringifying them", () => {
    const { channel, sink } = subscribed("json");
    expect(() => channel.log(new Float32Array(2))).toThrow(TypeError);
    expect(() => channel.log(new ArrayBuffer(2))).toThrow(TypeError);
    expect(sink.logs).toEqual([]);
  });

  it("rejects values that are neither bytes, text nor objects", () => {
    const { channel } = subscribed("json");
    expect(() => channel.log(42 as unknown as string)).toThrow(/cannot log a number/);
    expect(() => channel.log(null as unknown as string)).toThrow(/cannot log a null/);
  });

  it("lets JSON.stringify errors reach the caller and sends nothing", () => {
    const { channel, sink } = subscribed("json");
    expect(() => channel.log({ big: 1n })).toThrow(TypeError);
    expect(sink.logs).toEqual([]);
  });
});
