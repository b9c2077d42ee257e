import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ClientJsonMessage,
  decodeClientJson,
  encodeClientJson,
  encodeClientJsonFrame,
} from "../../src/protocol/index.js";
import { clientJsonMessage } from "./arbitraries.js";
import { hex, toHex, utf8 } from "./helpers.js";

const SUBSCRIBE_FRAME = `
  0000: 01 42 00 00 00 7b 22 6f 70 22 3a 22 73 75 62 73
  0010: 63 72 69 62 65 22 2c 22 63 68 61 6e 6e 65 6c 73
  0020: 22 3a 5b 7b 22 69 64 22 3a 31 2c 22 72 65 71 75
  0030: 65 73 74 56 69 64 65 6f 54 72 61 63 6b 22 3a 66
  0040: 61 6c 73 65 7d 5d 7d`;

const UNSUBSCRIBE_FRAME = `
  0000: 01 29 00 00 00 7b 22 6f 70 22 3a 22 75 6e 73 75
  0010: 62 73 63 72 69 62 65 22 2c 22 63 68 61 6e 6e 65
  0020: 6c 49 64 73 22 3a 5b 31 2c 32 2c 33 5d 7d`;

describe("client JSON test vectors (§10)", () => {
  it("10.2 subscribe (Text frame, 71 bytes), requestVideoTrack written explicitly", () => {
    const message: ClientJsonMessage = {
      op: "subscribe",
      channels: [{ id: 1, requestVideoTrack: false }],
    };
    expect(encodeClientJson(message)).toBe(
      '{"op":"subscribe","channels":[{"id":1,"requestVideoTrack":false}]}',
    );
    const expected = hex(SUBSCRIBE_FRAME);
    expect(expected.length).toBe(71);
    expect(toHex(encodeClientJsonFrame(message))).toBe(toHex(expected));
    expect(decodeClientJson(expected.subarray(5))).toEqual({ ok: true, value: message });
  });

  it("10.2 equivalent inputs decode identically", () => {
    const expected = {
      ok: true,
      value: { op: "subscribe", channels: [{ id: 1, requestVideoTrack: false }] },
    };
    for (const input of [
      '{"op":"subscribe","channels":[{"id":1}]}',
      ' {\n  "op" : "subscribe" ,\t"channels" : [ { "id" : 1 } ]\r\n} ',
      '{"channels":[{"requestVideoTrack":false,"id":1,"x":[null]}],"op":"subscribe","extra":{"a":1}}',
    ]) {
      expect(decodeClientJson(input)).toEqual(expected);
    }
  });

  it("10.3 unsubscribe (Text frame, 46 bytes)", () => {
    const message: ClientJsonMessage = { op: "unsubscribe", channelIds: [1, 2, 3] };
    const expected = hex(UNSUBSCRIBE_FRAME);
    expect(expected.length).toBe(46);
    expect(toHex(encodeClientJsonFrame(message))).toBe(toHex(expected));
    expect(decodeClientJson(expected.subarray(5))).toEqual({ ok: true, value: message });
  });
});

