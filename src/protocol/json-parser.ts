/**
 * A strict JSON parser (RFC 8259, as strict as serde_json). `JSON.parse` is not used because it
 * loses what the protocol needs: whether a number was written as an integer (`1` vs `1.0`
 * matters for parameters and unsigned fields), integers beyond 2^53, duplicate keys, and safe
 * handling of keys such as `__proto__`.
 */

import { catchDecodeFailure, type ProtocolResult, throwDecode } from "./errors.js";

/**
 * Maximum nesting of arrays/objects, matching serde_json's default recursion limit; it also
 * keeps the recursive descent far away from the JS stack limit on hostile input.
 */
export const MAX_JSON_DEPTH = 128;

/** A JSON number, kept as its literal text so integer/float and large values stay exact. */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  /** True when the literal has no fraction or exponent (e.g. `12`, `-3`, but not `1.0`/`1e2`). */
  get isIntegerLiteral(): boolean {
    for (let i = 0; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 0x2e || c === 0x65 || c === 0x45) return false;
    }
    return true;
  }
  /** The value as a double (nearest representable value). */
  toNumber(): number {
    return Number(this.text);
  }
}

/** A JSON object. Keys keep insertion order; the last duplicate wins, duplicates are recorded. */
export class JsonObject {
  readonly entries = new Map<string, JsonValue>();
  /** Keys that occurred more than once (struct decoders reject these for known fields). */
  duplicates: Set<string> | undefined;
}

/** A parsed JSON value. */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** Parses one JSON document (surrounding whitespace allowed). Never throws. */
export function parseJson(text: string): ProtocolResult<JsonValue> {
  return catchDecodeFailure(() => new Parser(text).parseDocument());
}

// Character codes used by the parser.
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const LEFT_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RIGHT_BRACKET = 0x5d;
const LOWER_E = 0x65;
const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

class Parser {
  private readonly text: string;
  private pos = 0;
  private depth = 0;

  constructor(text: string) {
    this.text = text;
  }

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.error("trailing characters after the JSON value");
    return value;
  }

  private error(what: string): never {
    return throwDecode("invalid-json", `invalid JSON at offset ${this.pos}: ${what}`);
  }

  private skipWhitespace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return;
      this.pos++;
    }
  }

  private parseValue(): JsonValue {
    if (this.pos >= this.text.length) this.error("unexpected end of input");
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case LEFT_BRACE:
        return this.parseObject();
      case LEFT_BRACKET:
        return this.parseArray();
      case QUOTE:
        return this.parseString();
      case 0x74: // t
        return this.parseLiteral("true", true);
      case 0x66: // f
        return this.parseLiteral("false", false);
      case 0x6e: // n
        return this.parseLiteral("null", null);
      default:
        if (c === MINUS || isDigit(c)) return this.parseNumber();
        return this.error("expected a value");
    }
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.error(`expected '${word}'`);
    this.pos += word.length;
    return value;
  }

  private enter(): void {
    this.depth++;
    if (this.depth > MAX_JSON_DEPTH) this.error(`nesting deeper than ${MAX_JSON_DEPTH}`);
  }

  private parseArray(): JsonValue[] {
    this.enter();
    this.pos++; // [
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === RIGHT_BRACKET) {
      this.pos++;
      this.depth--;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.parseValue());
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === COMMA) continue;
      if (c === RIGHT_BRACKET) break;
      this.pos--;
      this.error("expected ',' or ']'");
    }
    this.depth--;
    return items;
  }

  private parseObject(): JsonObject {
    this.enter();
    this.pos++; // {
    const object = new JsonObject();
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === RIGHT_BRACE) {
      this.pos++;
      this.depth--;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== QUOTE) this.error("expected a string key");
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== COLON) this.error("expected ':'");
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue();
      if (object.entries.has(key)) {
        object.duplicates ??= new Set();
        object.duplicates.add(key);
      }
      object.entries.set(key, value);
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === COMMA) continue;
      if (c === RIGHT_BRACE) break;
      this.pos--;
      this.error("expected ',' or '}'");
    }
    this.depth--;
    return object;
  }

  private parseString(): string {
    const text = this.text;
    this.pos++; // opening quote
    let result = "";
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= text.length) this.error("unterminated string");
      const c = text.charCodeAt(this.pos);
      if (c === QUOTE) {
        result += text.slice(runStart, this.pos);
        this.pos++;
        return result;
      }
      if (c < 0x20) this.error("control character in string");
      if (c === BACKSLASH) {
        result += text.slice(runStart, this.pos);
        result += this.parseEscape();
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  /** Parses an escape starting at the backslash; leaves `pos` after it. */
  private parseEscape(): string {
    const c = this.text.charCodeAt(this.pos + 1);
    this.pos += 2;
    switch (c) {
      case 0x22:
        return '"';
      case 0x5c:
        return "\\";
      case 0x2f:
        return "/";
      case 0x62:
        return "\b";
      case 0x66:
        return "\f";
      case 0x6e:
        return "\n";
      case 0x72:
        return "\r";
      case 0x74:
        return "\t";
      case 0x75: {
        const unit = this.parseHex4();
        if (unit >= 0xdc00 && unit <= 0xdfff) this.error("lone trailing surrogate in \\u escape");
        if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
        // A high surrogate must be followed by an escaped low surrogate (strings stay valid
        // Unicode, as in the reference).
        if (
          this.text.charCodeAt(this.pos) !== BACKSLASH ||
          this.text.charCodeAt(this.pos + 1) !== 0x75
        ) {
          this.error("lone leading surrogate in \\u escape");
        }
        this.pos += 2;
        const low = this.parseHex4();
        if (low < 0xdc00 || low > 0xdfff) this.error("invalid low surrogate in \\u escape");
        return String.fromCharCode(unit, low);
      }
      default:
        this.pos -= 2;
        return this.error("invalid escape");
    }
  }

  private parseHex4(): number {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const digit = hexValue(this.text.charCodeAt(this.pos + i));
      if (digit < 0) this.error("invalid \\u escape");
      value = (value << 4) | digit;
    }
    this.pos += 4;
    return value;
  }

  private parseNumber(): JsonNumber {
    const text = this.text;
    const start = this.pos;
    if (text.charCodeAt(this.pos) === MINUS) this.pos++;
    const first = text.charCodeAt(this.pos);
    if (first === ZERO) {
      this.pos++;
    } else if (isDigit(first)) {
      while (isDigit(text.charCodeAt(this.pos))) this.pos++;
    } else {
      this.error("expected a digit");
    }
    if (text.charCodeAt(this.pos) === DOT) {
      this.pos++;
      if (!isDigit(text.charCodeAt(this.pos))) this.error("expected a digit after '.'");
      while (isDigit(text.charCodeAt(this.pos))) this.pos++;
    }
    const e = text.charCodeAt(this.pos);
    if (e === LOWER_E || e === UPPER_E) {
      this.pos++;
      const s = text.charCodeAt(this.pos);
      if (s === PLUS || s === MINUS) this.pos++;
      if (!isDigit(text.charCodeAt(this.pos))) this.error("expected a digit in exponent");
      while (isDigit(text.charCodeAt(this.pos))) this.pos++;
    }
    const literal = text.slice(start, this.pos);
    // Like serde_json, reject literals whose magnitude does not fit a double.
    if (!Number.isFinite(Number(literal))) this.error("number out of range");
    return new JsonNumber(literal);
  }
}
