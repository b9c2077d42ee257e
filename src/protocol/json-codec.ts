/**
 * JSON value codecs: one description of a value type that both writes it (compact, byte-exact)
 * and reads it back (strict, serde-like). Object and message codecs are built from these.
 */

import { throwDecode } from "./errors.js";
import {
  expectBool,
  expectMap,
  expectString,
  expectUint,
  mapArray,
  SAFE_MAX,
} from "./json-fields.js";
import type { JsonValue } from "./json-parser.js";
import { jsonBool, jsonSortedMap, jsonString, jsonUint, U32_MAX } from "./json-writer.js";

/** How one value type travels as JSON, in both directions. */
export interface JsonCodec<T> {
  /** Writes `value` as compact JSON; throws `RangeError`/`TypeError` when it cannot be encoded. */
  readonly encode: (value: T) => string;
  /** Reads and validates parsed JSON found at `path`; throws `DecodeFailure`. */
  readonly decode: (json: JsonValue, path: string) => T;
}

/** Any string (escaped as `JSON.stringify` does, which matches the reference). */
export const stringCodec: JsonCodec<string> = {
  encode: (value) => {
    if (typeof value !== "string") throw new TypeError(`expected a string, got ${typeof value}`);
    return jsonString(value);
  },
  decode: expectString,
};

/** `true` / `false`. */
export const boolCodec: JsonCodec<boolean> = {
  encode: (value) => {
    if (typeof value !== "boolean") throw new TypeError(`expected a boolean, got ${typeof value}`);
    return jsonBool(value);
  },
  decode: expectBool,
};

/** An unsigned integer `<= max`, written without fraction or exponent. */
export function uintCodec(max: number): JsonCodec<number> {
  return {
    encode: (value) => jsonUint(value, max),
    decode: (json, path) => expectUint(json, path, max),
  };
}

/** A u32 (client channel ids, service ids, request ids, timestamps). */
export const u32Codec: JsonCodec<number> = uintCodec(U32_MAX);

/** A u64 that is always below 2^53 (server channel ids, spec §7.1). */
export const safeUintCodec: JsonCodec<number> = uintCodec(SAFE_MAX);

/** Exactly the string `literal` (a message's `op`). */
export function literalCodec<S extends string>(literal: S): JsonCodec<S> {
  const encoded = jsonString(literal);
  return {
    encode: (value) => {
      if (value !== literal) throw new TypeError(`expected ${encoded}, got ${String(value)}`);
      return encoded;
    },
    decode: (json, path) => {
      if (json !== literal) {
        throwDecode("invalid-field", `${path}: expected ${encoded}`, path);
      }
      return literal;
    },
  };
}

/** An array whose elements all use `item`. */
export function arrayCodec<T>(item: JsonCodec<T>): JsonCodec<readonly T[]> {
  const encodeItem = item.encode;
  return {
    encode: (items) => {
      if (!Array.isArray(items)) throw new TypeError("expected an array");
      // A plain loop: `advertise` arrays are encoded on warm paths.
      let out = "[";
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out += ",";
        out += encodeItem(items[i] as T);
      }
      return `${out}]`;
    },
    decode: (json, path) => mapArray(json, path, item.decode),
  };
}

/**
 * A string-keyed map whose values use `value`; written with keys in UTF-8 byte order (like the
 * reference's BTreeMap), read into a null-prototype record so any key is plain data.
 */
export function mapCodec<T>(value: JsonCodec<T>): JsonCodec<Readonly<Record<string, T>>> {
  return {
    encode: (map) => jsonSortedMap(map, value.encode),
    decode: (json, path) => expectMap(json, path, value.decode),
  };
}

/** An array of strings. */
export const stringArrayCodec: JsonCodec<readonly string[]> = arrayCodec(stringCodec);

/** A string → string map (channel and server metadata). */
export const stringMapCodec: JsonCodec<Readonly<Record<string, string>>> = mapCodec(stringCodec);