describe("client JSON messages (§7.4)", () => {
  it.each<[ClientJsonMessage, string]>([
    [
      {
        op: "advertise",
        channels: [
          { id: 10, topic: "/t1", encoding: "json", schemaName: "" },
          {
            id: 30,
            topic: "/t3",
            encoding: "protobuf",
            schemaName: "t3-schema",
            schemaEncoding: "protobuf",
            schema: "3q2+7w==",
          },
        ],
      },
      '{"op":"advertise","channels":[{"id":10,"topic":"/t1","encoding":"json","schemaName":""},{"id":30,"topic":"/t3","encoding":"protobuf","schemaName":"t3-schema","schemaEncoding":"protobuf","schema":"3q2+7w=="}]}',
    ],
    [{ op: "unadvertise", channelIds: [1, 2] }, '{"op":"unadvertise","channelIds":[1,2]}'],
    [
      { op: "getParameters", parameterNames: ["a", "b"], id: "r1" },
      '{"op":"getParameters","parameterNames":["a","b"],"id":"r1"}',
    ],
    [{ op: "getParameters", parameterNames: [] }, '{"op":"getParameters","parameterNames":[]}'],
    [
      {
        op: "setParameters",
        parameters: [
          { name: "i", value: { kind: "integer", value: 123n } },
          { name: "f", type: "float64", value: { kind: "float64", value: 1.23 } },
        ],
      },
      '{"op":"setParameters","parameters":[{"name":"i","value":123},{"name":"f","type":"float64","value":1.23}]}',
    ],
    [
      { op: "subscribeParameterUpdates", parameterNames: ["p"] },
      '{"op":"subscribeParameterUpdates","parameterNames":["p"]}',
    ],
    [
      { op: "unsubscribeParameterUpdates", parameterNames: ["p"] },
      '{"op":"unsubscribeParameterUpdates","parameterNames":["p"]}',
    ],
    [{ op: "subscribeConnectionGraph" }, '{"op":"subscribeConnectionGraph"}'],
    [{ op: "unsubscribeConnectionGraph" }, '{"op":"unsubscribeConnectionGraph"}'],
    [
      { op: "fetchAsset", requestId: 7, uri: "package://x" },
      '{"op":"fetchAsset","requestId":7,"uri":"package://x"}',
    ],
  ])("case %# encodes byte-exactly and decodes back", (message, json) => {
    expect(encodeClientJson(message)).toBe(json);
    expect(decodeClientJson(json)).toEqual({ ok: true, value: message });
  });

  it.each([
    ['{"op":"subscribe"}', "missing-field", "channels"],
    ['{"channels":[]}', "missing-field", "op"],
    ['{"op":"bogus","channels":[]}', "unknown-op", "op"],
    ['{"op":7}', "invalid-field", "op"],
    ['"subscribe"', "invalid-field", undefined],
    ['{"op":"subscribe","channels":[{}]}', "missing-field", "channels[0].id"],
    ['{"op":"subscribe","channels":[{"id":"1"}]}', "invalid-field", "channels[0].id"],
    ['{"op":"subscribe","channels":[{"id":-1}]}', "invalid-field", "channels[0].id"],
    ['{"op":"subscribe","channels":[{"id":1.5}]}', "invalid-field", "channels[0].id"],
    ['{"op":"subscribe","channels":[{"id":1e0}]}', "invalid-field", "channels[0].id"],
    ['{"op":"subscribe","channels":[{"id":9007199254740992}]}', "invalid-field", "channels[0].id"],
    [
      '{"op":"subscribe","channels":[{"id":1,"requestVideoTrack":null}]}',
      "invalid-field",
      "channels[0].requestVideoTrack",
    ],
    [
      '{"op":"subscribe","channels":[{"id":1,"requestVideoTrack":1}]}',
      "invalid-field",
      "channels[0].requestVideoTrack",
    ],
    ['{"op":"subscribe","channels":{"id":1}}', "invalid-field", "channels"],
    ['{"op":"subscribe","channels":[{"id":1,"id":2}]}', "invalid-field", "channels[0].id"],
    ['{"op":"unsubscribe","channelIds":[1,-2]}', "invalid-field", "channelIds[1]"],
    ['{"op":"unadvertise","channelIds":[4294967296]}', "invalid-field", "channelIds[0]"],
    [
      '{"op":"advertise","channels":[{"id":1,"topic":"/t","encoding":"json"}]}',
      "missing-field",
      "channels[0].schemaName",
    ],
    [
      '{"op":"advertise","channels":[{"id":1,"topic":"/t","encoding":"json","schemaName":"","schema":5}]}',
      "invalid-field",
      "channels[0].schema",
    ],
    ['{"op":"fetchAsset","requestId":1}', "missing-field", "uri"],
    ['{"op":"getParameters","parameterNames":["a"],"id":3}', "invalid-field", "id"],
    [
      '{"op":"setParameters","parameters":[{"name":"x","bogus":1}]}',
      "invalid-field",
      "parameters[0].bogus",
    ],
  ])("%s → %s at %s", (input, kind, path) => {
    const result = decodeClientJson(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe(kind);
      expect(result.error.path).toBe(path);
    }
  });

  it("treats null optional keys as absent", () => {
    expect(
      decodeClientJson(
        '{"op":"advertise","channels":[{"id":1,"topic":"/t","encoding":"json","schemaName":"","schemaEncoding":null,"schema":null}]}',
      ),
    ).toEqual({
      ok: true,
      value: {
        op: "advertise",
        channels: [{ id: 1, topic: "/t", encoding: "json", schemaName: "" }],
      },
    });
  });

  it("reports invalid UTF-8 and invalid JSON", () => {
    expect(decodeClientJson(hex("ff fe"))).toMatchObject({
      ok: false,
      error: { kind: "invalid-utf8" },
    });
    expect(decodeClientJson("")).toMatchObject({ ok: false, error: { kind: "invalid-json" } });
    expect(decodeClientJson('{"op":"subscribe","channels":[]}x')).toMatchObject({
      ok: false,
      error: { kind: "invalid-json" },
    });
  });

  it("encoders reject out-of-range ids", () => {
    expect(() =>
      encodeClientJson({ op: "subscribe", channels: [{ id: -1, requestVideoTrack: false }] }),
    ).toThrow(RangeError);
    expect(() => encodeClientJson({ op: "unadvertise", channelIds: [2 ** 32] })).toThrow(
      RangeError,
    );
    expect(() => encodeClientJson({ op: "fetchAsset", requestId: 0.5, uri: "" })).toThrow(
      RangeError,
    );
  });

  it("round-trips every client JSON message type (decode(encode(x)) = x)", () => {
    fc.assert(
      fc.property(clientJsonMessage, (message) => {
        const json = encodeClientJson(message);
        expect(decodeClientJson(json)).toEqual({ ok: true, value: message });
        expect(decodeClientJson(utf8(json))).toEqual({ ok: true, value: message });
      }),
      { numRuns: 300 },
    );
  });
});
