import { describe, expect, it } from "vitest";
import {
  boolCodec,
  stringArrayCodec,
  stringCodec,
  stringMapCodec,
  u32Codec,
} from "../../src/protocol/json-codec.js";
import {
  type JsonFields,
  objectCodec,
  omitEmpty,
  optional,
  withDefault,
} from "../../src/protocol/json-object-codec.js";
import { decodeWith } from "./helpers.js";

interface Sample {
  readonly id: number;
  readonly flag: boolean;
  readonly note?: string;
  readonly tags?: readonly string[];
  readonly meta?: Readonly<Record<string, string>>;
}

const sample = objectCodec<Sample>({
  id: u32Codec,
  flag: withDefault(boolCodec, false),
  note: optional(stringCodec),
  tags: omitEmpty(stringArrayCodec),
  meta: omitEmpty(stringMapCodec),
});

describe("objectCodec", () => {
  it("writes keys in table order, whatever the order of the value's properties", () => {
    expect(sample.encode({ meta: { a: "b" }, note: "n", flag: true, id: 1, tags: ["t"] })).toBe(
      '{"id":1,"flag":true,"note":"n","tags":["t"],"meta":{"a":"b"}}',
    );
  });

  it("omits undefined optional keys and empty omitEmpty keys; writes defaults", () => {
    expect(sample.encode({ id: 1, flag: false, tags: [], meta: {} })).toBe('{"id":1,"flag":false}');
    expect(sample.encode({ id: 1 } as Sample)).toBe('{"id":1,"flag":false}');
    expect(() => sample.encode({ flag: true } as Sample)).toThrow(TypeError);
  });

  it("reads absent and null optional keys as absent, and ignores unknown keys", () => {
    const value = decodeWith(sample, '{"id":1,"note":null,"tags":null,"other":[1]}');
    expect(value).toStrictEqual({ id: 1, flag: false });
    expect(decodeWith(sample, '{"id":1,"tags":[],"meta":{}}')).toEqual({
      id: 1,
      flag: false,
      tags: [],
      meta: {},
    });
  });

  it("rejects missing, duplicate and ill-typed keys, and null for a defaulted key", () => {
    expect(decodeWith(sample, "{}")).toMatchObject({ kind: "missing-field", path: "x.id" });
    expect(decodeWith(sample, '{"id":1,"id":2}')).toMatchObject({
      kind: "invalid-field",
      path: "x.id",
    });
    expect(decodeWith(sample, '{"id":1,"flag":null}')).toMatchObject({
      kind: "invalid-field",
      path: "x.flag",
    });
    expect(decodeWith(sample, '{"id":1,"note":1}')).toMatchObject({
      kind: "invalid-field",
      path: "x.note",
    });
    expect(decodeWith(sample, "[]")).toMatchObject({ kind: "invalid-field", path: "x" });
  });

  it("refuses integer-like keys, which JS would not keep in table order", () => {
    expect(() => objectCodec<{ "1": string }>({ "1": stringCodec })).toThrow(/integer-like/);
  });

  it("checks tables against their type at compile time", () => {
    const tables: JsonFields<Sample>[] = [
      // @ts-expect-error a key of the type is missing
      {
        id: u32Codec,
        flag: boolCodec,
        note: optional(stringCodec),
        tags: omitEmpty(stringArrayCodec),
      },
      {
        id: u32Codec,
        flag: boolCodec,
        // @ts-expect-error an optional property needs a presence rule
        note: stringCodec,
        tags: omitEmpty(stringArrayCodec),
        meta: omitEmpty(stringMapCodec),
      },
      {
        // @ts-expect-error the codec's type does not match the property's
        id: stringCodec,
        flag: boolCodec,
        note: optional(stringCodec),
        tags: omitEmpty(stringArrayCodec),
        meta: omitEmpty(stringMapCodec),
      },
    ];
    expect(tables).toHaveLength(3);
  });
});
