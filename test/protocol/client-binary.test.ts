import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ClientBinaryMessage,
  decodeClientBinary,
  encodeClientBinary,
  encodeClientBinaryFrame,
} from "../../src/protocol/index.js";
import { clientBinaryMessage } from "./arbitraries.js";
import { hex, toHex, utf8 } from "./helpers.js";

const KEY_VALUE = utf8('{"key": "value"}');

describe("client binary test vectors (§10.11, §11.11)", () => {
  it.each<[string, ClientBinaryMessage, string]>([
    [
      "Client MessageData (u32 channel 30)",
      { op: "messageData", channelId: 30, data: KEY_VALUE },
      "01 1e 00 00 00 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    ],
    [
      "ServiceCallRequest",
      { op: "serviceCallRequest", serviceId: 10, callId: 12, encoding: "json", payload: KEY_VALUE },
      "02 0a 00 00 00 0c 00 00 00 04 00 00 00 6a 73 6f 6e 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    ],
    [
      "PlaybackControlRequest play",
      { op: "playbackControlRequest", command: "play", playbackSpeed: 1, requestId: "some-id" },
      "03 00 00 00 80 3f 00 00 00 00 00 00 00 00 00 07 00 00 00 73 6f 6d 65 2d 69 64",
    ],
    [
      "PlaybackControlRequest pause",
      { op: "playbackControlRequest", command: "pause", playbackSpeed: 1, requestId: "some-id" },
      "03 01 00 00 80 3f 00 00 00 00 00 00 00 00 00 07 00 00 00 73 6f 6d 65 2d 69 64",
    ],
    [
      "PlaybackControlRequest seek",
      {
        op: "playbackControlRequest",
        command: "play",
        playbackSpeed: 1,
        seekTime: 123_456_789n,
        requestId: "some-id",
      },
      "03 00 00 00 80 3f 01 15 cd 5b 07 00 00 00 00 07 00 00 00 73 6f 6d 65 2d 69 64",
    ],
    [
      "11.11 Ping (payload 1234567890)",
      { op: "ping", appTimestamp: 0x3837363534333231n, trailer: utf8("90") },
      "04 31 32 33 34 35 36 37 38 39 30",
    ],
    [
      "11.11 Ping with exactly 8 payload bytes",
      { op: "ping", appTimestamp: 1_711_500_000_000n },
      "04 00 7b 59 7d 8e 01 00 00",
    ],
    [
      "11.11 PingAck (1 711 500 000 000)",
      { op: "pingAck", deviceTimestamp: 1_711_500_000_000n },
      "05 00 7b 59 7d 8e 01 00 00",
    ],
  ])("%s", (_name, message, bytes) => {
    expect(toHex(encodeClientBinary(message))).toBe(bytes);
    expect(decodeClientBinary(hex(bytes))).toEqual({ ok: true, value: message });
  });

  it("ignores the seek time when the had-seek flag is 0", () => {
    const result = decodeClientBinary(
      hex("03 00 00 00 80 3f 00 15 cd 5b 07 00 00 00 00 07 00 00 00 73 6f 6d 65 2d 69 64"),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        op: "playbackControlRequest",
        command: "play",
        playbackSpeed: 1,
        requestId: "some-id",
      },
    });
  });

  it("reads any non-zero had-seek byte as true", () => {
    const result = decodeClientBinary(
      hex("03 00 00 00 80 3f 07 15 cd 5b 07 00 00 00 00 00 00 00 00"),
    );
    expect(result).toMatchObject({ ok: true, value: { seekTime: 123_456_789n, requestId: "" } });
  });
});

describe("decodeClientBinary errors (§10.11 negative vectors, §7.5)", () => {
  it.each([
    ["", "empty-binary-message", "10.11: empty binary payload"],
    ["ff", "unknown-opcode", "10.11: unknown opcode"],
    ["06 00", "unknown-opcode", "server-only opcode"],
    ["01 1e 00 00", "buffer-too-short", "10.11: client MessageData with 3 bytes after the opcode"],
    ["02 0a 00 00 00 0c 00 00 00 04 00 00", "buffer-too-short", "ServiceCallRequest header"],
    [
      "02 0a 00 00 00 0c 00 00 00 04 00 00 00 6a 73",
      "buffer-too-short",
      "ServiceCallRequest encoding",
    ],
    ["02 0a 00 00 00 0c 00 00 00 02 00 00 00 c3 28", "invalid-utf8", "ServiceCallRequest encoding"],
    [
      "03 00 00 00 80 3f 00 00 00 00 00 00 00 00 00 07 00 00",
      "buffer-too-short",
      "PlaybackControlRequest",
    ],
    [
      "03 02 00 00 80 3f 00 00 00 00 00 00 00 00 00 00 00 00 00",
      "invalid-status",
      "unknown command",
    ],
    [
      "03 00 00 00 80 3f 00 00 00 00 00 00 00 00 00 07 00 00 00 73",
      "buffer-too-short",
      "request id",
    ],
    ["03 00 00 00 80 3f 00 00 00 00 00 00 00 00 00 01 00 00 00 80", "invalid-utf8", "request id"],
    ["04 31 32 33 34 35 36 37", "buffer-too-short", "11.11: ping shorter than 8 bytes"],
    ["05 00 7b 59 7d 8e 01 00", "buffer-too-short", "11.11: pingack shorter than 8 bytes"],
  ])("%s → %s (%s)", (bytes, kind) => {
    const result = decodeClientBinary(hex(bytes));
    expect(result).toMatchObject({ ok: false, error: { kind } });
    if (!result.ok) expect(result.error.message).not.toBe("");
  });

  it("rejects a declared length of 0xFFFFFFFF without allocating", () => {
    const result = decodeClientBinary(hex("02 0a 00 00 00 0c 00 00 00 ff ff ff ff 6a"));
    expect(result).toMatchObject({ ok: false, error: { kind: "buffer-too-short" } });
  });
});

describe("client binary encode/decode", () => {
  it("encoders validate ranges", () => {
    expect(() =>
      encodeClientBinary({ op: "messageData", channelId: 2 ** 32, data: new Uint8Array() }),
    ).toThrow(RangeError);
    expect(() => encodeClientBinary({ op: "pingAck", deviceTimestamp: -1n })).toThrow(RangeError);
    expect(() =>
      encodeClientBinary({
        op: "playbackControlRequest",
        command: "stop" as "play",
        playbackSpeed: 1,
        requestId: "",
      }),
    ).toThrow(RangeError);
  });

  it("round-trips every client binary message type, framed and unframed", () => {
    fc.assert(
      fc.property(clientBinaryMessage, (message) => {
        const bytes = encodeClientBinary(message);
        expect(decodeClientBinary(bytes)).toEqual({ ok: true, value: message });
        expect(encodeClientBinaryFrame(message).subarray(5)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});
