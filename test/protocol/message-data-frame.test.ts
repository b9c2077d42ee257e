import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeServerBinaryFrame,
  encodeServerMessageDataFrame,
  MAX_FRAME_PAYLOAD,
  MAX_MESSAGE_DATA_PAYLOAD,
  messageDataFrameSize,
} from "../../src/protocol/index.js";
import { hex, toHex, utf8 } from "./helpers.js";

describe("encodeServerMessageDataFrame (hot path)", () => {
  it("10.9: channel 30, log time 1234 → the 38-byte ch-30 frame", () => {
    const frame = encodeServerMessageDataFrame(30, 1234n, utf8('{"key": "value"}'));
    expect(toHex(frame)).toBe(
      toHex(
        hex(`
          0000: 02 21 00 00 00 01 1e 00 00 00 00 00 00 00 d2 04
          0010: 00 00 00 00 00 00 7b 22 6b 65 79 22 3a 20 22 76
          0020: 61 6c 75 65 22 7d`),
      ),
    );
  });

  it("10.10: realistic nanosecond timestamp survives exactly (BigInt)", () => {
    const frame = encodeServerMessageDataFrame(1, 1_700_000_000_123_456_789n, utf8("hello world"));
    expect(toHex(frame)).toBe(
      toHex(
        hex(`
          0000: 02 1c 00 00 00 01 01 00 00 00 00 00 00 00 15 cd
          0010: 85 3d fe 9c 97 17 68 65 6c 6c 6f 20 77 6f 72 6c
          0020: 64`),
      ),
    );
  });

  it("allocates exactly one buffer of the frame's size and copies the payload", () => {
    const payload = utf8("abc");
    const frame = encodeServerMessageDataFrame(7, 1n, payload);
    expect(frame.byteOffset).toBe(0);
    expect(frame.buffer.byteLength).toBe(messageDataFrameSize(3));
    payload[0] = 0;
    expect(frame[22]).toBe(0x61);
  });

  it("handles channel ids above 2^32 and an empty payload", () => {
    expect(toHex(encodeServerMessageDataFrame(2 ** 53 - 1, 0n, new Uint8Array(0)))).toBe(
      "02 11 00 00 00 01 ff ff ff ff ff ff 1f 00 00 00 00 00 00 00 00 00",
    );
    expect(toHex(encodeServerMessageDataFrame(2n ** 64n - 1n, 2n ** 64n - 1n, hex("aa")))).toBe(
      "02 12 00 00 00 01 ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff aa",
    );
  });

  it("produces the same bytes as the generic server binary frame encoder", () => {
    fc.assert(
      fc.property(
        fc.maxSafeNat(),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ maxLength: 64 }),
        (channelId, logTime, data) => {
          const expected = encodeServerBinaryFrame({
            op: "messageData",
            channelId: BigInt(channelId),
            logTime,
            data,
          });
          expect(encodeServerMessageDataFrame(channelId, logTime, data)).toEqual(expected);
          expect(encodeServerMessageDataFrame(BigInt(channelId), logTime, data)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects out-of-range ids and times", () => {
    const data = new Uint8Array(1);
    expect(() => encodeServerMessageDataFrame(-1, 0n, data)).toThrow(RangeError);
    expect(() => encodeServerMessageDataFrame(1.5, 0n, data)).toThrow(RangeError);
    expect(() => encodeServerMessageDataFrame(2 ** 53, 0n, data)).toThrow(RangeError);
    expect(() => encodeServerMessageDataFrame(-1n, 0n, data)).toThrow(RangeError);
    expect(() => encodeServerMessageDataFrame(1, -1n, data)).toThrow(RangeError);
    expect(() => encodeServerMessageDataFrame(1, 2n ** 64n, data)).toThrow(RangeError);
    expect(() => encodeServerMessageDataFrame(1, 5 as unknown as bigint, data)).toThrow(RangeError);
  });

  it("accepts the largest payload that fits 16 MiB and rejects one byte more", () => {
    expect(MAX_MESSAGE_DATA_PAYLOAD).toBe(MAX_FRAME_PAYLOAD - 17);
    const frame = encodeServerMessageDataFrame(1, 1n, new Uint8Array(MAX_MESSAGE_DATA_PAYLOAD));
    expect(toHex(frame.subarray(0, 5))).toBe("02 00 00 00 01");
    expect(() =>
      encodeServerMessageDataFrame(1, 1n, new Uint8Array(MAX_MESSAGE_DATA_PAYLOAD + 1)),
    ).toThrow(/16 MiB/);
  });
});
