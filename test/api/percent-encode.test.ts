import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodePathSegment, remoteSessionsPath } from "../../src/api/index.js";

describe("encodePathSegment (spec 3.5, 10.12)", () => {
  it.each([
    ["dev_testdevice", "dev_testdevice"],
    ["dev/a b", "dev%2Fa%20b"],
    ["it's(1)!*", "it%27s%281%29%21%2A"],
    ["ü", "%C3%BC"],
    ["a+b=c", "a%2Bb%3Dc"],
    ["AZaz09-._~", "AZaz09-._~"],
    ["%", "%25"],
    ["😀", "%F0%9F%98%80"],
    ["", ""],
  ])("%j -> %j", (input, expected) => {
    expect(encodePathSegment(input)).toBe(expected);
  });

  it("escapes the five characters encodeURIComponent leaves alone", () => {
    expect(encodePathSegment("!'()*")).toBe("%21%27%28%29%2A");
    expect(encodeURIComponent("!'()*")).toBe("!'()*");
  });

  it("round-trips through decodeURIComponent and emits only unreserved chars and %XX", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        const encoded = encodePathSegment(s);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
        expect(decodeURIComponent(encoded)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it("builds the credentials path with the encoded id", () => {
    expect(remoteSessionsPath("dev/a b")).toBe(
      "/internal/platform/v1/devices/dev%2Fa%20b/remote-sessions",
    );
  });
});
