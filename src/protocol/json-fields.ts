/**
 * Typed accessors over parsed JSON for the JSON codecs. They throw {@link DecodeFailure}
 * (caught at each public decoder's boundary) so nested decoders stay linear.
 *
 * Input rules follow the reference (serde): unknown keys are ignored, a missing required key
 * is `missing-field`, a wrong type / negative / fractional / out-of-range number is
 * `invalid-field`, `null` for an optional key means absent, and a duplicated known key is
 * `invalid-field`.
 */

import { throwDecode } from "./errors.js";
import { JsonNumber, JsonObject, type JsonValue } from "./json-parser.js";

/** The largest channel id (and JSON integer) a JS number holds exactly (spec 7.1). */
export const SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** Appends a key to a JSON path for error messages. */
export function joinPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** Appends an array index to a JSON path for error messages. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Names the JSON type of a value, for error messages. */
export function describeJson(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "string") return "string";
  if (value instanceof JsonNumber) return "number";
  if (Array.isArray(value)) return "array";
  return "object";
}

function wrongType(value: JsonValue, expected: string, path: string): never {
  return throwDecode(
    "invalid-field",
    `${path || "message"}: expected ${expected}, got ${describeJson(value)}`,
    path === "" ? undefined : path,
  );
}

/** Requires an object. */
export function expectObject(value: JsonValue, path: string): JsonObject {
  if (value instanceof JsonObject) return value;
  return wrongType(value, "an object", path);
}

/**
 * Returns a field's value as written (`null` included), `undefined` when absent; a duplicated
 * key is `invalid-field`.
 */
export function lookupField(object: JsonObject, key: string, path: string): JsonValue | undefined {
  if (object.duplicates?.has(key)) {
    throwDecode("invalid-field", `${joinPath(path, key)}: duplicate field`, joinPath(path, key));
  }
  return object.entries.get(key);
}

/** Returns a required field's value (which may be `null`); absent → `missing-field`. */
export function requiredField(object: JsonObject, key: string, path: string): JsonValue {
  const value = lookupField(object, key, path);
  if (value === undefined) {
    throwDecode("missing-field", `${joinPath(path, key)}: missing field`, joinPath(path, key));
  }
  return value;
}

/** Returns an optional field's value; absent or `null` → `undefined`. */
export function optionalField(
  object: JsonObject,
  key: string,
  path: string,
): JsonValue | undefined {
  const value = lookupField(object, key, path);
  return value === null ? undefined : value;
}

/** Requires a string. */
export function expectString(value: JsonValue, path: string): string {
  if (typeof value === "string") return value;
  return wrongType(value, "a string", path);
}

/** Requires a boolean. */
export function expectBool(value: JsonValue, path: string): boolean {
  if (typeof value === "boolean") return value;
  return wrongType(value, "a boolean", path);
}

/** Requires an array. */
export function expectArray(value: JsonValue, path: string): JsonValue[] {
  if (Array.isArray(value)) return value;
  return wrongType(value, "an array", path);
}

/**
 * Requires an unsigned integer literal `<= max` (no sign, fraction or exponent: `1.0` and `1e2`
 * are rejected, as serde does for integer fields).
 */
export function expectUint(value: JsonValue, path: string, max: number): number {
  if (!(value instanceof JsonNumber)) return wrongType(value, "an unsigned integer", path);
  const text = value.text;
  if (text.charCodeAt(0) === 0x2d) {
    throwDecode("invalid-field", `${path}: expected an unsigned integer, got ${text}`, path);
  }
  if (!value.isIntegerLiteral) {
    throwDecode("invalid-field", `${path}: expected an integer, got ${text}`, path);
  }
  const n = value.toNumber();
  if (!Number.isSafeInteger(n) || n > max) {
    throwDecode("invalid-field", `${path}: integer ${text} is larger than ${max}`, path);
  }
  return n;
}

/** Maps every element of an array with `decode`, passing the element's path. */
export function mapArray<T>(
  value: JsonValue,
  path: string,
  decode: (item: JsonValue, itemPath: string) => T,
): T[] {
  const items = expectArray(value, path);
  const out = new Array<T>(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = decode(items[i] as JsonValue, indexPath(path, i));
  }
  return out;
}

/**
 * Requires an object whose values all satisfy `decode`; returns a null-prototype record so any
 * key (including `__proto__`) is stored as plain data.
 */
export function expectMap<T>(
  value: JsonValue,
  path: string,
  decode: (item: JsonValue, itemPath: string) => T,
): Record<string, T> {
  const object = expectObject(value, path);
  const out: Record<string, T> = Object.create(null);
  for (const [key, item] of object.entries) {
    out[key] = decode(item, joinPath(path, key));
  }
  return out;
}

/** Required string field. */
export function requiredString(object: JsonObject, key: string, path: string): string {
  return expectString(requiredField(object, key, path), joinPath(path, key));
}
