import { describe, expect, it } from "vitest";
import { Context, defaultContext } from "../../src/context/index.js";

describe("the default context", () => {
  it("is one lazily created instance, reachable both ways", () => {
    const context = defaultContext();
    expect(context).toBeInstanceOf(Context);
    expect(defaultContext()).toBe(context);
    expect(Context.default).toBe(context);
  });

  it("is not a context created with new", () => {
    expect(new Context()).not.toBe(defaultContext());
  });
});
