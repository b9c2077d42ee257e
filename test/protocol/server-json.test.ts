import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeServerJson,
  encodeServerJson,
  encodeServerJsonFrame,
  type ServerJsonMessage,
  timestampFromNanos,
} from "../../src/protocol/index.js";
import { serverJsonMessage } from "./arbitraries.js";
import { hex, toHex, utf8 } from "./helpers.js";

function decoded(input: string): ServerJsonMessage {
  const result = decodeServerJson(input);
  if (!result.ok) throw new Error(`${result.error.kind}: ${result.error.message}`);
  return result.value;
}

describe("server JSON test vectors (§10)", () => {
  it("10.4 serverInfo (Text frame, 175 bytes)", () => {
    const frame = encodeServerJsonFrame({
      op: "serverInfo",
      name: "test-device",
      capabilities: [],
      supportedEncodings: ["json"],
      metadata: { "fg-library": "foxglove-sdk-rust/v0.20.0" },
      sessionId: "1700000000000",
    });
    const expected = hex(`
      0000: 01 aa 00 00 00 7b 22 6f 70 22 3a 22 73 65 72 76
      0010: 65 72 49 6e 66 6f 22 2c 22 6e 61 6d 65 22 3a 22
      0020: 74 65 73 74 2d 64 65 76 69 63 65 22 2c 22 63 61
      0030: 70 61 62 69 6c 69 74 69 65 73 22 3a 5b 5d 2c 22
      0040: 73 75 70 70 6f 72 74 65 64 45 6e 63 6f 64 69 6e
      0050: 67 73 22 3a 5b 22 6a 73 6f 6e 22 5d 2c 22 6d 65
      0060: 74 61 64 61 74 61 22 3a 7b 22 66 67 2d 6c 69 62
      0070: 72 61 72 79 22 3a 22 66 6f 78 67 6c 6f 76 65 2d
      0080: 73 64 6b 2d 72 75 73 74 2f 76 30 2e 32 30 2e 30
      0090: 22 7d 2c 22 73 65 73 73 69 6f 6e 49 64 22 3a 22
      00a0: 31 37 30 30 30 30 30 30 30 30 30 30 30 22 7d`);
    expect(expected.length).toBe(175);
    expect(toHex(frame)).toBe(toHex(expected));
  });

  it("10.4 snapshot shapes: minimal and full serverInfo", () => {
    expect(encodeServerJson({ op: "serverInfo", name: "example server", capabilities: [] })).toBe(
      '{"op":"serverInfo","name":"example server","capabilities":[]}',
    );
    expect(
      encodeServerJson({
        op: "serverInfo",
        name: "example server",
        capabilities: ["clientPublish", "time", "playbackControl"],
        supportedEncodings: ["json"],
        metadata: { key: "value" },
        sessionId: "1675789422160",
        dataStartTime: { sec: 0, nsec: 1_000_000 },
        dataEndTime: { sec: 0, nsec: 1_000_005 },
      }),
    ).toBe(
      '{"op":"serverInfo","name":"example server","capabilities":["clientPublish","time","playbackControl"],"supportedEncodings":["json"],"metadata":{"key":"value"},"sessionId":"1675789422160","dataStartTime":{"sec":0,"nsec":1000000},"dataEndTime":{"sec":0,"nsec":1000005}}',
    );
  });

  it("serverInfo omits empty supportedEncodings and metadata", () => {
    expect(
      encodeServerJson({
        op: "serverInfo",
        name: "",
        capabilities: [],
        supportedEncodings: [],
        metadata: {},
      }),
    ).toBe('{"op":"serverInfo","name":"","capabilities":[]}');
  });

  it("10.5 advertise, one schemaless JSON channel (Text frame, 107 bytes)", () => {
    const frame = encodeServerJsonFrame({
      op: "advertise",
      channels: [{ id: 1, topic: "/test", encoding: "json", schemaName: "", schema: "" }],
    });
    const expected = hex(`
      0000: 01 66 00 00 00 7b 22 6f 70 22 3a 22 61 64 76 65
      0010: 72 74 69 73 65 22 2c 22 63 68 61 6e 6e 65 6c 73
      0020: 22 3a 5b 7b 22 69 64 22 3a 31 2c 22 74 6f 70 69
      0030: 63 22 3a 22 2f 74 65 73 74 22 2c 22 65 6e 63 6f
      0040: 64 69 6e 67 22 3a 22 6a 73 6f 6e 22 2c 22 73 63
      0050: 68 65 6d 61 4e 61 6d 65 22 3a 22 22 2c 22 73 63
      0060: 68 65 6d 61 22 3a 22 22 7d 5d 7d`);
    expect(expected.length).toBe(107);
    expect(toHex(frame)).toBe(toHex(expected));
  });

  it("10.6 advertise, four channels (466-byte payload, header 01 d2 01 00 00)", () => {
    const message: ServerJsonMessage = {
      op: "advertise",
      channels: [
        { id: 10, topic: "/t1", encoding: "json", schemaName: "", schema: "" },
        {
          id: 20,
          topic: "/t2",
          encoding: "json",
          schemaName: "t2-schema",
          schemaEncoding: "jsonschema",
          schema: '{"type": "object"}',
        },
        {
          id: 30,
          topic: "/t3",
          encoding: "protobuf",
          schemaName: "t3-schema",
          schemaEncoding: "protobuf",
          schema: "3q2+7w==",
        },
        {
          id: 40,
          topic: "/t4",
          encoding: "json",
          schemaName: "",
          schema: "",
          metadata: { "foxglove.hasVideoTrack": "true" },
        },
      ],
    };
    const json =
      '{"op":"advertise","channels":[{"id":10,"topic":"/t1","encoding":"json","schemaName":"","schema":""},{"id":20,"topic":"/t2","encoding":"json","schemaName":"t2-schema","schemaEncoding":"jsonschema","schema":"{\\"type\\": \\"object\\"}"},{"id":30,"topic":"/t3","encoding":"protobuf","schemaName":"t3-schema","schemaEncoding":"protobuf","schema":"3q2+7w=="},{"id":40,"topic":"/t4","encoding":"json","schemaName":"","schema":"","metadata":{"foxglove.hasVideoTrack":"true"}}]}';
    expect(encodeServerJson(message)).toBe(json);
    const frame = encodeServerJsonFrame(message);
    expect(frame.length - 5).toBe(466);
    expect(toHex(frame.subarray(0, 5))).toBe("01 d2 01 00 00");
    expect(frame.subarray(5)).toEqual(utf8(json));
  });

  it("10.6 metadata ordering check: byte-wise, not JS object order", () => {
    const json = encodeServerJson({
      op: "advertise",
      channels: [
        {
          id: 1,
          topic: "/t",
          encoding: "json",
          schemaName: "",
          schema: "",
          metadata: { "9": "b", "10": "a", "foxglove.hasVideoTrack": "true" },
        },
      ],
    });
    expect(json).toContain('"metadata":{"10":"a","9":"b","foxglove.hasVideoTrack":"true"}');
  });

  it("10.7 unadvertise (Text frame, 42 bytes)", () => {
    const expected = hex(`
      0000: 01 25 00 00 00 7b 22 6f 70 22 3a 22 75 6e 61 64
      0010: 76 65 72 74 69 73 65 22 2c 22 63 68 61 6e 6e 65
      0020: 6c 49 64 73 22 3a 5b 31 5d 7d`);
    expect(toHex(encodeServerJsonFrame({ op: "unadvertise", channelIds: [1] }))).toBe(
      toHex(expected),
    );
  });

  it("10.8 error status for an invalid video request (Text frame, 87 bytes)", () => {
    const expected = hex(`
      0000: 01 52 00 00 00 7b 22 6f 70 22 3a 22 73 74 61 74
      0010: 75 73 22 2c 22 6c 65 76 65 6c 22 3a 32 2c 22 6d
      0020: 65 73 73 61 67 65 22 3a 22 43 68 61 6e 6e 65 6c
      0030: 20 37 20 64 6f 65 73 20 6e 6f 74 20 73 75 70 70
      0040: 6f 72 74 20 76 69 64 65 6f 20 74 72 61 6e 73 63
      0050: 6f 64 69 6e 67 22 7d`);
    const frame = encodeServerJsonFrame({
      op: "status",
      level: 2,
      message: "Channel 7 does not support video transcoding",
    });
    expect(toHex(frame)).toBe(toHex(expected));
  });

  it("10.8 snapshot shapes: status with/without id, removeStatus", () => {
    expect(encodeServerJson({ op: "status", level: 1, message: "Oh no" })).toBe(
      '{"op":"status","level":1,"message":"Oh no"}',
    );
    expect(encodeServerJson({ op: "status", level: 1, message: "Oh no", id: "my-id" })).toBe(
      '{"op":"status","level":1,"message":"Oh no","id":"my-id"}',
    );
    expect(
      encodeServerJson({ op: "removeStatus", statusIds: ["status-1", "status-2", "status-3"] }),
    ).toBe('{"op":"removeStatus","statusIds":["status-1","status-2","status-3"]}');
  });
});

