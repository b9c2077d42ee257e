import { describe, expect, it } from "vitest";
import {
  arrayCodec,
  boolCodec,
  literalCodec,
  safeUintCodec,
  stringArrayCodec,
  stringCodec,
  stringMapCodec,
  u32Codec,
  uintCodec,
} from "../../src/protocol/json-codec.js";
import { decodeWith } from "./helpers.js";

describe("JSON value codecs", () => {
  it("write compact JSON", () => {
    expect(stringCodec.encode('a"\n/ü')).toBe('"a\\"\\n/ü"');
    expect(boolCodec.encode(false)).toBe("false");
    expect(u32Codec.encode(4294967295)).toBe("4294967295");
    expect(safeUintCodec.encode(2 ** 53 - 1)).toBe("9007199254740991");
    expect(stringArrayCodec.encode([])).toBe("[]");
    expect(arrayCodec(u32Codec).encode([1, 2, 3])).toBe("[1,2,3]");
    expect(stringMapCodec.encode({ b: "1", "10": "2", "9": "3" })).toBe(
      '{"10":"2","9":"3","b":"1"}',
    );
    expect(literalCodec("status").encode("status")).toBe('"status"');
  });

  it("refuse values that cannot be written", () => {
    expect(() => uintCodec(2).encode(3)).toThrow(RangeError);
    expect(() => u32Codec.encode(2 ** 32)).toThrow(RangeError);
    expect(() => safeUintCodec.encode(-1)).toThrow(RangeError);
    expect(() => safeUintCodec.encode(0.5)).toThrow(RangeError);
    expect(() => stringCodec.encode(5 as unknown as string)).toThrow(TypeError);
    expect(() => boolCodec.encode("true" as unknown as boolean)).toThrow(TypeError);
    expect(() => stringArrayCodec.encode("ab" as unknown as string[])).toThrow(TypeError);
    expect(() => literalCodec("a").encode("b" as "a")).toThrow(TypeError);
  });

  it("read back what they write", () => {
    expect(decodeWith(arrayCodec(u32Codec), "[1,2,3]")).toEqual([1, 2, 3]);
    const map = decodeWith(stringMapCodec, '{"__proto__":"p","a":"b"}');
    expect(Object.getPrototypeOf(map)).toBe(null);
    expect(map).toEqual(Object.assign(Object.create(null), { ["__proto__"]: "p", a: "b" }));
    expect(decodeWith(literalCodec("x"), '"x"')).toBe("x");
  });

  it("report the path of what they reject", () => {
    expect(decodeWith(arrayCodec(u32Codec), "[1,4294967296]")).toMatchObject({
      kind: "invalid-field",
      path: "x[1]",
    });
    expect(decodeWith(stringMapCodec, '{"k":1}')).toMatchObject({
      kind: "invalid-field",
      path: "x.k",
    });
    expect(decodeWith(literalCodec("x"), '"y"')).toMatchObject({
      kind: "invalid-field",
      path: "x",
    });
    expect(decodeWith(boolCodec, "null")).toMatchObject({ kind: "invalid-field", path: "x" });
  });
});
