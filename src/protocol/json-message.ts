/** Shared first steps of JSON message decoding: UTF-8 check, parse, read `op`. */

import type { ProtocolResult } from "./errors.js";
import { expectObject, requiredString } from "./json-fields.js";
import { type JsonObject, type JsonValue, parseJson } from "./json-parser.js";
import { decodeUtf8 } from "./utf8.js";

/** Parses JSON text, or UTF-8 bytes holding JSON text (`invalid-utf8` / `invalid-json`). */
export function parseJsonMessage(input: string | Uint8Array): ProtocolResult<JsonValue> {
  if (typeof input === "string") return parseJson(input);
  const text = decodeUtf8(input);
  if (text === undefined) {
    return {
      ok: false,
      error: { kind: "invalid-utf8", message: "JSON message is not valid UTF-8" },
    };
  }
  return parseJson(text);
}

/**
 * Requires a message object with a string `op` (throws DecodeFailure: `invalid-field` for a
 * non-object or non-string op, `missing-field` without op).
 */
export function readOp(value: JsonValue): { object: JsonObject; op: string } {
  const object = expectObject(value, "");
  return { object, op: requiredString(object, "op", "") };
}
