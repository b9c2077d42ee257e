import { describe, expect, it } from "vitest";
import {
  decodeSchemaData,
  encodeSchemaData,
  encodeServerJson,
  isSchemaRequired,
  toAdvertisedChannel,
} from "../../src/protocol/index.js";
import { hex, utf8 } from "./helpers.js";

describe("schema encoding (§8.2)", () => {
  it("base64 for protobuf/flatbuffer (exact match), UTF-8 text otherwise", () => {
    expect(encodeSchemaData("protobuf", hex("de ad be ef"))).toEqual({
      ok: true,
      value: "3q2+7w==",
    });
    expect(encodeSchemaData("flatbuffer", new Uint8Array(0))).toEqual({ ok: true, value: "" });
    expect(encodeSchemaData("jsonschema", utf8('{"type": "object"}'))).toEqual({
      ok: true,
      value: '{"type": "object"}',
    });
    expect(encodeSchemaData("Protobuf", utf8("x"))).toEqual({ ok: true, value: "x" });
    expect(encodeSchemaData("ros2msg", hex("ff"))).toMatchObject({
      ok: false,
      error: { kind: "invalid-utf8" },
    });
  });

  it("decodes schema data back", () => {
    expect(decodeSchemaData("protobuf", "3q2+7w==")).toEqual({
      ok: true,
      value: hex("de ad be ef"),
    });
    expect(decodeSchemaData("jsonschema", "ü")).toEqual({ ok: true, value: utf8("ü") });
    expect(decodeSchemaData("flatbuffer", "3q2+7w=")).toMatchObject({
      ok: false,
      error: { kind: "invalid-base64" },
    });
  });

  it("knows which message encodings require a schema", () => {
    expect(["protobuf", "flatbuffer", "ros1", "cdr", "json", "cbor"].map(isSchemaRequired)).toEqual(
      [true, true, true, true, false, false],
    );
  });

  it("builds the four channels of 10.6", () => {
    const channels = [
      { id: 10, topic: "/t1", messageEncoding: "json" },
      {
        id: 20,
        topic: "/t2",
        messageEncoding: "json",
        schema: { name: "t2-schema", encoding: "jsonschema", data: utf8('{"type": "object"}') },
      },
      {
        id: 30,
        topic: "/t3",
        messageEncoding: "protobuf",
        schema: { name: "t3-schema", encoding: "protobuf", data: hex("de ad be ef") },
      },
      {
        id: 40,
        topic: "/t4",
        messageEncoding: "json",
        metadata: { "foxglove.hasVideoTrack": "true" },
      },
    ].map((c) => {
      const result = toAdvertisedChannel(c);
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    });
    expect(encodeServerJson({ op: "advertise", channels })).toBe(
      '{"op":"advertise","channels":[{"id":10,"topic":"/t1","encoding":"json","schemaName":"","schema":""},{"id":20,"topic":"/t2","encoding":"json","schemaName":"t2-schema","schemaEncoding":"jsonschema","schema":"{\\"type\\": \\"object\\"}"},{"id":30,"topic":"/t3","encoding":"protobuf","schemaName":"t3-schema","schemaEncoding":"protobuf","schema":"3q2+7w=="},{"id":40,"topic":"/t4","encoding":"json","schemaName":"","schema":"","metadata":{"foxglove.hasVideoTrack":"true"}}]}',
    );
  });

  it("skips channels that need a schema or whose text schema is not UTF-8", () => {
    expect(toAdvertisedChannel({ id: 1, topic: "/p", messageEncoding: "protobuf" })).toMatchObject({
      ok: false,
      error: { kind: "missing-schema" },
    });
    expect(
      toAdvertisedChannel({
        id: 1,
        topic: "/p",
        messageEncoding: "json",
        schema: { name: "s", encoding: "jsonschema", data: hex("c3 28") },
      }),
    ).toMatchObject({ ok: false, error: { kind: "invalid-utf8" } });
    expect(
      toAdvertisedChannel({ id: 1, topic: "/p", messageEncoding: "json", metadata: {} }),
    ).toEqual({
      ok: true,
      value: { id: 1, topic: "/p", encoding: "json", schemaName: "", schema: "" },
    });
  });
});
