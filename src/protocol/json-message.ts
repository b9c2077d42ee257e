/**
 * JSON messages of one direction as a table `op → fields`: each message is an object whose
 * first key is its `op` literal, followed by the fields of its table entry. The one table
 * serves encoding and decoding; decoding first checks UTF-8, parses, and reads `op`.
 */

import { catchDecodeFailure, type ProtocolResult, throwDecode } from "./errors.js";
import { type JsonCodec, literalCodec } from "./json-codec.js";
import { expectObject, requiredString } from "./json-fields.js";
import { type JsonFields, objectCodec } from "./json-object-codec.js";
import { type JsonValue, parseJson } from "./json-parser.js";
import { decodeUtf8 } from "./utf8.js";

/** Parses JSON text, or UTF-8 bytes holding JSON text (`invalid-utf8` / `invalid-json`). */
function parseJsonMessage(input: string | Uint8Array): ProtocolResult<JsonValue> {
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

/** A message union's table: for every `op`, the fields after `op`, in wire order. */
export type MessageTable<M extends { readonly op: string }> = {
  readonly [Op in M["op"]]: JsonFields<Omit<Extract<M, { readonly op: Op }>, "op">>;
};

/** The codec of one direction's JSON messages. */
export interface JsonMessageCodec<M> {
  /** Compact JSON, `op` first; throws on values that cannot be encoded. */
  readonly encode: (message: M) => string;
  /**
   * Decodes text or UTF-8 bytes. Never throws: failures are `invalid-utf8`, `invalid-json`,
   * `unknown-op`, `missing-field` or `invalid-field`.
   */
  readonly decode: (input: string | Uint8Array) => ProtocolResult<M>;
}

/**
 * Builds the codec of a message union from its table; `direction` ("client"/"server") only
 * names the side in unknown-op errors.
 */
export function jsonMessageCodec<M extends { readonly op: string }>(
  direction: string,
  table: MessageTable<M>,
): JsonMessageCodec<M> {
  // A Map, so that ops such as "__proto__" or "toString" are merely unknown.
  const codecs = new Map<string, JsonCodec<M>>();
  for (const [op, fields] of Object.entries<object>(table)) {
    codecs.set(op, objectCodec<M>({ op: literalCodec(op), ...fields } as JsonFields<M>));
  }
  const unknownOp = `unknown ${direction} op`;

  return {
    encode: (message) => {
      const codec = codecs.get(message.op);
      if (codec === undefined) throw new TypeError(`${unknownOp} ${JSON.stringify(message.op)}`);
      return codec.encode(message);
    },
    decode: (input) => {
      const parsed = parseJsonMessage(input);
      if (!parsed.ok) return parsed;
      return catchDecodeFailure(() => {
        // `op` is read first so that a missing or ill-typed op is reported as such.
        const object = expectObject(parsed.value, "");
        const op = requiredString(object, "op", "");
        const codec = codecs.get(op);
        if (codec === undefined) {
          return throwDecode("unknown-op", `${unknownOp} ${JSON.stringify(op)}`, "op");
        }
        return codec.decode(object, "");
      });
    },
  };
}
