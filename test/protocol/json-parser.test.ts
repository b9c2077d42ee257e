import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  JsonNumber,
  JsonObject,
  type JsonValue,
  MAX_JSON_DEPTH,
  parseJson,
} from "../../src/protocol/index.js";

/** Converts a parse tree to plain JS values, as JSON.parse would produce them. */
function toPlain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return value.toNumber();
  if (value instanceof JsonObject) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value.entries) {
      Object.defineProperty(out, key, { value: toPlain(item), enumerable: true, writable: true });
    }
    return out;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

function parsed(text: string): JsonValue {
  const result = parseJson(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("parseJson", () => {
  it("parses the same values as JSON.parse for any JSON document", () => {
    fc.assert(
      fc.property(fc.json({ depthSize: "small" }), (text) => {
        expect(toPlain(parsed(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it("accepts surrounding whitespace and all escapes", () => {
    expect(
      parsed(' \t\r\n{"a" : [ 1 , "x\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00" ] } '),
    ).toBeInstanceOf(JsonObject);
    const value = parsed('"\\u00e9\\ud83d\\ude00\\/"');
    expect(value).toBe("é😀/");
  });

  it("keeps number literals so integers and floats stay distinct", () => {
    const value = parsed("[1, 1.0, 1e2, -0, 18446744073709551616]") as JsonNumber[];
    expect(value.map((n) => n.text)).toEqual(["1", "1.0", "1e2", "-0", "18446744073709551616"]);
    expect(value.map((n) => n.isIntegerLiteral)).toEqual([true, false, false, true, true]);
  });

  it("stores __proto__ as ordinary data and records duplicate keys (last wins)", () => {
    const value = parsed('{"__proto__":1,"a":1,"a":2}') as JsonObject;
    expect([...value.entries.keys()]).toEqual(["__proto__", "a"]);
    expect((value.entries.get("a") as JsonNumber).text).toBe("2");
    expect(value.duplicates).toEqual(new Set(["a"]));
  });

  it.each([
    ["", "empty input"],
    ["{", "unterminated object"],
    ["[1,]", "trailing comma"],
    ["{'a':1}", "single quotes"],
    ["01", "leading zero"],
    ["1.", "missing fraction digits"],
    ["-", "bare minus"],
    ["1e", "missing exponent digits"],
    [".5", "missing integer part"],
    ["+1", "plus sign"],
    ["NaN", "NaN"],
    ["1e400", "number out of double range"],
    ['"a\nb"', "raw control character"],
    ['"\\x"', "invalid escape"],
    ['"\\u12"', "short \\u escape"],
    ['"\\ud800"', "lone leading surrogate"],
    ['"\\udc00"', "lone trailing surrogate"],
    ['"\\ud800\\u0041"', "bad low surrogate"],
    ["true false", "trailing value"],
    ["nul", "truncated literal"],
    ["{1:2}", "non-string key"],
    ["\u00a0{}", "non-JSON whitespace"],
  ])("rejects %j (%s) as invalid-json", (text) => {
    const result = parseJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe("invalid-json");
  });

  it(`limits nesting to ${MAX_JSON_DEPTH} levels without overflowing the stack`, () => {
    expect(parseJson("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH)).ok).toBe(true);
    const tooDeep = parseJson("[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1));
    expect(tooDeep.ok).toBe(false);
    const hostile = parseJson(`${'{"a":['.repeat(1_000_000)}`);
    expect(hostile).toMatchObject({ ok: false, error: { kind: "invalid-json" } });
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii" }), (text) => {
        const result = parseJson(text);
        if (!result.ok) expect(result.error.kind).toBe("invalid-json");
      }),
      { numRuns: 300 },
    );
  });
});
