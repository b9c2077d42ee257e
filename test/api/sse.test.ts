import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSse, type SseFrame, SseLimitError, SseParser } from "../../src/api/index.js";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

/** Parses `input` fed as one chunk, then ends the stream. */
function parseAll(input: string | Uint8Array, parser = new SseParser()): SseFrame[] {
  const data = typeof input === "string" ? bytes(input) : input;
  return [...parser.feed(data), ...parser.end()];
}

/** Parses `input` split at the given offsets (sorted, deduplicated, in range). */
function parseChunked(input: Uint8Array, cuts: readonly number[]): SseFrame[] {
  const parser = new SseParser();
  const frames: SseFrame[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    frames.push(...parser.feed(input.subarray(at, cut)));
    at = cut;
  }
  frames.push(...parser.feed(input.subarray(at)));
  frames.push(...parser.end());
  return frames;
}

const event = (name: string, data: string): SseFrame => ({ kind: "event", event: name, data });
const comment: SseFrame = { kind: "comment" };

describe("SseParser (spec 11.4)", () => {
  it("parses an event with its name and data", () => {
    expect(parseAll('event: hello\ndata: {"a":1}\n\n')).toEqual([event("hello", '{"a":1}')]);
  });

  it("parses several events in a row", () => {
    expect(parseAll("event: hello\ndata: 1\n\nevent: wake\ndata: 2\n\n")).toEqual([
      event("hello", "1"),
      event("wake", "2"),
    ]);
  });

  it.each([
    ["\\n", "\n"],
    ["\\r\\n", "\r\n"],
    ["\\r", "\r"],
  ])("accepts %s line endings", (_label, eol) => {
    const input = [": ka", "event: hello", "data: x", "", "data: y", "", ""].join(eol);
    expect(parseAll(input)).toEqual([comment, event("hello", "x"), event("", "y")]);
  });

  it("accepts mixed line endings in one stream", () => {
    expect(parseAll("event: a\rdata: 1\r\n\ndata: 2\n\r")).toEqual([
      event("a", "1"),
      event("", "2"),
    ]);
  });

  it("joins several data lines with \\n, keeping empty ones", () => {
    expect(parseAll("data: line1\ndata:\ndata\ndata: line2\n\n")).toEqual([
      event("", "line1\n\n\nline2"),
    ]);
  });

  it("strips exactly one optional space after the colon", () => {
    expect(parseAll("event:wake\ndata:{}\n\nevent:  two\ndata:  x \n\n")).toEqual([
      event("wake", "{}"),
      event(" two", " x "),
    ]);
  });

  it("keeps colons after the first one in the value", () => {
    expect(parseAll("data: a:b: c\n\n")).toEqual([event("", "a:b: c")]);
  });

  it("surfaces each comment line as a keep-alive, whatever it says", () => {
    expect(parseAll(": keepalive\n:\n:: x\nevent: wake\ndata: {}\n\n")).toEqual([
      comment,
      comment,
      comment,
      event("wake", "{}"),
    ]);
  });

  it("a comment inside an event does not dispatch it", () => {
    expect(parseAll("event: e\ndata: 1\n: ping\ndata: 2\n\n")).toEqual([
      comment,
      event("e", "1\n2"),
    ]);
  });

  it("a blank line dispatches only an event that had data, and forgets the name either way", () => {
    expect(parseAll("\n\n\n")).toEqual([]);
    expect(parseAll("event: wake\n\n")).toEqual([]);
    expect(parseAll("event: wake\n\ndata: x\n\n")).toEqual([event("", "x")]);
  });

  it("ignores other fields (id, retry, unknown ones, a line without a colon)", () => {
    expect(parseAll("id: 7\nretry: 10\nfoo: bar\nevent\nEvent: x\nDATA: y\ndata: z\n\n")).toEqual([
      event("", "z"),
    ]);
  });

  it("the last event field wins", () => {
    expect(parseAll("event: a\nevent: b\ndata: 1\n\n")).toEqual([event("b", "1")]);
  });

  it("drops a line that is not valid UTF-8, and only that line", () => {
    const input = new Uint8Array([
      ...bytes("data: a\n"),
      ...bytes("data: "),
      0xff,
      0xfe,
      ...bytes("\nevent: "),
      0xc3, // a truncated two-byte sequence
      ...bytes("\ndata: b\n\n"),
    ]);
    expect(parseAll(input)).toEqual([event("", "a\nb")]);
  });

  it("decodes multi-byte UTF-8 split across chunks", () => {
    const input = bytes("data: héllo ✓ 🦊\n\n");
    for (let cut = 0; cut <= input.length; cut++) {
      expect(parseChunked(input, [cut])).toEqual([event("", "héllo ✓ 🦊")]);
    }
  });

  it("keeps a byte order mark: it is not a field name the parser knows", () => {
    expect(parseAll("\uFEFFdata: x\n\ndata: y\n\n")).toEqual([event("", "y")]);
  });

  it("a \\r at the end of a chunk ends the line at once; a \\n opening the next is skipped", () => {
    const parser = new SseParser();
    expect(parser.feed(bytes("data: x\r"))).toEqual([]);
    // The blank line comes as `\r`: the event is dispatched without waiting for another byte.
    expect(parser.feed(bytes("\r"))).toEqual([event("", "x")]);
    expect(parser.feed(bytes("\n: c\r"))).toEqual([comment]);
    expect(parser.feed(bytes("\n"))).toEqual([]);
    expect(parser.end()).toEqual([]);
  });

  it("at a clean end, an unterminated last line is dropped; a pending event with data is dispatched", () => {
    expect(parseAll("event: wake\ndata: 1\n")).toEqual([event("wake", "1")]);
    expect(parseAll("event: wake\ndata: 1")).toEqual([]);
    expect(parseAll("data: 1\n\ndata: 2")).toEqual([event("", "1")]);
    expect(parseAll(": ka")).toEqual([]);
    expect(parseAll("data: 1\r")).toEqual([event("", "1")]);
  });

  it("copies what it keeps: a caller may reuse its buffer", () => {
    const parser = new SseParser();
    const buffer = bytes("data: ab");
    expect(parser.feed(buffer)).toEqual([]);
    buffer.fill(0x7a);
    expect(parser.feed(bytes("c\n\n"))).toEqual([event("", "abc")]);
  });
});

