import type { SnapshotFrom } from "xstate";
import type { FailureKind, GatewayFailure } from "../../machines/failure.js";
import type {
  ConnectionMode,
  DeviceSummary,
  GatewayMachine,
  SessionEnd,
} from "../../machines/gateway.machine.js";
import type { ProtocolProfile } from "./options.js";

/** The top-level states of the gateway statechart. */
export type GatewayState =
  | "idle"
  | "authenticating"
  | "watching"
  | "connecting"
  | "running"
  | "disconnected"
  | "backoff"
  | "resuming"
  | "stopping"
  | "stopped"
  | "refused";

/**
 * What the gateway is doing, in a user's words:
 * - `starting`: fetching the device's info;
 * - `dormant`: on demand, holding a lease on the platform's watch stream, waiting for a viewer;
 * - `waking`: joining the room (on demand: because a viewer asked);
 * - `serving`: in the room;
 * - `retrying`: waiting before the next attempt, or tearing a session down;
 * - `stopped`; `refused`: the platform refused the device token (on demand, this ends the gateway).
 */
export type GatewayPhase =
  | "starting"
  | "dormant"
  | "waking"
  | "serving"
  | "retrying"
  | "stopped"
  | "refused";

/** The watch lease's health (on demand). */
export interface LeaseHealth {
  held: boolean;
  /** Heartbeats the platform accepted since the gateway started. */
  heartbeats: number;
  /** Heartbeats that failed in a row. */
  misses: number;
  /** When the last heartbeat was accepted (epoch ms). */
  lastHeartbeatAt?: number;
}

/** A snapshot of the gateway, for apps and dashboards. Holds no secret. */
export interface GatewayStatus {
  /** The protocol spoken to viewers. */
  protocol: ProtocolProfile;
  /** How the gateway reaches LiveKit. */
  connection: ConnectionMode;
  state: GatewayState;
  phase: GatewayPhase;
  /** On demand: the watch lease. */
  lease?: LeaseHealth;
  /** Why the last session ended: no viewer left (`idle`), the room went away, or a failure. */
  lastSessionEnd?: SessionEnd;
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

const PHASES: Record<GatewayState, GatewayPhase> = {
  idle: "starting",
  authenticating: "starting",
  watching: "dormant",
  connecting: "waking",
  running: "serving",
  disconnected: "retrying",
  backoff: "retrying",
  resuming: "dormant",
  stopping: "stopped",
  stopped: "stopped",
  refused: "refused",
};

/** What a status says beyond the snapshot: the profile, and when things happened. */
export interface StatusExtras {
  protocol: ProtocolProfile;
  connection: ConnectionMode;
  /** When the planned wait (`backoff`, `resuming`) started (epoch ms). */
  backoffStartedAt?: number;
  /** When the last heartbeat was accepted (epoch ms). */
  lastHeartbeatAt?: number;
}

/** Reads the status out of a snapshot. */
export function statusOf(snapshot: GatewaySnapshot, extras: StatusExtras): GatewayStatus {
  const { backoffStartedAt, lastHeartbeatAt } = extras;
  const { context } = snapshot;
  const state = (
    typeof snapshot.value === "string" ? snapshot.value : Object.keys(snapshot.value)[0]
  ) as GatewayState;
  const { watch } = context;
  return {
    protocol: extras.protocol,
    connection: extras.connection,
    state,
    phase: PHASES[state],
    ...(watch.heartbeatIntervalMs > 0 && {
      lease: {
        held: watch.lease === "held",
        heartbeats: watch.heartbeats,
        misses: watch.misses,
        ...(lastHeartbeatAt !== undefined && { lastHeartbeatAt }),
      },
    }),
    ...(context.lastSessionEnd && { lastSessionEnd: context.lastSessionEnd }),
    reconnecting: snapshot.matches({ running: "reconnecting" }),
    attempt: context.attempt,
    ...(context.lastError && { lastError: describeFailure(context.lastError) }),
    ...((state === "backoff" || state === "resuming") &&
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
    case "watching":
      return status.lease?.held
        ? "dormant: waiting on the platform's watch stream for a viewer"
        : `dormant: opening the platform's watch stream${error}`;
    case "refused":
      return `refused: the platform refused the device token${error}`;
    default:
      return status.state;
  }
}
