import { describe, expect, it } from "vitest";
import {
  editableKind,
  formatParameterValue,
  parseParameterValue,
} from "../../src/dashboard/browser/parameter-text.js";

describe("the dashboard's parameter editing", () => {
  it("reads an edit as the parameter's own type, or says what it expected", () => {
    expect(parseParameterValue(" 2.5 ", "float64")).toEqual({ kind: "float64", value: 2.5 });
    expect(parseParameterValue("9007199254740993", "integer")).toEqual({
      kind: "integer",
      value: 9007199254740993n,
    });
    expect(parseParameterValue("false", "bool")).toEqual({ kind: "bool", value: false });
    expect(parseParameterValue(" as typed ", "string")).toEqual({
      kind: "string",
      value: " as typed ",
    });
    expect(() => parseParameterValue("fast", "float64")).toThrow("expected a number");
    expect(() => parseParameterValue("", "float64")).toThrow("expected a number");
    expect(() => parseParameterValue("1.5", "integer")).toThrow("expected a whole number");
    expect(() => parseParameterValue("yes", "bool")).toThrow("expected true or false");
  });

  it("shows any value as text, and edits only scalars", () => {
    const dict = {
      kind: "dict",
      value: { x: { kind: "array", value: [{ kind: "integer", value: 1n }] } },
    } as const;
    expect(formatParameterValue(dict)).toBe("{x: [1]}");
    expect(formatParameterValue({ kind: "byteArray", value: new Uint8Array(3) })).toBe("3 bytes");
    expect(editableKind(dict)).toBeUndefined();
    expect(editableKind({ kind: "float64", value: 1 })).toBe("float64");
  });
});