describe("SseParser memory bounds", () => {
  it("a line over the bound is an error, even before its terminator arrives", () => {
    const parser = new SseParser({ maxLineBytes: 16 });
    expect(parser.feed(bytes("data: 0123456789"))).toEqual([]); // exactly 16: fine so far
    expect(() => parser.feed(bytes("x"))).toThrow(SseLimitError);
    // The parser stays failed.
    expect(() => parser.feed(bytes("\n\n"))).toThrow(/line exceeds 16 bytes/);
    expect(() => parser.end()).toThrow(SseLimitError);
  });

  it("a line exactly at the bound is accepted", () => {
    const parser = new SseParser({ maxLineBytes: 16 });
    expect(parseAll("data: 0123456789\n\n", parser)).toEqual([event("", "0123456789")]);
  });

  it("an event whose lines add up over the bound is an error", () => {
    const parser = new SseParser({ maxEventBytes: 20 });
    expect(parser.feed(bytes("data: 1234\n"))).toEqual([]); // 10
    expect(parser.feed(bytes("data: 5678\n"))).toEqual([]); // 20
    let thrown: unknown;
    try {
      parser.feed(bytes("data: 9\n"));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SseLimitError);
    expect((thrown as SseLimitError).limit).toBe("event");
    expect((thrown as SseLimitError).maxBytes).toBe(20);
  });

  it("the event bound starts over with each event; comments do not count", () => {
    const parser = new SseParser({ maxEventBytes: 12 });
    const frames = parseAll(": a long comment line\ndata: 123456\n\ndata: 654321\n\n", parser);
    expect(frames).toEqual([comment, event("", "123456"), event("", "654321")]);
  });

  it("defaults to 1 MiB", () => {
    const big = "x".repeat(1_048_576 - "data: ".length);
    expect(parseAll(`data: ${big}\n\n`)).toEqual([event("", big)]);
    expect(() => parseAll(`data: ${big}x\n\n`)).toThrow(SseLimitError);
  });
});

