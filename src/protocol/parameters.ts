/**
 * Parameter objects (§7.6), shared by `getParameters`/`setParameters`/`parameterValues`.
 *
 * Values are tagged so that an integer (`1`) and a whole-valued float (`1.0`) stay distinct
 * through encode/decode, integers are bigint (i64 range, exact beyond 2^53), and byte arrays
 * are bytes (base64 on the wire).
 */

import { decodeBase64, encodeBase64 } from "./base64.js";
import { throwDecode } from "./errors.js";
import type { JsonCodec } from "./json-codec.js";
import {
  describeJson,
  expectArray,
  expectObject,
  indexPath,
  joinPath,
  requiredString,
} from "./json-fields.js";
import { JsonNumber, JsonObject, type JsonValue } from "./json-parser.js";
import {
  jsonArray,
  jsonBool,
  jsonFloat64,
  jsonInt64,
  jsonObject,
  jsonSortedMap,
  jsonString,
} from "./json-writer.js";

/** The optional type hint of a parameter (needed where JSON alone is ambiguous). */
export type ParameterType = "byte_array" | "float64" | "float64_array";

/** A parameter value. `byteArray` only occurs as the value of a `byte_array` parameter. */
export type ParameterValue =
  | { readonly kind: "integer"; readonly value: bigint }
  | { readonly kind: "float64"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "byteArray"; readonly value: Uint8Array }
  | { readonly kind: "array"; readonly value: readonly ParameterValue[] }
  | { readonly kind: "dict"; readonly value: Readonly<Record<string, ParameterValue>> };

/** A named parameter; `type` and `value` are omitted on the wire when absent. */
export interface Parameter {
  readonly name: string;
  readonly type?: ParameterType;
  readonly value?: ParameterValue;
}

const PARAMETER_TYPES: ReadonlySet<string> = new Set(["byte_array", "float64", "float64_array"]);

function encodeValue(value: ParameterValue, topLevel: boolean, type?: ParameterType): string {
  switch (value.kind) {
    case "integer":
      return jsonInt64(value.value);
    case "float64":
      return jsonFloat64(value.value);
    case "bool":
      return jsonBool(value.value);
    case "string":
      return jsonString(value.value);
    case "byteArray":
      // Without the type hint a base64 string would decode as a plain string.
      if (!topLevel || type !== "byte_array") {
        throw new TypeError('a byteArray value requires a parameter of type "byte_array"');
      }
      return jsonString(encodeBase64(value.value));
    case "array":
      return jsonArray(value.value.map((item) => encodeValue(item, false)));
    case "dict":
      return jsonSortedMap(value.value, (item) => encodeValue(item, false));
  }
}

/**
 * Encodes a parameter as `{"name":…,"type"?:…,"value"?:…}` with the reference's number
 * formatting (integers plain, floats shortest round-trip with `.0`) and sorted dict keys.
 * Throws on values that cannot be represented (non-finite floats, out-of-range integers,
 * a byte array without the `byte_array` type).
 */
export function encodeParameter(parameter: Parameter): string {
  return jsonObject([
    ["name", jsonString(parameter.name)],
    ["type", parameter.type === undefined ? undefined : jsonString(parameter.type)],
    [
      "value",
      parameter.value === undefined
        ? undefined
        : encodeValue(parameter.value, true, parameter.type),
    ],
  ]);
}

const I64_MAX_DIGITS = "9223372036854775807";
const I64_MIN_DIGITS = "9223372036854775808";

/**
 * Classifies a number literal as serde_json + an untagged i64/f64 enum would: an integer
 * literal within i64 is an integer; `-0`, fractions, exponents and integers outside i64 are
 * floats.
 */
function numberValue(number: JsonNumber): ParameterValue {
  const text = number.text;
  if (number.isIntegerLiteral) {
    const negative = text.charCodeAt(0) === 0x2d;
    const digits = negative ? text.slice(1) : text;
    const limit = negative ? I64_MIN_DIGITS : I64_MAX_DIGITS;
    // Compare as digit strings first so a huge literal never reaches BigInt().
    const fits =
      digits.length < limit.length || (digits.length === limit.length && digits <= limit);
    if (fits && text !== "-0") return { kind: "integer", value: BigInt(text) };
  }
  return { kind: "float64", value: number.toNumber() };
}

