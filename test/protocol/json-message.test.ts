import { describe, expect, it } from "vitest";
import { stringCodec, u32Codec } from "../../src/protocol/json-codec.js";
import { jsonMessageCodec } from "../../src/protocol/json-message.js";
import { optional } from "../../src/protocol/json-object-codec.js";

type Message =
  | { readonly op: "ping"; readonly id: number; readonly note?: string }
  | { readonly op: "bye" };

const codec = jsonMessageCodec<Message>("test", {
  ping: { id: u32Codec, note: optional(stringCodec) },
  bye: {},
});

describe("jsonMessageCodec", () => {
  it("writes op first, then the entry's fields", () => {
    expect(codec.encode({ note: "n", id: 3, op: "ping" })).toBe('{"op":"ping","id":3,"note":"n"}');
    expect(codec.encode({ op: "bye" })).toBe('{"op":"bye"}');
  });

  it("dispatches decoding on op", () => {
    expect(codec.decode('{"id":3,"op":"ping"}')).toEqual({
      ok: true,
      value: { op: "ping", id: 3 },
    });
    expect(codec.decode(new TextEncoder().encode('{"op":"bye","id":3}'))).toEqual({
      ok: true,
      value: { op: "bye" },
    });
  });

  it("names unknown ops, including ones an object lookup would find", () => {
    for (const op of ["nope", "__proto__", "toString", "constructor"]) {
      expect(codec.decode(JSON.stringify({ op }))).toEqual({
        ok: false,
        error: { kind: "unknown-op", message: `unknown test op ${JSON.stringify(op)}`, path: "op" },
      });
      expect(() => codec.encode({ op } as unknown as Message)).toThrow(TypeError);
    }
  });

  it("reports a missing or ill-typed op before anything else", () => {
    expect(codec.decode('{"id":"x"}')).toMatchObject({
      ok: false,
      error: { kind: "missing-field", path: "op" },
    });
    expect(codec.decode('{"op":["ping"]}')).toMatchObject({
      ok: false,
      error: { kind: "invalid-field", path: "op" },
    });
    expect(codec.decode('{"op":"ping","op":"ping","id":1}')).toMatchObject({
      ok: false,
      error: { kind: "invalid-field", path: "op" },
    });
  });

  it("checks the table covers every op at compile time", () => {
    const partial = () =>
      // @ts-expect-error the `bye` entry is missing
      jsonMessageCodec<Message>("test", { ping: { id: u32Codec, note: optional(stringCodec) } });
    expect(partial).toBeTypeOf("function");
  });
});
