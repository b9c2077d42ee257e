import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareUtf8,
  jsonArray,
  jsonFloat64,
  jsonInt64,
  jsonObject,
  jsonSortedStringMap,
  jsonString,
  jsonU32,
  jsonUint,
} from "../../src/protocol/index.js";

describe("jsonString (§7.1 escaping)", () => {
  it("uses minimal escapes with lower-case \\u00xx and literal / and non-ASCII", () => {
    expect(jsonString('a"b\\c/d')).toBe('"a\\"b\\\\c/d"');
    expect(jsonString("\b\f\n\r\t")).toBe('"\\b\\f\\n\\r\\t"');
    expect(jsonString("\u0000\u001f\u007f")).toBe('"\\u0000\\u001f\u007f"');
    expect(jsonString("ü😀\u2028")).toBe('"ü😀\u2028"');
  });

  it("is JSON.stringify for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 50 },
    );
  });
});

describe("jsonObject", () => {
  it("keeps the given key order and omits undefined fields (never null)", () => {
    expect(
      jsonObject([
        ["op", jsonString("x")],
        ["b", undefined],
        ["2", "2"],
        ["1", "1"],
      ]),
    ).toBe('{"op":"x","2":2,"1":1}');
    expect(jsonObject([])).toBe("{}");
    expect(jsonArray([])).toBe("[]");
  });

  it("escapes keys", () => {
    expect(jsonObject([['a"b', "1"]])).toBe('{"a\\"b":1}');
  });
});

describe("integers", () => {
  it("writes unsigned integers and rejects negative, fractional and unsafe values", () => {
    expect(jsonUint(0)).toBe("0");
    expect(jsonUint(Number.MAX_SAFE_INTEGER)).toBe("9007199254740991");
    expect(() => jsonUint(-1)).toThrow(RangeError);
    expect(() => jsonUint(1.5)).toThrow(RangeError);
    expect(() => jsonUint(2 ** 53)).toThrow(RangeError);
    expect(jsonU32(4294967295)).toBe("4294967295");
    expect(() => jsonU32(4294967296)).toThrow(RangeError);
  });

  it("writes i64 bigints exactly", () => {
    expect(jsonInt64(-(2n ** 63n))).toBe("-9223372036854775808");
    expect(jsonInt64(2n ** 63n - 1n)).toBe("9223372036854775807");
    expect(() => jsonInt64(2n ** 63n)).toThrow(RangeError);
  });
});

describe("jsonFloat64 (reference float formatting)", () => {
  it.each([
    [1.23, "1.23"],
    [1, "1.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [-2.5, "-2.5"],
    [100, "100.0"],
    [0.1, "0.1"],
    [123456.789, "123456.789"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e16"],
    [1.5e16, "1.5e16"],
    [1e21, "1e21"],
    [1e-5, "0.00001"],
    [0.001234, "0.001234"],
    [1e-6, "1e-6"],
    [1.5e-7, "1.5e-7"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e308"],
    [9007199254740993, "9007199254740992.0"],
  ])("%s → %s", (value, expected) => {
    expect(jsonFloat64(value)).toBe(expected);
  });

  it("rejects non-finite values", () => {
    expect(() => jsonFloat64(Number.NaN)).toThrow(RangeError);
    expect(() => jsonFloat64(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("round-trips every finite double and always looks like a float", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = jsonFloat64(x);
        expect(Object.is(Number(text), x)).toBe(true);
        expect(text).toMatch(/^-?(\d+\.\d+|\d(\.\d+)?e-?\d+)$/);
        expect(JSON.parse(text)).toBe(x);
      }),
      { numRuns: 300 },
    );
  });
});

describe("UTF-8 byte-wise key ordering", () => {
  it("puts '10' before '9' (10.6 metadata ordering check)", () => {
    const metadata = { "9": "b", "10": "a", "foxglove.hasVideoTrack": "true" };
    // A plain JS object enumerates integer-like keys numerically: the naive output differs.
    expect(JSON.stringify(metadata)).toBe('{"9":"b","10":"a","foxglove.hasVideoTrack":"true"}');
    expect(jsonSortedStringMap(metadata)).toBe(
      '{"10":"a","9":"b","foxglove.hasVideoTrack":"true"}',
    );
  });

  it("orders characters above U+FFFF after U+E000..U+FFFF (code point order, not UTF-16)", () => {
    expect(compareUtf8("\uffff", "😀")).toBeLessThan(0);
    expect("\uffff" < "😀").toBe(false);
    expect(jsonSortedStringMap({ "😀": "1", "\uffff": "2", a: "3" })).toBe(
      '{"a":"3","\uffff":"2","😀":"1"}',
    );
  });

  it("agrees with a byte-wise comparison of the UTF-8 encodings", () => {
    const encoder = new TextEncoder();
    const byteCompare = (a: string, b: string) =>
      Math.sign(Buffer.compare(encoder.encode(a), encoder.encode(b)));
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(byteCompare(a, b));
      }),
      { numRuns: 300 },
    );
  });
});