describe("other server JSON messages (§7.2)", () => {
  it("encode with the field orders of the table", () => {
    expect(encodeServerJson({ op: "unadvertiseServices", serviceIds: [1, 2] })).toBe(
      '{"op":"unadvertiseServices","serviceIds":[1,2]}',
    );
    expect(
      encodeServerJson({ op: "serviceCallFailure", serviceId: 1, callId: 2, message: "x" }),
    ).toBe('{"op":"serviceCallFailure","serviceId":1,"callId":2,"message":"x"}');
    expect(
      encodeServerJson({
        op: "connectionGraphUpdate",
        publishedTopics: [{ name: "/t1", publisherIds: ["p1", "p2"] }],
        subscribedTopics: [{ name: "/t2", subscriberIds: ["s1"] }],
        advertisedServices: [{ name: "/s1", providerIds: ["pr1"] }],
        removedTopics: ["/t3"],
        removedServices: [],
      }),
    ).toBe(
      '{"op":"connectionGraphUpdate","publishedTopics":[{"name":"/t1","publisherIds":["p1","p2"]}],"subscribedTopics":[{"name":"/t2","subscriberIds":["s1"]}],"advertisedServices":[{"name":"/s1","providerIds":["pr1"]}],"removedTopics":["/t3"],"removedServices":[]}',
    );
    expect(
      encodeServerJson({
        op: "advertiseServices",
        services: [
          {
            id: 10,
            name: "/s1",
            type: "my_type",
            request: {
              encoding: "json",
              schemaName: "req",
              schemaEncoding: "jsonschema",
              schema: "{}",
            },
            responseSchema: "",
          },
        ],
      }),
    ).toBe(
      '{"op":"advertiseServices","services":[{"id":10,"name":"/s1","type":"my_type","request":{"encoding":"json","schemaName":"req","schemaEncoding":"jsonschema","schema":"{}"},"responseSchema":""}]}',
    );
    expect(
      encodeServerJson({
        op: "parameterValues",
        parameters: [{ name: "f", type: "float64", value: { kind: "float64", value: 1 } }],
        id: "req",
      }),
    ).toBe(
      '{"op":"parameterValues","parameters":[{"name":"f","type":"float64","value":1.0}],"id":"req"}',
    );
  });

  it("encoders throw on unrepresentable values", () => {
    expect(() => encodeServerJson({ op: "unadvertise", channelIds: [-1] })).toThrow(RangeError);
    expect(() => encodeServerJson({ op: "unadvertise", channelIds: [1.5] })).toThrow(RangeError);
    expect(() => encodeServerJson({ op: "status", level: 3 as 2, message: "" })).toThrow(
      RangeError,
    );
    expect(() => encodeServerJson({ op: "unadvertiseServices", serviceIds: [2 ** 32] })).toThrow(
      RangeError,
    );
  });

  it("timestampFromNanos splits and saturates like the reference", () => {
    expect(timestampFromNanos(1_000_005n)).toEqual({ sec: 0, nsec: 1_000_005 });
    expect(timestampFromNanos(1_700_000_000_123_456_789n)).toEqual({
      sec: 1_700_000_000,
      nsec: 123_456_789,
    });
    expect(timestampFromNanos(2n ** 64n - 1n)).toEqual({ sec: 4294967295, nsec: 709_551_615 });
  });
});

