import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  byteArrayParameter,
  decodeClientJson,
  encodeParameter,
  float64Parameter,
  type Parameter,
  type ProtocolResult,
} from "../../src/protocol/index.js";
import { parameter } from "./arbitraries.js";

/** Decodes one parameter object through a `setParameters` message. */
function decodeParameter(json: string): ProtocolResult<Parameter> {
  const result = decodeClientJson(`{"op":"setParameters","parameters":[${json}]}`);
  if (!result.ok) return result;
  if (result.value.op !== "setParameters") throw new Error("unexpected op");
  return { ok: true, value: result.value.parameters[0] as Parameter };
}

describe("encodeParameter (§7.6, reference snapshots)", () => {
  it.each<[Parameter, string]>([
    [{ name: "test" }, '{"name":"test"}'],
    [float64Parameter("f64", 1.23), '{"name":"f64","type":"float64","value":1.23}'],
    [float64Parameter("whole", 1), '{"name":"whole","type":"float64","value":1.0}'],
    [
      {
        name: "f64[]",
        type: "float64_array",
        value: {
          kind: "array",
          value: [
            { kind: "float64", value: 1.23 },
            { kind: "float64", value: 4.56 },
          ],
        },
      },
      '{"name":"f64[]","type":"float64_array","value":[1.23,4.56]}',
    ],
    [{ name: "i64", value: { kind: "integer", value: 123n } }, '{"name":"i64","value":123}'],
    [
      {
        name: "i64[]",
        value: {
          kind: "array",
          value: [
            { kind: "integer", value: 123n },
            { kind: "integer", value: 456n },
          ],
        },
      },
      '{"name":"i64[]","value":[123,456]}',
    ],
    [
      { name: "big", value: { kind: "integer", value: 2n ** 63n - 1n } },
      '{"name":"big","value":9223372036854775807}',
    ],
    [
      { name: "string", value: { kind: "string", value: "howdy" } },
      '{"name":"string","value":"howdy"}',
    ],
    [{ name: "b", value: { kind: "bool", value: true } }, '{"name":"b","value":true}'],
    [
      byteArrayParameter("byte[]", new Uint8Array([0x10, 0x20, 0x30])),
      '{"name":"byte[]","type":"byte_array","value":"ECAw"}',
    ],
    [
      {
        name: "dict",
        value: {
          kind: "dict",
          value: {
            "9": { kind: "float64", value: 2 },
            "10": { kind: "integer", value: -1n },
            a: { kind: "dict", value: {} },
          },
        },
      },
      '{"name":"dict","value":{"10":-1,"9":2.0,"a":{}}}',
    ],
  ])("case %#", (param, json) => {
    expect(encodeParameter(param)).toBe(json);
    expect(decodeParameter(json)).toEqual({ ok: true, value: param });
  });

  it("refuses values it cannot represent", () => {
    expect(() =>
      encodeParameter({ name: "x", value: { kind: "float64", value: Number.NaN } }),
    ).toThrow(RangeError);
    expect(() =>
      encodeParameter({ name: "x", value: { kind: "integer", value: 2n ** 63n } }),
    ).toThrow(RangeError);
    expect(() =>
      encodeParameter({ name: "x", value: { kind: "byteArray", value: new Uint8Array(1) } }),
    ).toThrow(/byte_array/);
  });
});

describe("decoding parameters (§7.6 input rules)", () => {
  it.each([
    ['{"name":"t","value":123}', { name: "t", value: { kind: "integer", value: 123n } }],
    ['{"name":"t","value":1.0}', { name: "t", value: { kind: "float64", value: 1 } }],
    ['{"name":"t","value":1e2}', { name: "t", value: { kind: "float64", value: 100 } }],
    ['{"name":"t","value":-0}', { name: "t", value: { kind: "float64", value: -0 } }],
    [
      '{"name":"t","value":9223372036854775808}',
      { name: "t", value: { kind: "float64", value: 9223372036854775808 } },
    ],
    [
      '{"name":"t","value":-9223372036854775808}',
      { name: "t", value: { kind: "integer", value: -(2n ** 63n) } },
    ],
    [
      '{"name":"t","value":123,"type":"float64"}',
      { name: "t", type: "float64", value: { kind: "float64", value: 123 } },
    ],
    [
      '{"name":"t","type":"float64_array","value":[1,2.5]}',
      {
        name: "t",
        type: "float64_array",
        value: {
          kind: "array",
          value: [
            { kind: "float64", value: 1 },
            { kind: "float64", value: 2.5 },
          ],
        },
      },
    ],
    [
      '{"name":"t","value":[1,2.5]}',
      {
        name: "t",
        value: {
          kind: "array",
          value: [
            { kind: "float64", value: 1 },
            { kind: "float64", value: 2.5 },
          ],
        },
      },
    ],
    [
      '{"name":"t","value":{"a":[1,2.5,"x"]}}',
      {
        name: "t",
        value: {
          kind: "dict",
          value: {
            a: {
              kind: "array",
              value: [
                { kind: "integer", value: 1n },
                { kind: "float64", value: 2.5 },
                { kind: "string", value: "x" },
              ],
            },
          },
        },
      },
    ],
    ['{"name":"t","type":"float64"}', { name: "t", type: "float64" }],
    [
      '{"name":"t","type":"byte_array","value":""}',
      { name: "t", type: "byte_array", value: { kind: "byteArray", value: new Uint8Array(0) } },
    ],
  ])("%s", (json, expected) => {
    expect(decodeParameter(json)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['{"value":1}', "missing-field"],
    ['{"name":1}', "invalid-field"],
    ['{"name":"t","extra":1}', "invalid-field"],
    ['{"name":"t","type":"int"}', "invalid-field"],
    ['{"name":"t","type":null}', "invalid-field"],
    ['{"name":"t","value":null}', "invalid-field"],
    ['{"name":"t","value":[1,"a"]}', "invalid-field"],
    ['{"name":"t","value":[1.5,true]}', "invalid-field"],
    ['{"name":"t","type":"float64","value":"1"}', "invalid-field"],
    ['{"name":"t","type":"float64_array","value":[1,"2"]}', "invalid-field"],
    ['{"name":"t","type":"float64_array","value":1}', "invalid-field"],
    ['{"name":"t","type":"byte_array","value":"ECA"}', "invalid-field"],
    ['{"name":"t","type":"byte_array","value":[1]}', "invalid-field"],
    ['{"name":"t","value":{"a":null}}', "invalid-field"],
  ])("%s → %s", (json, kind) => {
    expect(decodeParameter(json)).toMatchObject({ ok: false, error: { kind } });
  });

  it("round-trips any valid parameter", () => {
    fc.assert(
      fc.property(parameter, (param) => {
        expect(decodeParameter(encodeParameter(param))).toEqual({ ok: true, value: param });
      }),
      { numRuns: 300 },
    );
  });
});
