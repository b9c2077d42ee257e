import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeClientBinary,
  decodeClientJson,
  decodeDataTrackFrame,
  decodeServerBinary,
  decodeServerJson,
  encodeClientBinary,
  encodeClientJson,
  encodeServerBinary,
  encodeServerJson,
  type FrameEvent,
  FrameReader,
  type ProtocolErrorKind,
  type ProtocolResult,
  readClientMessages,
} from "../../src/protocol/index.js";
import {
  clientBinaryMessage,
  clientJsonMessage,
  serverBinaryMessage,
  serverJsonMessage,
} from "./arbitraries.js";
import { chunkSource, collect, hex, splitAt, utf8 } from "./helpers.js";

const KINDS: ReadonlySet<ProtocolErrorKind> = new Set<ProtocolErrorKind>([
  "empty-binary-message",
  "unknown-opcode",
  "buffer-too-short",
  "invalid-utf8",
  "invalid-json",
  "unknown-op",
  "missing-field",
  "invalid-field",
  "invalid-status",
  "invalid-base64",
  "missing-schema",
  "frame-too-large",
  "invalid-frame-opcode",
  "read-error",
]);

/** Checks a decoder outcome is either a value with an `op`, or a well-formed typed error. */
function expectWellFormed(result: ProtocolResult<{ op: string }>): void {
  if (result.ok) {
    expect(typeof result.value.op).toBe("string");
  } else {
    expect(KINDS.has(result.error.kind)).toBe(true);
    expect(result.error.message).not.toBe("");
  }
}

/** Random byte edits (overwrite, delete, insert, truncate) of a valid message. */
const mutation = fc.record({
  position: fc.nat(),
  action: fc.constantFrom("overwrite", "delete", "insert", "truncate"),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(
  bytes: Uint8Array,
  edits: readonly { position: number; action: string; byte: number }[],
) {
  let out = Array.from(bytes);
  for (const { position, action, byte } of edits) {
    const at = out.length === 0 ? 0 : position % out.length;
    if (action === "overwrite" && out.length > 0) out[at] = byte;
    else if (action === "delete") out.splice(at, 1);
    else if (action === "insert") out.splice(at, 0, byte);
    else out = out.slice(0, at);
  }
  return new Uint8Array(out);
}

const arbitraryBytes = fc.uint8Array({ maxLength: 64 });

describe("decoders never throw on arbitrary input", () => {
  it("random bytes into every decoder", () => {
    fc.assert(
      fc.property(arbitraryBytes, (bytes) => {
        expectWellFormed(decodeClientJson(bytes));
        expectWellFormed(decodeServerJson(bytes));
        expectWellFormed(decodeClientBinary(bytes));
        expectWellFormed(decodeServerBinary(bytes));
        const track = decodeDataTrackFrame(bytes);
        if (!track.ok) expect(KINDS.has(track.error.kind)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("random text into the JSON decoders", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        expectWellFormed(decodeClientJson(text));
        expectWellFormed(decodeServerJson(text));
      }),
      { numRuns: 300 },
    );
  });

  it("mutated valid JSON messages", () => {
    fc.assert(
      fc.property(
        fc.oneof(clientJsonMessage.map(encodeClientJson), serverJsonMessage.map(encodeServerJson)),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (json, edits) => {
          const bytes = mutate(utf8(json), edits);
          expectWellFormed(decodeClientJson(bytes));
          expectWellFormed(decodeServerJson(bytes));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("mutated valid binary messages", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          clientBinaryMessage.map(encodeClientBinary),
          serverBinaryMessage.map(encodeServerBinary),
        ),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (message, edits) => {
          const bytes = mutate(message, edits);
          expectWellFormed(decodeClientBinary(bytes));
          expectWellFormed(decodeServerBinary(bytes));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("JSON nested far beyond the depth limit is a typed error", () => {
    const deep = `{"op":"setParameters","parameters":[{"name":"x","value":${"[".repeat(100_000)}`;
    expect(decodeClientJson(deep)).toMatchObject({ ok: false, error: { kind: "invalid-json" } });
  });
});

describe("declared lengths are checked before anything is allocated", () => {
  it.each([
    ["ServiceCallRequest encoding length", "c", "02 0a 00 00 00 0c 00 00 00 ff ff ff ff"],
    [
      "PlaybackControlRequest request id",
      "c",
      "03 00 00 00 80 3f 00 00 00 00 00 00 00 00 00 ff ff ff ff",
    ],
    ["ServiceCallResponse encoding length", "s", "03 0a 00 00 00 0c 00 00 00 ff ff ff ff"],
    ["FetchAssetResponse message length", "s", "04 0a 00 00 00 01 ff ff ff ff"],
    ["FetchAssetResponse (success) message length", "s", "04 0a 00 00 00 00 01 00 00 01"],
    ["PlaybackState request id", "s", "05 00 39 30 00 00 00 00 00 00 00 00 80 3f 00 ff ff ff ff"],
  ])("%s of 0xFFFFFFFF / 16 MiB+ → buffer-too-short", (_name, side, bytes) => {
    const before = process.memoryUsage().arrayBuffers;
    const result = side === "c" ? decodeClientBinary(hex(bytes)) : decodeServerBinary(hex(bytes));
    expect(result).toMatchObject({ ok: false, error: { kind: "buffer-too-short" } });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 * 1024 * 1024);
  });
});

describe("the frame reader never throws on arbitrary streams", () => {
  it("arbitrary bytes with arbitrary chunking end in exactly one final event", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 20 }),
        (stream, sizes) => {
          // Mostly small declared lengths, so frames actually complete.
          if (stream.length > 4 && stream[0] !== undefined && stream[0] % 2 === 0) {
            stream[2] = 0;
            stream[3] = 0;
            stream[4] = 0;
          }
          const reader = new FrameReader();
          const events: FrameEvent[] = [];
          for (const chunk of splitAt(stream, sizes)) events.push(...reader.push(chunk));
          const last = reader.end();
          if (last.kind !== "stop") events.push(last);
          const finals = events.filter((e) => e.kind !== "frame");
          expect(finals).toHaveLength(1);
          expect(events.at(-1)).toBe(finals[0]);
          let consumed = 0;
          for (const e of events) if (e.kind === "frame") consumed += 5 + e.frame.payload.length;
          expect(consumed).toBeLessThanOrEqual(stream.length);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("readClientMessages over arbitrary bytes yields only typed events", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 10 }),
        async (stream, sizes) => {
          const events = await collect(readClientMessages(chunkSource(splitAt(stream, sizes))));
          expect(["end", "truncated", "stop"]).toContain(events.at(-1)?.kind);
          for (const event of events.slice(0, -1)) {
            expect(["message", "skip"]).toContain(event.kind);
            if (event.kind === "skip") expect(KINDS.has(event.error.kind)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
