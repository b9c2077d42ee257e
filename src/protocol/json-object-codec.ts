/**
 * Object codecs from a field table: each key names its value codec and its presence rule, and
 * the table's order is the wire order. The one table drives writing (key order, which keys are
 * omitted) and reading (missing, `null`, duplicate and ill-typed keys; unknown keys ignored).
 */

import type { JsonCodec } from "./json-codec.js";
import {
  expectObject,
  joinPath,
  lookupField,
  optionalField,
  requiredField,
} from "./json-fields.js";
import type { JsonValue } from "./json-parser.js";
import { jsonString } from "./json-writer.js";

/**
 * When a key is on the wire. A bare codec in a table means `required`: always written, and
 * missing on input is `missing-field`.
 */
type Presence =
  /** Written unless `undefined`; absent or `null` on input is `undefined`. */
  | "optional"
  /** Like `optional`, but an empty array or map is not written either. */
  | "omitEmpty"
  /** Always written (`undefined` writes the default); absent on input is the default. */
  | "defaulted";

/** A field with a presence rule other than `required`. */
export interface FieldSpec<T> {
  readonly codec: JsonCodec<T>;
  readonly presence: Presence;
  /** The value of an absent `defaulted` field (shared, so keep it immutable). */
  readonly fallback: T | undefined;
}

/** A key that may be left out: `undefined` is not written, absent or `null` reads as absent. */
export function optional<T>(codec: JsonCodec<T>): FieldSpec<T> {
  return { codec, presence: "optional", fallback: undefined };
}

/** {@link optional}, and an empty array or map is not written either ("omitted when empty"). */
export function omitEmpty<T extends object>(codec: JsonCodec<T>): FieldSpec<T> {
  return { codec, presence: "omitEmpty", fallback: undefined };
}

/** A key that is always written but may be absent on input, reading as `fallback`. */
export function withDefault<T>(codec: JsonCodec<T>, fallback: T): FieldSpec<T> {
  return { codec, presence: "defaulted", fallback };
}

/**
 * The field table of an object type `T`: every key of `T`, in wire order. Optional properties
 * take {@link optional} or {@link omitEmpty}; required ones a bare codec or {@link withDefault}.
 */
export type JsonFields<T> = {
  readonly [K in keyof T]-?: undefined extends T[K]
    ? FieldSpec<Exclude<T[K], undefined>>
    : JsonCodec<T[K]> | FieldSpec<T[K]>;
};

/** One compiled table row (every row has the same shape, which keeps the loops monomorphic). */
interface Field {
  readonly key: string;
  /** `"key":`, escaped once here instead of on every write. */
  readonly label: string;
  readonly codec: JsonCodec<unknown>;
  readonly presence: Presence | "required";
  readonly fallback: unknown;
}

function compileField(key: string, spec: JsonCodec<unknown> | FieldSpec<unknown>): Field {
  // Integer-like keys would be enumerated first by JS and break the wire order.
  if (/^(0|[1-9]\d*)$/.test(key)) throw new Error(`field key ${key} must not be integer-like`);
  const label = `${jsonString(key)}:`;
  if ("presence" in spec) {
    return { key, label, codec: spec.codec, presence: spec.presence, fallback: spec.fallback };
  }
  return { key, label, codec: spec, presence: "required", fallback: undefined };
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const _ in value as object) return false;
  return true;
}

function encodeObject(fields: readonly Field[], value: Readonly<Record<string, unknown>>): string {
  let out = "{";
  let separator = "";
  for (const field of fields) {
    let item = value[field.key];
    if (item === undefined || (field.presence === "omitEmpty" && isEmpty(item))) {
      if (field.presence === "required") {
        throw new TypeError(`missing required field ${field.label.slice(0, -1)}`);
      }
      if (field.presence !== "defaulted") continue;
      item = field.fallback;
    }
    out += separator + field.label + field.codec.encode(item);
    separator = ",";
  }
  return `${out}}`;
}

function decodeObject(fields: readonly Field[], json: JsonValue, path: string): unknown {
  const object = expectObject(json, path);
  // Only present keys are set (never `undefined`), in table order.
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const key = field.key;
    let raw: JsonValue | undefined;
    if (field.presence === "required") {
      raw = requiredField(object, key, path);
    } else if (field.presence === "defaulted") {
      // Unlike `optional`, `null` is not "absent" here but a type error (serde `default`).
      raw = lookupField(object, key, path);
      if (raw === undefined) {
        out[key] = field.fallback;
        continue;
      }
    } else {
      raw = optionalField(object, key, path);
      if (raw === undefined) continue;
    }
    out[key] = field.codec.decode(raw, joinPath(path, key));
  }
  return out;
}

/**
 * Builds the codec of objects of type `T` from its field table (`objectCodec<T>({...})`; the
 * type argument makes the compiler check the table against `T`). Keys not in the table are
 * ignored on both sides.
 */
export function objectCodec<T extends object>(table: JsonFields<T>): JsonCodec<T> {
  const specs = table as unknown as Record<string, JsonCodec<unknown> | FieldSpec<unknown>>;
  const fields = Object.entries(specs).map(([key, spec]) => compileField(key, spec));
  return {
    encode: (value) => {
      if (typeof value !== "object" || value === null) throw new TypeError("expected an object");
      return encodeObject(fields, value as Readonly<Record<string, unknown>>);
    },
    decode: (json, path) => decodeObject(fields, json, path) as T,
  };
}
