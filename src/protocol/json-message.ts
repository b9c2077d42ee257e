/** Shared first steps of JSON message decoding: UTF-8 check, parse, read `op`. */

import { catchDecodeFailure, type ProtocolResult } from "./errors.js";
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

/**
 * Decodes one JSON message from text or UTF-8 bytes: parse, read `op`, then `decodeObject`.
 * Never throws: failures are `invalid-utf8`, `invalid-json`, `unknown-op`, `missing-field` or
 * `invalid-field`.
 */
export function decodeJsonMessage<M>(
  input: string | Uint8Array,
  decodeObject: (object: JsonObject, op: string) => M,
): ProtocolResult<M> {
  const parsed = parseJsonMessage(input);
  if (!parsed.ok) return parsed;
  return catchDecodeFailure(() => {
    const { object, op } = readOp(parsed.value);
    return decodeObject(object, op);
  });
}
