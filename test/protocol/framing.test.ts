import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeBinaryFrame,
  encodeFrame,
  encodeTextFrame,
  FRAME_HEADER_SIZE,
  FrameOpcode,
  isFrameOpcode,
  MAX_FRAME_PAYLOAD,
} from "../../src/protocol/index.js";
import { hex, toHex, utf8 } from "./helpers.js";

describe("framing constants (§6.3, §12)", () => {
  it("matches the spec", () => {
    expect(FRAME_HEADER_SIZE).toBe(5);
    expect(FrameOpcode.Text).toBe(1);
    expect(FrameOpcode.Binary).toBe(2);
    expect(MAX_FRAME_PAYLOAD).toBe(16_777_216);
    expect([0, 1, 2, 3, 255].map(isFrameOpcode)).toEqual([false, true, true, false, false]);
  });
});

describe("frame headers (§10.1)", () => {
  it("Text, 66-byte payload → 01 42 00 00 00", () => {
    const frame = encodeFrame(FrameOpcode.Text, new Uint8Array(66).fill(0x20));
    expect(toHex(frame.subarray(0, 5))).toBe("01 42 00 00 00");
    expect(frame.length).toBe(71);
  });

  it("Text, 466-byte payload → 01 d2 01 00 00", () => {
    const frame = encodeFrame(FrameOpcode.Text, new Uint8Array(466).fill(0x20));
    expect(toHex(frame.subarray(0, 5))).toBe("01 d2 01 00 00");
  });

  it("Binary, 33-byte payload → 02 21 00 00 00", () => {
    const frame = encodeBinaryFrame(new Uint8Array(33).fill(1));
    expect(toHex(frame.subarray(0, 5))).toBe("02 21 00 00 00");
  });

  it("Binary, exactly 16 MiB payload → 02 00 00 00 01 (largest allowed)", () => {
    const frame = encodeBinaryFrame(new Uint8Array(MAX_FRAME_PAYLOAD));
    expect(toHex(frame.subarray(0, 5))).toBe("02 00 00 00 01");
    expect(frame.length).toBe(MAX_FRAME_PAYLOAD + 5);
  });
});

describe("encodeFrame", () => {
  it("copies the payload after the header in one buffer", () => {
    const payload = hex("01 02 03");
    const frame = encodeFrame(FrameOpcode.Binary, payload);
    expect(toHex(frame)).toBe("02 03 00 00 00 01 02 03");
    expect(frame.buffer.byteLength).toBe(8);
    payload[0] = 9;
    expect(frame[5]).toBe(1);
  });

  it("refuses empty payloads", () => {
    expect(() => encodeFrame(FrameOpcode.Text, new Uint8Array(0))).toThrow(/empty/);
    expect(() => encodeTextFrame("")).toThrow(/empty/);
    expect(() => encodeBinaryFrame(new Uint8Array(0))).toThrow(/empty/);
  });

  it("refuses payloads above 16 MiB with a clear error", () => {
    expect(() => encodeBinaryFrame(new Uint8Array(MAX_FRAME_PAYLOAD + 1))).toThrow(
      /16777217 bytes exceeds the 16777216-byte \(16 MiB\) limit/,
    );
  });

  it("refuses unknown opcodes", () => {
    expect(() => encodeFrame(3 as FrameOpcode, new Uint8Array(1))).toThrow(RangeError);
  });

  it("header encodes the length little-endian for any payload size", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (payload) => {
        const frame = encodeFrame(FrameOpcode.Binary, payload);
        const view = new DataView(frame.buffer);
        expect(view.getUint8(0)).toBe(2);
        expect(view.getUint32(1, true)).toBe(payload.length);
        expect(frame.subarray(5)).toEqual(payload);
      }),
      { numRuns: 100 },
    );
  });
});

describe("encodeTextFrame", () => {
  it("encodes the JSON string as UTF-8 directly into the frame", () => {
    const frame = encodeTextFrame('{"op":"x","s":"ü€😀"}');
    const payload = utf8('{"op":"x","s":"ü€😀"}');
    expect(toHex(frame.subarray(0, 5))).toBe(
      `01 ${toHex(new Uint8Array([payload.length]))} 00 00 00`,
    );
    expect(frame.subarray(5)).toEqual(payload);
    expect(frame.buffer.byteLength).toBe(5 + payload.length);
  });

  it("byte length matches TextEncoder for arbitrary strings (including lone surrogates)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 1 }),
        fc.string({ minLength: 1 }),
        (a, b) => {
          const text = `${a}\ud800${b}`;
          const frame = encodeTextFrame(text);
          expect(frame.subarray(5)).toEqual(new TextEncoder().encode(text));
          expect(new DataView(frame.buffer).getUint32(1, true)).toBe(frame.length - 5);
        },
      ),
      { numRuns: 100 },
    );
  });
});
