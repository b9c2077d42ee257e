import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../../src/protocol/index.js";
import { hex } from "./helpers.js";

describe("base64", () => {
  it("encodes the spec's examples", () => {
    expect(encodeBase64(hex("de ad be ef"))).toBe("3q2+7w==");
    expect(encodeBase64(hex("10 20 30"))).toBe("ECAw");
    expect(encodeBase64(new Uint8Array(0))).toBe("");
    expect(encodeBase64(hex("ff"))).toBe("/w==");
  });

  it("matches Node's encoder and round-trips for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ["3q2+7w=", "length not a multiple of 4"],
    ["3q2+7w", "missing padding"],
    ["3q2+7x==", "non-zero trailing bits"],
    ["3q2+7w=A", "padding in the middle"],
    ["=q2+", "padding first"],
    ["3q2-7w==", "URL-safe alphabet"],
    ["3q2+ 7w=", "whitespace"],
    ["3q2+7w==AAAA", "data after padding"],
    ["A===", "three padding characters"],
    ["ÿÿÿÿ", "non-ASCII"],
  ])("rejects %j (%s)", (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });

  it("never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii" }), (text) => {
        const bytes = decodeBase64(text);
        if (bytes !== undefined) expect(encodeBase64(bytes)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
