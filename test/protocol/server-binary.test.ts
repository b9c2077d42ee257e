import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeServerBinary,
  encodeServerBinary,
  encodeServerBinaryFrame,
  type ServerBinaryMessage,
} from "../../src/protocol/index.js";
import { serverBinaryMessage } from "./arbitraries.js";
import { hex, toHex, utf8 } from "./helpers.js";

const KEY_VALUE = utf8('{"key": "value"}');

describe("server binary test vectors (§10.9-10.11, §11.11)", () => {
  it.each<[string, ServerBinaryMessage, string]>([
    [
      "10.9 MessageData (channel 30, log time 1234)",
      { op: "messageData", channelId: 30n, logTime: 1234n, data: KEY_VALUE },
      "01 1e 00 00 00 00 00 00 00 d2 04 00 00 00 00 00 00 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    ],
    [
      "10.10 MessageData with a realistic (BigInt) timestamp",
      {
        op: "messageData",
        channelId: 1n,
        logTime: 1_700_000_000_123_456_789n,
        data: utf8("hello world"),
      },
      "01 01 00 00 00 00 00 00 00 15 cd 85 3d fe 9c 97 17 68 65 6c 6c 6f 20 77 6f 72 6c 64",
    ],
    ["Time", { op: "time", timestamp: 1_234_567_890n }, "02 d2 02 96 49 00 00 00 00"],
    [
      "ServiceCallResponse",
      {
        op: "serviceCallResponse",
        serviceId: 10,
        callId: 12,
        encoding: "json",
        payload: KEY_VALUE,
      },
      "03 0a 00 00 00 0c 00 00 00 04 00 00 00 6a 73 6f 6e 7b 22 6b 65 79 22 3a 20 22 76 61 6c 75 65 22 7d",
    ],
    [
      "FetchAssetResponse success",
      { op: "fetchAssetResponse", requestId: 10, status: "success", data: utf8("data") },
      "04 0a 00 00 00 00 00 00 00 00 64 61 74 61",
    ],
    [
      "FetchAssetResponse error",
      { op: "fetchAssetResponse", requestId: 10, status: "error", errorMessage: "oh no" },
      "04 0a 00 00 00 01 05 00 00 00 6f 68 20 6e 6f",
    ],
    [
      "PlaybackState playing",
      {
        op: "playbackState",
        status: "playing",
        currentTime: 12345n,
        playbackSpeed: 1,
        didSeek: false,
      },
      "05 00 39 30 00 00 00 00 00 00 00 00 80 3f 00 00 00 00 00",
    ],
    [
      "PlaybackState did-seek",
      {
        op: "playbackState",
        status: "playing",
        currentTime: 12345n,
        playbackSpeed: 1,
        didSeek: true,
      },
      "05 00 39 30 00 00 00 00 00 00 00 00 80 3f 01 00 00 00 00",
    ],
    [
      "PlaybackState with request id",
      {
        op: "playbackState",
        status: "playing",
        currentTime: 12345n,
        playbackSpeed: 1,
        didSeek: false,
        requestId: "i-am-a-request",
      },
      "05 00 39 30 00 00 00 00 00 00 00 00 80 3f 00 0e 00 00 00 69 2d 61 6d 2d 61 2d 72 65 71 75 65 73 74",
    ],
    [
      "11.11 Pong (app ts 1 711 500 000 000, device ts 1 711 500 000 042)",
      { op: "pong", appTimestamp: 1_711_500_000_000n, deviceTimeMs: 1_711_500_000_042n },
      "06 00 7b 59 7d 8e 01 00 00 2a 7b 59 7d 8e 01 00 00",
    ],
  ])("%s", (_name, message, bytes) => {
    expect(toHex(encodeServerBinary(message))).toBe(bytes);
    expect(decodeServerBinary(hex(bytes))).toEqual({ ok: true, value: message });
  });

  it("10.9 as a framed ch-30 message (38 bytes)", () => {
    const frame = encodeServerBinaryFrame({
      op: "messageData",
      channelId: 30n,
      logTime: 1234n,
      data: KEY_VALUE,
    });
    expect(toHex(frame)).toBe(
      toHex(
        hex(`
          0000: 02 21 00 00 00 01 1e 00 00 00 00 00 00 00 d2 04
          0010: 00 00 00 00 00 00 7b 22 6b 65 79 22 3a 20 22 76
          0020: 61 6c 75 65 22 7d`),
      ),
    );
  });

  it("PlaybackState covers all status values", () => {
    for (const [byte, status] of [
      [1, "paused"],
      [2, "buffering"],
      [3, "ended"],
    ] as const) {
      const bytes = hex("05 00 39 30 00 00 00 00 00 00 00 00 80 3f 00 00 00 00 00");
      bytes[1] = byte;
      expect(decodeServerBinary(bytes)).toMatchObject({ ok: true, value: { status } });
    }
  });
});

describe("decodeServerBinary errors (§7.5 minimum lengths, statuses, UTF-8)", () => {
  it.each([
    ["", "empty-binary-message"],
    ["ff", "unknown-opcode"],
    ["07", "unknown-opcode"],
    ["01 1e 00 00 00 00 00 00 00 d2 04 00 00 00 00 00", "buffer-too-short"],
    ["02 d2 02 96 49 00 00 00", "buffer-too-short"],
    ["03 0a 00 00 00 0c 00 00 00 04 00 00", "buffer-too-short"],
    ["03 0a 00 00 00 0c 00 00 00 05 00 00 00 6a 73 6f 6e", "buffer-too-short"],
    ["03 0a 00 00 00 0c 00 00 00 ff ff ff ff", "buffer-too-short"],
    ["03 0a 00 00 00 0c 00 00 00 01 00 00 00 ff", "invalid-utf8"],
    ["04 0a 00 00 00 00 00 00 00", "buffer-too-short"],
    ["04 0a 00 00 00 02 00 00 00 00", "invalid-status"],
    ["04 0a 00 00 00 01 01 00 00 00", "buffer-too-short"],
    ["04 0a 00 00 00 01 02 00 00 00 c3 28", "invalid-utf8"],
    ["05 00 39 30 00 00 00 00 00 00 00 00 80 3f 00 00 00 00", "buffer-too-short"],
    ["05 04 39 30 00 00 00 00 00 00 00 00 80 3f 00 00 00 00 00", "invalid-status"],
    ["05 00 39 30 00 00 00 00 00 00 00 00 80 3f 00 02 00 00 00 69", "buffer-too-short"],
    ["06 00 7b 59 7d 8e 01 00 00 2a 7b 59 7d 8e 01 00", "buffer-too-short"],
  ])("%s → %s", (bytes, kind) => {
    const result = decodeServerBinary(hex(bytes));
    expect(result).toMatchObject({ ok: false, error: { kind } });
  });

  it("skips unvalidated message bytes of a successful FetchAssetResponse (as the reference)", () => {
    expect(decodeServerBinary(hex("04 0a 00 00 00 00 01 00 00 00 ff 64"))).toEqual({
      ok: true,
      value: { op: "fetchAssetResponse", requestId: 10, status: "success", data: hex("64") },
    });
  });

  it("returns zero-copy views of the input", () => {
    const bytes = hex("01 1e 00 00 00 00 00 00 00 d2 04 00 00 00 00 00 00 aa bb");
    const result = decodeServerBinary(bytes);
    if (!result.ok || result.value.op !== "messageData") throw new Error("decode failed");
    expect(result.value.data.buffer).toBe(bytes.buffer);
  });
});

describe("server binary encode/decode", () => {
  it("encoders validate ranges", () => {
    expect(() => encodeServerBinary({ op: "time", timestamp: -1n })).toThrow(RangeError);
    expect(() => encodeServerBinary({ op: "time", timestamp: 2n ** 64n })).toThrow(RangeError);
    expect(() =>
      encodeServerBinary({
        op: "fetchAssetResponse",
        requestId: -1,
        status: "success",
        data: new Uint8Array(),
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeServerBinary({
        op: "serviceCallResponse",
        serviceId: 2 ** 32,
        callId: 0,
        encoding: "",
        payload: new Uint8Array(),
      }),
    ).toThrow(RangeError);
  });

  it("round-trips every server binary message type, framed and unframed", () => {
    fc.assert(
      fc.property(serverBinaryMessage, (message) => {
        const bytes = encodeServerBinary(message);
        expect(decodeServerBinary(bytes)).toEqual({ ok: true, value: message });
        const frame = encodeServerBinaryFrame(message);
        expect(frame[0]).toBe(2);
        expect(new DataView(frame.buffer).getUint32(1, true)).toBe(bytes.length);
        expect(frame.subarray(5)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});
