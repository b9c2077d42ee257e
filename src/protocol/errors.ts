/**
 * Typed decode errors. Decoders in this layer never throw on bad input; they return a
 * {@link ProtocolResult} whose failure branch carries one of these errors.
 */

/**
 * The closed set of reasons a decode (or a stream read) can fail.
 *
 * - `empty-binary-message`: a binary payload with no opcode byte.
 * - `unknown-opcode`: a binary message opcode this direction does not define.
 * - `buffer-too-short`: a binary message shorter than its layout (or a declared inner length) needs.
 * - `invalid-utf8`: bytes that must be UTF-8 (JSON text, encodings, request ids) are not.
 * - `invalid-json`: the text is not a single well-formed JSON value (includes the nesting limit).
 * - `unknown-op`: a JSON message whose `op` is not defined for this direction.
 * - `missing-field`: a required JSON key is absent.
 * - `invalid-field`: a JSON value has the wrong type or range, or is a duplicate key.
 * - `invalid-status`: a binary status/command byte outside its defined values.
 * - `invalid-base64`: text that must be canonical standard base64 is not.
 * - `missing-schema`: a channel whose message encoding requires a schema has none (§8.2).
 * - `frame-too-large`: a frame header declares more than 16 MiB (§6.6: stop reading).
 * - `invalid-frame-opcode`: a frame opcode other than Text (1) or Binary (2) (§6.6: stop reading).
 * - `read-error`: the byte source itself failed (§6.6 "other read error": stop reading).
 */
export type ProtocolErrorKind =
  | "empty-binary-message"
  | "unknown-opcode"
  | "buffer-too-short"
  | "invalid-utf8"
  | "invalid-json"
  | "unknown-op"
  | "missing-field"
  | "invalid-field"
  | "invalid-status"
  | "invalid-base64"
  | "missing-schema"
  | "frame-too-large"
  | "invalid-frame-opcode"
  | "read-error";

/** A decode failure: a machine-readable `kind` plus a human-readable `message`. */
export interface ProtocolError {
  readonly kind: ProtocolErrorKind;
  readonly message: string;
  /** For JSON errors: where in the document the problem is, e.g. `channels[0].id`. */
  readonly path?: string;
  /** For `read-error`: whatever the byte source threw. */
  readonly cause?: unknown;
}

/** Outcome of a decoder: either the decoded value or a typed error, never an exception. */
export type ProtocolResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ProtocolError };

/** Wraps a successfully decoded value. */
export function ok<T>(value: T): ProtocolResult<T> {
  return { ok: true, value };
}

/** Builds a failed result. */
export function fail<T = never>(
  kind: ProtocolErrorKind,
  message: string,
  path?: string,
): ProtocolResult<T> {
  return { ok: false, error: protocolError(kind, message, path) };
}

/** Builds a {@link ProtocolError} (omitting `path` when not given, so errors compare cleanly). */
export function protocolError(
  kind: ProtocolErrorKind,
  message: string,
  path?: string,
): ProtocolError {
  return path === undefined ? { kind, message } : { kind, message, path };
}

/**
 * Internal control-flow exception used by nested decoders so they need not thread results
 * through every level. It never escapes a public decoder: {@link catchDecodeFailure} converts it.
 */
export class DecodeFailure extends Error {
  readonly error: ProtocolError;
  constructor(error: ProtocolError) {
    super(error.message);
    this.name = "DecodeFailure";
    this.error = error;
  }
}

/** Throws a {@link DecodeFailure}; for use inside decoders wrapped by {@link catchDecodeFailure}. */
export function throwDecode(kind: ProtocolErrorKind, message: string, path?: string): never {
  throw new DecodeFailure(protocolError(kind, message, path));
}

/** Runs a throwing decoder body and turns a {@link DecodeFailure} into a failed result. */
export function catchDecodeFailure<T>(body: () => T): ProtocolResult<T> {
  try {
    return ok(body());
  } catch (e) {
    if (e instanceof DecodeFailure) return { ok: false, error: e.error };
    throw e;
  }
}
