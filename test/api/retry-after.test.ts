import { describe, expect, it } from "vitest";
import { parseRetryAfterMs } from "../../src/api/index.js";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it.each([
    ["0", 0],
    ["7", 7000],
    [" 120 ", 120_000],
    ["Wed, 01 Jan 2025 00:00:30 GMT", 30_000],
    ["Tue, 31 Dec 2024 23:59:00 GMT", 0],
    ["Wednesday, 01-Jan-25 00:00:10 GMT", 10_000],
  ])("%j -> %j ms", (value, expected) => {
    expect(parseRetryAfterMs(value, now)).toBe(expected);
  });

  it.each([null, undefined, "", "-5", "1.5", "soon", "3 days", "Foo, bar"])(
    "%j -> undefined",
    (value) => {
      expect(parseRetryAfterMs(value, now)).toBeUndefined();
    },
  );
});