describe("decodeServerJson", () => {
  it("decodes the vectors back", () => {
    expect(
      decoded(
        '{"op":"serverInfo","name":"test-device","capabilities":[],"supportedEncodings":["json"],"metadata":{"fg-library":"foxglove-sdk-rust/v0.20.0"},"sessionId":"1700000000000"}',
      ),
    ).toEqual({
      op: "serverInfo",
      name: "test-device",
      capabilities: [],
      supportedEncodings: ["json"],
      metadata: { "fg-library": "foxglove-sdk-rust/v0.20.0" },
      sessionId: "1700000000000",
    });
    expect(decoded('{"op":"unadvertise","channelIds":[1]}')).toEqual({
      op: "unadvertise",
      channelIds: [1],
    });
  });

  it("accepts bytes, whitespace, unknown keys and null for optional keys", () => {
    const result = decodeServerJson(
      utf8(' { "level" : 2 , "extra": {"x":[1]}, "op" : "status", "message" : "m", "id": null } '),
    );
    expect(result).toEqual({ ok: true, value: { op: "status", level: 2, message: "m" } });
  });

  it.each([
    ['{"op":"nope"}', "unknown-op"],
    ['{"name":"x"}', "missing-field"],
    ['{"op":1}', "invalid-field"],
    ["[]", "invalid-field"],
    ['{"op":"status","level":3,"message":""}', "invalid-field"],
    ['{"op":"status","level":1}', "missing-field"],
    ['{"op":"unadvertise","channelIds":[-1]}', "invalid-field"],
    ['{"op":"unadvertise","channelIds":[1.5]}', "invalid-field"],
    ['{"op":"unadvertise","channelIds":[1.0]}', "invalid-field"],
    ['{"op":"unadvertise","channelIds":[9007199254740992]}', "invalid-field"],
    ['{"op":"unadvertise","channelIds":"1"}', "invalid-field"],
    ['{"op":"unadvertiseServices","serviceIds":[4294967296]}', "invalid-field"],
    [
      '{"op":"advertise","channels":[{"id":1,"topic":"/t","encoding":"json","schemaName":""}]}',
      "missing-field",
    ],
    ['{"op":"serverInfo","name":"x","capabilities":[1]}', "invalid-field"],
    ['{"op":"serverInfo","name":"x","name":"y","capabilities":[]}', "invalid-field"],
    [
      '{"op":"connectionGraphUpdate","publishedTopics":[],"subscribedTopics":[],"advertisedServices":[],"removedTopics":[]}',
      "missing-field",
    ],
    ["{", "invalid-json"],
  ])("%s → %s", (input, kind) => {
    const result = decodeServerJson(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe(kind);
      expect(result.error.message.length).toBeGreaterThan(0);
    }
  });

  it("reports invalid UTF-8 bytes", () => {
    expect(decodeServerJson(hex("7b ff 7d"))).toMatchObject({
      ok: false,
      error: { kind: "invalid-utf8" },
    });
  });

  it("names the offending path", () => {
    const result = decodeServerJson('{"op":"advertise","channels":[{"id":-1}]}');
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "invalid-field", path: "channels[0].id" },
    });
  });

  it("round-trips every server JSON message type (decode(encode(x)) = x)", () => {
    fc.assert(
      fc.property(serverJsonMessage, (message) => {
        const json = encodeServerJson(message);
        expect(decodeServerJson(json)).toEqual({ ok: true, value: message });
        // The Text frame carries exactly the same JSON.
        expect(encodeServerJsonFrame(message).subarray(5)).toEqual(utf8(json));
      }),
      { numRuns: 300 },
    );
  });

  it("encodes what JSON.parse reads as the same structure (valid JSON)", () => {
    fc.assert(
      fc.property(serverJsonMessage, (message) => {
        const parsed = JSON.parse(encodeServerJson(message)) as { op: string };
        expect(parsed.op).toBe(message.op);
        expect(Object.keys(parsed)[0]).toBe("op");
      }),
      { numRuns: 100 },
    );
  });
});
