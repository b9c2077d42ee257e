import type { SnapshotFrom } from "xstate";
import type { FailureKind, GatewayFailure } from "../../machines/failure.js";
import type { DeviceSummary, GatewayMachine } from "../../machines/gateway.machine.js";

/** The top-level states of the gateway statechart. */
export type GatewayState =
  | "idle"
  | "authenticating"
  | "watching"
  | "connecting"
  | "running"
  | "disconnected"
  | "backoff"
  | "stopping"
  | "stopped"
  | "refused";

/** A snapshot of the gateway, for apps and dashboards. Holds no secret. */
export interface GatewayStatus {
  state: GatewayState;
  /** Running, while rtc-node resumes a lost connection on its own. */
  reconnecting: boolean;
  /** Consecutive failed attempts (reset after a session stays up long enough). */
  attempt: number;
  lastError?: { kind: FailureKind; message: string; status?: number };
  /** When the next attempt starts (epoch ms), while in `backoff`. */
  nextRetryAt?: number;
  /** Identities of the remote participants (viewers) of the current session. */
  participants: string[];
  /**
   * Protocol 2.2: the viewers served now, with their round-trip time once they pinged (read when
   * the status is read; RTT changes alone do not call `onStatus` listeners).
   */
  viewers: Array<{ identity: string; rttMs?: number }>;
  device?: DeviceSummary;
  /** The gateway's identity in the LiveKit room. */
  identity?: string;
  /** Messages dropped because the data queue was full, since the gateway started. */
  droppedMessages: number;
}

export type GatewaySnapshot = SnapshotFrom<GatewayMachine>;

/** Reads the status out of a snapshot; `backoffStartedAt` dates the planned retry. */
export function statusOf(snapshot: GatewaySnapshot, backoffStartedAt?: number): GatewayStatus {
  const { context } = snapshot;
  const state = (
    typeof snapshot.value === "string" ? snapshot.value : Object.keys(snapshot.value)[0]
  ) as GatewayState;
  return {
    state,
    reconnecting: snapshot.matches({ running: "reconnecting" }),
    attempt: context.attempt,
    ...(context.lastError && { lastError: describeFailure(context.lastError) }),
    ...(state === "backoff" &&
      backoffStartedAt !== undefined && { nextRetryAt: backoffStartedAt + context.retryDelayMs }),
    participants: context.participants.map((p) => p.identity),
    viewers: [],
    droppedMessages: 0,
    ...(context.device && { device: { ...context.device } }),
    ...(context.identity && { identity: context.identity }),
  };
}

function describeFailure({ kind, message, status }: GatewayFailure): GatewayStatus["lastError"] {
  return { kind, message, ...(status !== undefined && { status }) };
}

/** One human line for a status change. */
export function describeStatus(status: GatewayStatus): string {
  const error = status.lastError
    ? ` after ${status.lastError.kind} failure: ${status.lastError.message}`
    : "";
  switch (status.state) {
    case "backoff": {
      const wait =
        status.nextRetryAt === undefined
          ? ""
          : ` in ${((status.nextRetryAt - Date.now()) / 1000).toFixed(1)} s`;
      return `backoff: attempt ${status.attempt}, retrying${wait}${error}`;
    }
    case "running":
      return status.reconnecting
        ? "running: LiveKit connection lost, rtc-node is reconnecting"
        : `running as ${status.identity ?? "?"} with ${status.participants.length} participant(s)`;
    case "disconnected":
      return `disconnected${error}`;
    default:
      return status.state;
  }
}
