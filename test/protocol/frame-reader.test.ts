import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeFrame,
  type FrameEvent,
  type FrameOpcode,
  FrameReader,
  isFinalEvent,
  MAX_FRAME_PAYLOAD,
  readFrames,
} from "../../src/protocol/index.js";
import { chunkSource, collect, concat, hex, splitAt } from "./helpers.js";

const UNSUBSCRIBE = hex(`
  01 29 00 00 00 7b 22 6f 70 22 3a 22 75 6e 73 75
  62 73 63 72 69 62 65 22 2c 22 63 68 61 6e 6e 65
  6c 49 64 73 22 3a 5b 31 2c 32 2c 33 5d 7d`);
const SUBSCRIBE = hex(`
  01 42 00 00 00 7b 22 6f 70 22 3a 22 73 75 62 73
  63 72 69 62 65 22 2c 22 63 68 61 6e 6e 65 6c 73
  22 3a 5b 7b 22 69 64 22 3a 31 2c 22 72 65 71 75
  65 73 74 56 69 64 65 6f 54 72 61 63 6b 22 3a 66
  61 6c 73 65 7d 5d 7d`);

function frames(events: readonly FrameEvent[]) {
  return events.flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
}

describe("FrameReader (push API)", () => {
  it("10.13: chunks of 3, 50 and 64 bytes yield both frames, then a clean end", () => {
    const stream = concat(UNSUBSCRIBE, SUBSCRIBE);
    expect(stream.length).toBe(117);
    const [a, b, c] = splitAt(stream, [3, 50, 64]) as [Uint8Array, Uint8Array, Uint8Array];
    const reader = new FrameReader();
    expect(reader.push(a)).toEqual([]);
    expect(reader.push(b)).toEqual([
      { kind: "frame", frame: { opcode: 1, payload: UNSUBSCRIBE.subarray(5) } },
    ]);
    expect(reader.push(c)).toEqual([
      { kind: "frame", frame: { opcode: 1, payload: SUBSCRIBE.subarray(5) } },
    ]);
    expect(reader.end()).toEqual({ kind: "end" });
  });

  it("yields several frames from a single chunk", () => {
    const reader = new FrameReader();
    const events = reader.push(concat(UNSUBSCRIBE, SUBSCRIBE, UNSUBSCRIBE));
    expect(frames(events).map((f) => f.payload.length)).toEqual([41, 66, 41]);
    expect(reader.end()).toEqual({ kind: "end" });
  });

  it("10.13: 4 bytes then end → no frame and a silent, distinguishable truncated end", () => {
    const reader = new FrameReader();
    expect(reader.push(UNSUBSCRIBE.subarray(0, 4))).toEqual([]);
    expect(reader.end()).toEqual({ kind: "truncated", receivedBytes: 4, expectedBytes: 5 });
  });

  it("reports an end inside a payload as truncated", () => {
    const reader = new FrameReader();
    expect(reader.push(UNSUBSCRIBE.subarray(0, 8))).toEqual([]);
    expect(reader.end()).toEqual({ kind: "truncated", receivedBytes: 8, expectedBytes: 46 });
  });

  it("10.13: header 03 00 00 00 00 → stop (invalid frame opcode), nothing after is read", () => {
    const reader = new FrameReader();
    const events = reader.push(concat(hex("03 00 00 00 00"), SUBSCRIBE));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "stop", error: { kind: "invalid-frame-opcode" } });
    expect(reader.push(SUBSCRIBE)).toEqual([]);
    expect(reader.end()).toMatchObject({ kind: "stop" });
  });

  it("accepts zero-length frames (the message layer skips them)", () => {
    const reader = new FrameReader();
    expect(reader.push(hex("02 00 00 00 00 01 00 00 00 00"))).toEqual([
      { kind: "frame", frame: { opcode: 2, payload: new Uint8Array(0) } },
      { kind: "frame", frame: { opcode: 1, payload: new Uint8Array(0) } },
    ]);
  });

  it("copies payloads: the caller's chunk is not retained", () => {
    const reader = new FrameReader();
    const chunk = concat(UNSUBSCRIBE);
    const [event] = reader.push(chunk);
    chunk.fill(0);
    expect(event).toEqual({
      kind: "frame",
      frame: { opcode: 1, payload: UNSUBSCRIBE.subarray(5) },
    });
  });

  it("refuses push() after end()", () => {
    const reader = new FrameReader();
    reader.end();
    expect(() => reader.push(new Uint8Array(1))).toThrow();
  });

  it("reassembles any sequence of frames split at arbitrary boundaries", () => {
    const frameArb = fc.record({
      opcode: fc.constantFrom<FrameOpcode>(1, 2),
      payload: fc.uint8Array({ minLength: 1, maxLength: 80 }),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }),
        (input, sizes) => {
          const stream = concat(...input.map((f) => encodeFrame(f.opcode, f.payload)));
          const reader = new FrameReader();
          const events: FrameEvent[] = [];
          for (const chunk of splitAt(stream, sizes)) events.push(...reader.push(chunk));
          events.push(reader.end());
          expect(frames(events)).toEqual(input);
          expect(events.at(-1)).toEqual({ kind: "end" });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("frame length limit (§6.3, §6.6, §10.1)", () => {
  it("accepts exactly 16 MiB (header 02 00 00 00 01), delivered in 1 MiB chunks", () => {
    const stream = new Uint8Array(5 + MAX_FRAME_PAYLOAD);
    stream.set(hex("02 00 00 00 01"));
    stream[5] = 0x01;
    stream[stream.length - 1] = 0x7f;
    const reader = new FrameReader();
    const events: FrameEvent[] = [];
    for (let offset = 0; offset < stream.length; offset += 1 << 20) {
      events.push(...reader.push(stream.subarray(offset, offset + (1 << 20))));
    }
    expect(events).toHaveLength(1);
    const frame = frames(events)[0];
    expect(frame?.opcode).toBe(2);
    expect(frame?.payload.length).toBe(MAX_FRAME_PAYLOAD);
    expect(frame?.payload[0]).toBe(0x01);
    expect(frame?.payload[MAX_FRAME_PAYLOAD - 1]).toBe(0x7f);
    expect(reader.end()).toEqual({ kind: "end" });
  });

  it.each([
    ["16 MiB + 1", "02 01 00 00 01"],
    ["0xFFFFFFFF", "02 ff ff ff ff"],
    ["0xFFFFFFFF with a bad opcode too", "09 ff ff ff ff"],
  ])("rejects a declared length of %s without allocating it", (_name, header) => {
    const before = process.memoryUsage().arrayBuffers;
    const reader = new FrameReader();
    // Split the header to exercise the buffered-header path as well.
    const bytes = hex(header);
    const events = [...reader.push(bytes.subarray(0, 2)), ...reader.push(bytes.subarray(2))];
    expect(events).toEqual([
      { kind: "stop", error: expect.objectContaining({ kind: "frame-too-large" }) },
    ]);
    expect(reader.push(new Uint8Array(1024))).toEqual([]);
    const after = process.memoryUsage().arrayBuffers;
    expect(after - before).toBeLessThan(100 * 1024 * 1024);
  });
});

describe("readFrames (async source)", () => {
  it("10.13 over an async source: two frames then end", async () => {
    const source = chunkSource(splitAt(concat(UNSUBSCRIBE, SUBSCRIBE), [3, 50, 64]));
    const events = await collect(readFrames(source));
    expect(events.map((e) => e.kind)).toEqual(["frame", "frame", "end"]);
    expect(source.state.closed).toBe(false);
  });

  it("stops at a bad opcode and closes the source without pulling more", async () => {
    const source = chunkSource([hex("03 00 00 00 00"), SUBSCRIBE, SUBSCRIBE]);
    const events = await collect(readFrames(source));
    expect(events).toEqual([
      { kind: "stop", error: expect.objectContaining({ kind: "invalid-frame-opcode" }) },
    ]);
    expect(isFinalEvent(events[0] as FrameEvent)).toBe(true);
    expect(source.state.pulled).toBe(1);
    expect(source.state.closed).toBe(true);
  });

  it("turns a failing source into a final read-error stop (never throws)", async () => {
    const failure = new Error("connection reset");
    async function* failing() {
      yield UNSUBSCRIBE;
      yield SUBSCRIBE.subarray(0, 10);
      throw failure;
    }
    const events = await collect(readFrames(failing()));
    expect(events.map((e) => e.kind)).toEqual(["frame", "stop"]);
    expect(events[1]).toMatchObject({ error: { kind: "read-error", cause: failure } });
  });

  it("closes the source when the consumer stops early", async () => {
    const source = chunkSource([UNSUBSCRIBE, SUBSCRIBE]);
    for await (const event of readFrames(source)) {
      expect(event.kind).toBe("frame");
      break;
    }
    expect(source.state.closed).toBe(true);
  });

  it("reports a truncated end when the source ends inside a header", async () => {
    const events = await collect(readFrames(chunkSource([SUBSCRIBE.subarray(0, 4)])));
    expect(events).toEqual([{ kind: "truncated", receivedBytes: 4, expectedBytes: 5 }]);
  });
});

describe("FrameReader memory", () => {
  it("buffers what a peer sent, not what its headers claim", () => {
    // 200 streams each declaring a 16 MiB frame and sending 10 bytes of it: allocating the declared
    // length up front would hold 3.2 GiB.
    const before = process.memoryUsage().arrayBuffers;
    const readers = Array.from({ length: 200 }, () => {
      const reader = new FrameReader();
      reader.push(new Uint8Array([2, 0x00, 0x00, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
      return reader;
    });
    const grown = (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
    expect(grown).toBeLessThan(64);
    expect(readers[0]?.end()).toEqual({
      kind: "truncated",
      receivedBytes: 15,
      expectedBytes: 5 + 16 * 2 ** 20,
    });
  });
});
