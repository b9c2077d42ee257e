import {
  type FfiEvent,
  FfiHandle,
  FfiRequest,
  FfiResponse,
  livekitFfiRequest,
  type PartialMessage,
} from "@livekit/rtc-ffi-bindings";

/**
 * Direct access to the native LiveKit runtime that rtc-node drives, for the requests rtc-node 1.1.0
 * does not wrap (data tracks). The runtime and its event callback belong to rtc-node's process-wide
 * `FfiClient`: requests go straight to the bindings, events are read from that client's emitter.
 */

type RequestCase = NonNullable<FfiRequest["message"]["case"]>;
type PartialRequest = NonNullable<PartialMessage<FfiRequest>["message"]>;
type RequestOf<C extends RequestCase> = Extract<PartialRequest, { case: C }>["value"];
type ResponseOf<C extends RequestCase> = Extract<FfiResponse["message"], { case: C }>["value"];

/** The part of rtc-node's `FfiClient` (an EventEmitter, `globalThis._ffiClientInstance`) we use. */
interface FfiEvents {
  on(event: "ffi_event", listener: (event: FfiEvent) => void): unknown;
  off(event: "ffi_event", listener: (event: FfiEvent) => void): unknown;
}

/**
 * Sends one request to the native runtime and returns its synchronous response. Asynchronous
 * requests answer with an `asyncId`; their result comes later as an event.
 *
 * @throws when the runtime rejects the request (e.g. a handle that was already released).
 */
export function ffiRequest<C extends RequestCase>(kind: C, value: RequestOf<C>): ResponseOf<C> {
  const request = new FfiRequest({ message: { case: kind, value } } as PartialMessage<FfiRequest>);
  const response = FfiResponse.fromBinary(livekitFfiRequest(request.toBinary()));
  // Request and response share their case names; anything else means the bindings changed.
  if (response.message.case !== kind) {
    throw new Error(`the LiveKit runtime answered ${response.message.case} to ${kind}`);
  }
  return response.message.value as ResponseOf<C>;
}

/**
 * Listens to every event of the native runtime; returns the function that stops listening.
 *
 * @throws when rtc-node has not started its runtime yet (no room ever connected).
 */
export function onFfiEvent(listener: (event: FfiEvent) => void): () => void {
  const client = (globalThis as { _ffiClientInstance?: FfiEvents })._ffiClientInstance;
  if (!client) throw new Error("rtc-node has not started the LiveKit runtime yet");
  client.on("ffi_event", listener);
  return () => {
    client.off("ffi_event", listener);
  };
}

/** Takes ownership of a native handle named in a response or event. */
export function ownHandle(id: bigint | undefined): FfiHandle {
  if (id === undefined) throw new Error("the LiveKit runtime sent an object without a handle");
  return new FfiHandle(id);
}

/**
 * Releases a native handle. Never throws: after rtc-node's `dispose()` every handle is already
 * gone and releasing one reports an error we have no use for.
 */
export function releaseHandle(handle: FfiHandle): void {
  try {
    handle.dispose();
  } catch {
    // Already released by the runtime's shutdown.
  }
}

/**
 * The name of a protobuf enum value in the style of the Rust SDK's error variants:
 * `DUPLICATE_NAME` becomes `DuplicateName`.
 */
export function enumName(values: Record<number, string>, value: number | undefined): string {
  const name = value === undefined ? undefined : values[value];
  if (!name) return "Unknown";
  return name
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}
