import type { GatewayFailure } from "../../machines/failure.js";
import { isFoxgloveApiError } from "../api/index.js";
import { RoomJoinError } from "../livekit/index.js";
import { redact } from "../redact.js";

/**
 * Turns whatever an I/O call threw into the plain failure the statechart records. Messages are
 * scrubbed of the given secrets even when the layer below already did it: this is the last door.
 */
export function toGatewayFailure(error: unknown, secrets: readonly string[]): GatewayFailure {
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  if (isFoxgloveApiError(error)) {
    return {
      kind: error.isAuthFailure ? "auth" : "api",
      message,
      ...(error.status !== undefined && { status: error.status }),
      ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    };
  }
  if (error instanceof RoomJoinError) return { kind: "room", message };
  return { kind: "internal", message };
}
