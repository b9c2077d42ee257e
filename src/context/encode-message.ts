/**
 * Turning what an app passes to `Channel.log` into the bytes every sink receives. Only reached
 * when a channel has subscribers, so nothing here is on the no-subscriber hot path.
 */

/** What `Channel.log` accepts: bytes, text, or (on `json` channels only) a JSON-able object. */
export type LogMessage = Uint8Array | string | object;

const utf8 = new TextEncoder();

/**
 * Encodes one message for a channel whose message encoding is `messageEncoding`.
 *
 * A `Uint8Array` is returned as is (not copied: sinks must not modify it); a string is UTF-8
 * encoded; an object or array is `JSON.stringify`'d, but only for `json` channels, because for any
 * other encoding JSON text would be silently wrong bytes.
 *
 * @example
 * encodeMessage("json", { x: 1 }); // the bytes of '{"x":1}'
 * encodeMessage("protobuf", { x: 1 }); // throws TypeError
 */
export function encodeMessage(messageEncoding: string, message: LogMessage): Uint8Array {
  if (message instanceof Uint8Array) {
    return message;
  }
  if (typeof message === "string") {
    return utf8.encode(message);
  }
  if (typeof message === "object" && message !== null && !isBinary(message)) {
    if (messageEncoding !== "json") {
      throw new TypeError(
        `cannot log an object on a channel whose messageEncoding is "${messageEncoding}": ` +
          `encode it yourself and pass a Uint8Array (objects are only accepted on "json" channels)`,
      );
    }
    const text: string | undefined = JSON.stringify(message);
    // A toJSON() returning undefined (or a function) makes stringify return undefined.
    if (text === undefined) {
      throw new TypeError("cannot log this object: JSON.stringify produced no JSON text");
    }
    return utf8.encode(text);
  }
  throw new TypeError(
    `cannot log a ${describe(message)}: pass a Uint8Array, a string` +
      (messageEncoding === "json" ? ", or an object or array" : ""),
  );
}

// Other binary containers would JSON.stringify into nonsense like {"0":1,"1":2}; refuse them.
function isBinary(value: object): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