/** Untagged value conversion (the reference's plain `ParameterValue` deserialization). */
function plainValue(value: JsonValue, path: string): ParameterValue {
  if (value === null) {
    return throwDecode("invalid-field", `${path}: null is not a parameter value`, path);
  }
  if (typeof value === "boolean") return { kind: "bool", value };
  if (typeof value === "string") return { kind: "string", value };
  if (value instanceof JsonNumber) return numberValue(value);
  if (Array.isArray(value)) {
    return { kind: "array", value: value.map((item, i) => plainValue(item, indexPath(path, i))) };
  }
  const dict: Record<string, ParameterValue> = Object.create(null);
  for (const [key, item] of value.entries) dict[key] = plainValue(item, joinPath(path, key));
  return { kind: "dict", value: dict };
}

function floatValue(value: JsonValue, path: string): ParameterValue {
  if (!(value instanceof JsonNumber)) {
    return throwDecode(
      "invalid-field",
      `${path}: expected a number, got ${describeJson(value)}`,
      path,
    );
  }
  return { kind: "float64", value: value.toNumber() };
}

/** Top-level untyped value: arrays mixing integers and floats become float arrays (§7.6). */
function untypedValue(value: JsonValue, path: string): ParameterValue {
  if (!Array.isArray(value)) return plainValue(value, path);
  let hasInt = false;
  let hasFloat = false;
  let hasOther = false;
  for (const item of value) {
    if (item instanceof JsonNumber) {
      if (numberValue(item).kind === "integer") hasInt = true;
      else hasFloat = true;
    } else {
      hasOther = true;
    }
  }
  if ((hasInt || hasFloat) && hasOther) {
    return throwDecode("invalid-field", `${path}: array mixes numbers and non-numbers`, path);
  }
  if (hasInt && hasFloat) {
    return { kind: "array", value: value.map((item, i) => floatValue(item, indexPath(path, i))) };
  }
  return plainValue(value, path);
}

function typedValue(
  type: ParameterType | undefined,
  value: JsonValue,
  path: string,
): ParameterValue {
  if (value === null) {
    return throwDecode("invalid-field", `${path}: null is not a parameter value`, path);
  }
  switch (type) {
    case "float64":
      return floatValue(value, path);
    case "float64_array": {
      const items = expectArray(value, path);
      return { kind: "array", value: items.map((item, i) => floatValue(item, indexPath(path, i))) };
    }
    case "byte_array": {
      if (typeof value !== "string") {
        return throwDecode(
          "invalid-field",
          `${path}: byte_array value must be a base64 string`,
          path,
        );
      }
      const bytes = decodeBase64(value);
      if (bytes === undefined) {
        return throwDecode("invalid-field", `${path}: byte_array value is not valid base64`, path);
      }
      return { kind: "byteArray", value: bytes };
    }
    case undefined:
      return untypedValue(value, path);
  }
}

/**
 * Decodes a parameter object (throws {@link DecodeFailure}; used inside message decoders).
 * Unknown keys are errors here, unlike elsewhere, as in the reference.
 */
export function decodeParameterJson(json: JsonValue, path: string): Parameter {
  const object: JsonObject = expectObject(json, path);
  for (const key of object.entries.keys()) {
    if (key !== "name" && key !== "type" && key !== "value") {
      throwDecode(
        "invalid-field",
        `${joinPath(path, key)}: unknown parameter field`,
        joinPath(path, key),
      );
    }
  }
  const name = requiredString(object, "name", path);
  let type: ParameterType | undefined;
  const rawType = object.entries.get("type");
  if (rawType !== undefined) {
    const typePath = joinPath(path, "type");
    if (typeof rawType !== "string" || !PARAMETER_TYPES.has(rawType)) {
      throwDecode("invalid-field", `${typePath}: unknown parameter type`, typePath);
    }
    type = rawType as ParameterType;
  }
  if (object.duplicates?.has("type") || object.duplicates?.has("value")) {
    throwDecode("invalid-field", `${path}: duplicate parameter field`, path);
  }
  const rawValue = object.entries.get("value");
  const value =
    rawValue === undefined ? undefined : typedValue(type, rawValue, joinPath(path, "value"));
  const parameter: { name: string; type?: ParameterType; value?: ParameterValue } = { name };
  if (type !== undefined) parameter.type = type;
  if (value !== undefined) parameter.value = value;
  return parameter;
}

/** Parameter objects as a field codec of the message tables. */
export const parameterCodec: JsonCodec<Parameter> = {
  encode: encodeParameter,
  decode: decodeParameterJson,
};

/** Convenience: a `byte_array` parameter holding `bytes`. */
export function byteArrayParameter(name: string, bytes: Uint8Array): Parameter {
  return { name, type: "byte_array", value: { kind: "byteArray", value: bytes } };
}

/** Convenience: a `float64` parameter (typed, so a whole value keeps its float type). */
export function float64Parameter(name: string, value: number): Parameter {
  return { name, type: "float64", value: { kind: "float64", value } };
}
