import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeDataTrackFrame,
  encodeDataTrackFrame,
  nextDataTrackSequence,
} from "../../src/protocol/index.js";
import { hex, toHex, utf8 } from "./helpers.js";

describe("data-track frames (§11.2)", () => {
  it("example: sequence 5, payload 'hi' → 00 00 08 00 05 00 00 00 68 69", () => {
    expect(toHex(encodeDataTrackFrame(5, utf8("hi")))).toBe("00 00 08 00 05 00 00 00 68 69");
    expect(decodeDataTrackFrame(hex("00 00 08 00 05 00 00 00 68 69"))).toEqual({
      ok: true,
      value: { flags: 0, sequence: 5, payload: utf8("hi") },
    });
  });

  it("writes the sequence little-endian up to u32 max and wraps when advancing", () => {
    expect(toHex(encodeDataTrackFrame(0xffff_fffe, new Uint8Array(0)))).toBe(
      "00 00 08 00 fe ff ff ff",
    );
    expect(nextDataTrackSequence(0xffff_ffff)).toBe(0);
    expect(nextDataTrackSequence(41)).toBe(42);
    expect(() => encodeDataTrackFrame(2 ** 32, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodeDataTrackFrame(-1, new Uint8Array(0))).toThrow(RangeError);
  });

  it("honours a larger data offset (future header growth)", () => {
    expect(decodeDataTrackFrame(hex("01 00 0a 00 01 00 00 00 ee ee 68 69"))).toEqual({
      ok: true,
      value: { flags: 1, sequence: 1, payload: utf8("hi") },
    });
  });

  it.each([
    ["00 00 08 00 05 00 00", "buffer-too-short"],
    ["00 00 0a 00 05 00 00 00 01", "buffer-too-short"],
    ["00 00 04 00 05 00 00 00", "invalid-field"],
  ])("%s → %s", (bytes, kind) => {
    expect(decodeDataTrackFrame(hex(bytes))).toMatchObject({ ok: false, error: { kind } });
  });

  it("round-trips any sequence and payload", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 0xffff_ffffn }).map(Number),
        fc.uint8Array({ maxLength: 64 }),
        (sequence, payload) => {
          expect(decodeDataTrackFrame(encodeDataTrackFrame(sequence, payload))).toEqual({
            ok: true,
            value: { flags: 0, sequence, payload },
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
