import type { GatewayFailure } from "../../machines/failure.js";
import { isFoxgloveApiError } from "../api/index.js";
import { RoomJoinError } from "../livekit/index.js";
import { redact } from "../redact.js";

/** How long to leave the platform alone after a lease conflict or a maintenance page (as upstream). */
export const PLATFORM_BUSY_WAIT_MS = 30_000;

/**
 * Turns whatever an I/O call threw into the plain failure the statechart records. Messages are
 * scrubbed of the given secrets even when the layer below already did it: this is the last door.
 */
export function toGatewayFailure(error: unknown, secrets: readonly string[]): GatewayFailure {
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  if (isFoxgloveApiError(error)) {
    // A lease held by another gateway, or a maintenance page instead of the watch: upstream waits
    // 30 s; here it is a floor under the retry policy's delay.
    const waitAtLeast =
      error.status === 409 || error.reason === "unexpected-content-type"
        ? PLATFORM_BUSY_WAIT_MS
        : error.retryAfterMs;
    return {
      kind: error.isAuthFailure ? "auth" : "api",
      message,
      ...(error.status !== undefined && { status: error.status }),
      ...(waitAtLeast !== undefined && { retryAfterMs: waitAtLeast }),
    };
  }
  if (error instanceof RoomJoinError) return { kind: "room", message };
  return { kind: "internal", message };
}
