import { describe, expect, it } from "vitest";
import { type ChannelDescriptor, Context } from "../../src/context/index.js";

describe("channel descriptor", () => {
  it("exposes the options it was created with", () => {
    const data = new Uint8Array([123, 125]);
    const channel = new Context().createChannel({
      topic: "/pose",
      messageEncoding: "json",
      schema: { name: "Pose", encoding: "jsonschema", data },
      metadata: { frame: "map" },
    });
    const descriptor: ChannelDescriptor = channel;
    expect(descriptor).toMatchObject({
      id: 1,
      topic: "/pose",
      messageEncoding: "json",
      schema: { name: "Pose", encoding: "jsonschema", data },
      metadata: { frame: "map" },
    });
  });

  it("has no schema and empty metadata when none are given", () => {
    const channel = new Context().createChannel({ topic: "/t", messageEncoding: "json" });
    expect(channel.schema).toBeUndefined();
    expect(channel.metadata).toEqual({});
  });

  it("does not follow later changes to the caller's metadata object", () => {
    const metadata: Record<string, string> = { a: "1" };
    const channel = new Context().createChannel({ topic: "/t", messageEncoding: "json", metadata });
    metadata.a = "2";
    expect(channel.metadata).toEqual({ a: "1" });
  });

  it("rejects non-string metadata values and malformed schemas", () => {
    const context = new Context();
    expect(() =>
      context.createChannel({
        topic: "/t",
        messageEncoding: "json",
        metadata: { a: 1 as unknown as string },
      }),
    ).toThrow(/metadata value for "a"/);
    expect(() =>
      context.createChannel({
        topic: "/t",
        messageEncoding: "json",
        schema: { name: "S", encoding: "jsonschema", data: "{}" as unknown as Uint8Array },
      }),
    ).toThrow(TypeError);
  });
});
