/**
 * A minimal Server-Sent-Events parser, exactly the subset the platform's watch stream needs (spec
 * 11.4): `\n`, `\r\n` and `\r` line endings; only the `event:` and `data:` fields (one optional
 * space after the colon stripped; other fields ignored); several `data:` lines joined with `\n`;
 * `:` comment lines surfaced as keep-alives; a blank line dispatches an event only if it had data;
 * lines that are not valid UTF-8 dropped. Unlike a browser's `EventSource`, memory is bounded.
 *
 * @module
 */

/** One frame of an SSE stream: a dispatched event, or a comment line (a keep-alive). */
export type SseFrame =
  | {
      readonly kind: "event";
      /** The last `event:` field's value; `""` when the event had none. */
      readonly event: string;
      /** The `data:` lines joined with `\n`. */
      readonly data: string;
    }
  | { readonly kind: "comment" };

/** Default bound on one line, terminator excluded, and on one event's `event:` and `data:` lines. */
export const SSE_MAX_BYTES = 1_048_576;

/** Limits of an {@link SseParser}. */
export interface SseParserOptions {
  /** Longest line accepted, in bytes, terminator excluded; default {@link SSE_MAX_BYTES}. */
  readonly maxLineBytes?: number;
  /** Most bytes of `event:` and `data:` lines one event may gather; default {@link SSE_MAX_BYTES}. */
  readonly maxEventBytes?: number;
}

/** A line or an event exceeded the parser's bound. The stream cannot be read on. */
export class SseLimitError extends Error {
  override readonly name = "SseLimitError";

  constructor(
    /** Which bound was exceeded. */
    readonly limit: "line" | "event",
    /** The bound, in bytes. */
    readonly maxBytes: number,
  ) {
    super(`SSE ${limit} exceeds ${maxBytes} bytes`);
  }
}

const LF = 0x0a;
const CR = 0x0d;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A push parser: feed it byte chunks as they arrive, split anywhere, and it returns the frames
 * each chunk completes; call {@link SseParser.end} at a clean end of the stream.
 *
 * @example
 * const parser = new SseParser();
 * parser.feed(bytes("event: hello\ndata: {}\n")); // []
 * parser.feed(bytes("\n")); // [{ kind: "event", event: "hello", data: "{}" }]
 */
export class SseParser {
  readonly #maxLineBytes: number;
  readonly #maxEventBytes: number;
  // The line being read, as the chunk slices it spans (copied: a caller may reuse its buffers).
  #line: Uint8Array[] = [];
  #lineBytes = 0;
  // The previous chunk ended with `\r`: a `\n` opening this one belongs to that terminator.
  #skipLf = false;
  #event = "";
  #data: string[] = [];
  #eventBytes = 0;
  #failure: SseLimitError | undefined;

  constructor(options: SseParserOptions = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? SSE_MAX_BYTES;
    this.#maxEventBytes = options.maxEventBytes ?? SSE_MAX_BYTES;
  }

  /**
   * Parses one chunk; returns the frames it completed, in order.
   *
   * @throws SseLimitError when a line or an event exceeds its bound (then on every later call)
   */
  feed(chunk: Uint8Array): SseFrame[] {
    if (this.#failure !== undefined) throw this.#failure;
    const frames: SseFrame[] = [];
    let start = 0;
    if (this.#skipLf && chunk.length > 0) {
      if (chunk[0] === LF) start = 1;
      this.#skipLf = false;
    }
    for (let i = start; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      this.#append(chunk.subarray(start, i));
      this.#endLine(frames);
      if (byte === CR) {
        // `\r\n` is one terminator; a `\r` at the chunk's end may still be followed by `\n`.
        if (i + 1 === chunk.length) this.#skipLf = true;
        else if (chunk[i + 1] === LF) i++;
      }
      start = i + 1;
    }
    this.#append(chunk.subarray(start));
    return frames;
  }

  /**
   * Ends the stream: an unterminated last line is dropped; an event whose blank line never came is
   * dispatched if it had data (as upstream does at a clean end of stream).
   *
   * @throws SseLimitError if the parser already failed
   */
  end(): SseFrame[] {
    if (this.#failure !== undefined) throw this.#failure;
    this.#line = [];
    this.#lineBytes = 0;
    const frames: SseFrame[] = [];
    this.#dispatch(frames);
    return frames;
  }

  #append(part: Uint8Array): void {
    if (part.length === 0) return;
    this.#lineBytes += part.length;
    if (this.#lineBytes > this.#maxLineBytes) this.#fail("line", this.#maxLineBytes);
    this.#line.push(part.slice());
  }

  #endLine(frames: SseFrame[]): void {
    const bytes = this.#line.length === 1 ? this.#line[0] : concat(this.#line, this.#lineBytes);
    const length = this.#lineBytes;
    this.#line = [];
    this.#lineBytes = 0;
    let line: string;
    try {
      line = bytes === undefined ? "" : utf8.decode(bytes);
    } catch {
      return; // not UTF-8: dropped, as if it never came
    }
    if (line === "") return this.#dispatch(frames);
    if (line.startsWith(":")) {
      frames.push({ kind: "comment" });
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== "event" && field !== "data") return;
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    this.#eventBytes += length;
    if (this.#eventBytes > this.#maxEventBytes) this.#fail("event", this.#maxEventBytes);
    if (field === "event") this.#event = value;
    else this.#data.push(value);
  }

  #dispatch(frames: SseFrame[]): void {
    if (this.#data.length > 0) {
      frames.push({ kind: "event", event: this.#event, data: this.#data.join("\n") });
    }
    // Without data nothing is dispatched, and the event name is forgotten all the same.
    this.#event = "";
    this.#data = [];
    this.#eventBytes = 0;
  }

  #fail(limit: "line" | "event", maxBytes: number): never {
    this.#failure = new SseLimitError(limit, maxBytes);
    this.#line = [];
    this.#data = [];
    throw this.#failure;
  }
}

/**
 * Parses a byte stream into SSE frames as they complete. A clean end of `chunks` ends the
 * iteration (after {@link SseParser.end}'s frames); an error of `chunks` is rethrown as is.
 *
 * @throws SseLimitError when a line or an event exceeds its bound
 */
export async function* parseSse(
  chunks: AsyncIterable<Uint8Array>,
  options?: SseParserOptions,
): AsyncGenerator<SseFrame, void, undefined> {
  const parser = new SseParser(options);
  for await (const chunk of chunks) yield* parser.feed(chunk);
  yield* parser.end();
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
