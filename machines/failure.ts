/**
 * What went wrong, as data: errors travel through the statechart as plain objects so that they can
 * be logged, inspected and persisted. Live actors reject with a `GatewayFailure` whose message has
 * already been scrubbed of secrets.
 */
export interface GatewayFailure {
  kind: FailureKind;
  message: string;
  /** HTTP status of an API error, when there was one. */
  status?: number;
  /** The API asked us to wait this long (429/503 with `Retry-After`). */
  retryAfterMs?: number;
}

/**
 * - `auth`: the API refused the device token (401/403).
 * - `api`: any other Foxglove API failure (network, 5xx, malformed response).
 * - `room`: LiveKit refused or lost the room connection.
 * - `stream`, `io`: byte-stream and I/O failures inside a session.
 * - `internal`: a bug; reported, never fatal to the host.
 */
export type FailureKind = "auth" | "api" | "room" | "stream" | "io" | "internal";

/** Spec 5.3: API and room failures drop cached LiveKit credentials; stream and I/O failures keep them. */
export function clearsCredentials(kind: FailureKind): boolean {
  return kind === "auth" || kind === "api" || kind === "room";
}

const KINDS = new Set<string>(["auth", "api", "room", "stream", "io", "internal"]);

/** Reads an actor's error as a `GatewayFailure`; anything unexpected becomes an `internal` failure. */
export function toFailure(error: unknown): GatewayFailure {
  if (isFailure(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "internal", message };
}

function isFailure(value: unknown): value is GatewayFailure {
  if (typeof value !== "object" || value === null) return false;
  const { kind, message } = value as Partial<GatewayFailure>;
  return typeof kind === "string" && KINDS.has(kind) && typeof message === "string";
}
