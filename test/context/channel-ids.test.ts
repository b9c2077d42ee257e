import { describe, expect, it } from "vitest";
import { Context } from "../../src/context/index.js";

describe("channel ids", () => {
  it("start at 1 and count up within a context", () => {
    const context = new Context();
    const ids = ["/a", "/b", "/c"].map(
      (topic) => context.createChannel({ topic, messageEncoding: "json" }).id,
    );
    expect(ids).toEqual([1, 2, 3]);
  });

  it("are never reused after a channel is closed", () => {
    const context = new Context();
    const first = context.createChannel({ topic: "/a", messageEncoding: "json" });
    const second = context.createChannel({ topic: "/b", messageEncoding: "json" });
    first.close();
    second.close();
    expect(context.createChannel({ topic: "/a", messageEncoding: "json" }).id).toBe(3);
  });

  it("are independent between contexts", () => {
    const one = new Context();
    const two = new Context();
    one.createChannel({ topic: "/a", messageEncoding: "json" });
    expect(two.createChannel({ topic: "/a", messageEncoding: "json" }).id).toBe(1);
  });

  it("are not consumed by rejected options", () => {
    const context = new Context();
    expect(() =>
      context.createChannel({ topic: 7 as unknown as string, messageEncoding: "json" }),
    ).toThrow(TypeError);
    expect(context.createChannel({ topic: "/a", messageEncoding: "json" }).id).toBe(1);
  });
});