describe("SseParser: any chunking gives the same frames", () => {
  const line = fc.oneof(
    fc.constantFrom("", ":", ": keep-alive", "event: hello", "event:wake", "data", "id: 1"),
    fc.string({ maxLength: 12 }).map((text) => `data: ${text.replace(/[\r\n]/g, "")}`),
    fc
      .string({ unit: "grapheme", maxLength: 6 })
      .map((text) => `data:${text.replace(/[\r\n]/g, "")}`),
  );
  const stream = fc
    .array(fc.tuple(line, fc.constantFrom("\n", "\r\n", "\r")), { maxLength: 24 })
    .map((lines) => bytes(lines.map(([text, eol]) => text + eol).join("")));

  it("splitting the bytes anywhere changes nothing", () => {
    fc.assert(
      fc.property(
        stream.chain((input) =>
          fc.tuple(fc.constant(input), fc.array(fc.nat({ max: input.length }), { maxLength: 12 })),
        ),
        ([input, cuts]) => {
          expect(parseChunked(input, cuts)).toEqual(parseAll(input));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("byte-at-a-time feeding changes nothing", () => {
    fc.assert(
      fc.property(stream, (input) => {
        const everyByte = Array.from({ length: input.length }, (_, i) => i);
        expect(parseChunked(input, everyByte)).toEqual(parseAll(input));
      }),
      { numRuns: 200 },
    );
  });

  it("the events are what the lines say (a reference model)", () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 24 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        (lines, eol) => {
          const frames = parseAll(bytes(lines.map((text) => text + eol).join("")));
          expect(frames).toEqual(model(lines));
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** The spec's rules written plainly, over lines already split (all terminated). */
function model(lines: readonly string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  let name = "";
  let data: string[] = [];
  const dispatch = () => {
    if (data.length > 0) frames.push(event(name, data.join("\n")));
    name = "";
    data = [];
  };
  for (const text of lines) {
    if (text === "") dispatch();
    else if (text.startsWith(":")) frames.push(comment);
    else {
      const colon = text.indexOf(":");
      const field = colon < 0 ? text : text.slice(0, colon);
      const raw = colon < 0 ? "" : text.slice(colon + 1);
      const value = raw.startsWith(" ") ? raw.slice(1) : raw;
      if (field === "event") name = value;
      if (field === "data") data.push(value);
    }
  }
  dispatch(); // the end of the stream dispatches a pending event
  return frames;
}

describe("parseSse", () => {
  async function* chunks(...parts: string[]) {
    for (const part of parts) yield bytes(part);
  }

  it("yields frames as the chunks complete them, then the end's", async () => {
    const frames: SseFrame[] = [];
    for await (const frame of parseSse(chunks(": a\nevent: x\nda", "ta: 1\n\ndata: 2\n"))) {
      frames.push(frame);
    }
    expect(frames).toEqual([comment, event("x", "1"), event("", "2")]);
  });

  it("rethrows the source's error", async () => {
    async function* failing() {
      yield bytes("data: 1\n\n");
      throw new Error("reset");
    }
    const frames: SseFrame[] = [];
    await expect(
      (async () => {
        for await (const frame of parseSse(failing())) frames.push(frame);
      })(),
    ).rejects.toThrow("reset");
    expect(frames).toEqual([event("", "1")]);
  });

  it("throws SseLimitError past the bound", async () => {
    const run = async () => {
      for await (const _ of parseSse(chunks("data: ", "x".repeat(40)), { maxLineBytes: 32 })) {
        // nothing comes
      }
    };
    await expect(run()).rejects.toBeInstanceOf(SseLimitError);
  });
});
