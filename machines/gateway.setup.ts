import { type ActorRefFrom, assign, enqueueActions, setup } from "xstate";
import { clearsCredentials, type GatewayFailure, toFailure } from "./failure.js";
import { callbackNotProvided, promiseNotProvided } from "./not-provided.js";
import { participantMachine } from "./participant.machine.js";
import { type RetryPolicy, resumeDelayMs, retryDelayMs } from "./retry-policy.js";

/** The device as the Foxglove API describes it (fetched once per gateway). */
export interface DeviceSummary {
  id: string;
  name: string;
}

/**
 * How the gateway reaches LiveKit:
 * - `on-demand` (protocol 2.2's default): dormant on the platform's watch stream, joining the room
 *   only when the platform wakes it for a viewer, and leaving once no viewer is left;
 * - `always` (the 0.20 loop): credentials from the API, and in the room all the time.
 */
export type ConnectionMode = "always" | "on-demand";

/**
 * One instance of a remote participant. An identity that rejoins comes back as a new instance with
 * a new `sid`; events about an instance that was replaced must not touch its successor.
 */
export interface ParticipantRef {
  identity: string;
  sid: string;
  /** When the instance joined (ms since the epoch): a newer instance replaces an older one. */
  joinedAtMs: number;
  /** The viewer's `protocolVersion` attribute, when it set one (protocol 2.2). */
  protocolVersion?: string;
}

/** What a successful room connection reports: nothing secret, just who is there. */
export interface RoomJoined {
  /** The gateway's own identity in the room (set by the platform inside the LiveKit token). */
  identity: string;
  /** Remote participants already in the room: they get no join event (spec 5.4). */
  participants: ParticipantRef[];
}

/** Why the last session ended. */
export type SessionEnd = "idle" | "disconnect" | "failure";

export type GatewayEvent =
  | { type: "START" }
  | { type: "STOP" }
  | { type: "RETRY_NOW" }
  | { type: "ROOM.RECONNECTING" }
  | { type: "ROOM.RECONNECTED" }
  | { type: "ROOM.DISCONNECTED"; reason: string }
  | { type: "PARTICIPANT.JOINED"; participant: ParticipantRef }
  | { type: "PARTICIPANT.LEFT"; participant: ParticipantRef }
  /** The watch stream's `hello`: a lease is held (its id stays with the provided actors). */
  | { type: "WATCH.HELLO"; heartbeatIntervalMs: number; deviceWaitForViewerMs: number }
  /** Any sign of life on the watch stream (an event or a keep-alive comment). */
  | { type: "WATCH.ALIVE" }
  /** The platform wants the device in its room (the credentials stay with the provided actors). */
  | { type: "WATCH.WAKE"; remoteAccessSessionId?: string }
  /** The watch stream ended cleanly. */
  | { type: "WATCH.ENDED" }
  /** The watch could not be opened, or broke. */
  | { type: "WATCH.FAILED"; failure: GatewayFailure };

export interface GatewayInput {
  retryPolicy?: RetryPolicy;
}

/** The watch lease, as far as the statechart knows it (the lease id itself is a secret). */
export interface WatchState {
  lease: "none" | "held";
  heartbeatIntervalMs: number;
  deviceWaitForViewerMs: number;
  /** Heartbeats that succeeded on this lease. */
  heartbeats: number;
  /** Heartbeats that failed in a row. */
  misses: number;
}

/**
 * Everything the statechart knows. No secret is ever here: the device token, the LiveKit JWT and
 * the watch lease id live inside the provided actors' closures.
 */
export interface GatewayContext {
  retryPolicy: RetryPolicy;
  /** Consecutive attempts that failed or whose session ended before `minUptimeMs`. */
  attempt: number;
  /** The wait planned on entry to `backoff`. */
  retryDelayMs: number;
  device?: DeviceSummary;
  credentials: "none" | "cached";
  livekitUrl?: string;
  identity?: string;
  /** The remote participants of the current session, in arrival order, one per identity. */
  participants: ParticipantRef[];
  lastError?: GatewayFailure;
  watch: WatchState;
  /** The platform's id for this device's sessions: the first `wake`'s, kept for good. */
  remoteAccessSessionId?: string;
  lastSessionEnd?: SessionEnd;
}

export type ParticipantActor = ActorRefFrom<typeof participantMachine>;

/** The watch state before any `hello`. */
export const NO_WATCH: WatchState = {
  lease: "none",
  heartbeatIntervalMs: 0,
  deviceWaitForViewerMs: 0,
  heartbeats: 0,
  misses: 0,
};

/** How long a watch may take to answer with `hello` (spec 11.4). */
export const HELLO_TIMEOUT_MS = 30_000;
/** Silence on the watch stream for this many heartbeat intervals means it is dead. */
export const READ_TIMEOUT_INTERVALS = 2.5;
/** Heartbeats failing this many times in a row: reconnect the watch (keeping the lease). */
export const MAX_HEARTBEAT_MISSES = 3;

/** Child id of a participant actor: one per participant instance (its SID). */
export function participantChildId(participant: Pick<ParticipantRef, "sid">): string {
  return `participant:${participant.sid}`;
}

/** The current instance of an identity, if any. */
function instanceOf(participants: ParticipantRef[], identity: string): ParticipantRef | undefined {
  return participants.find((p) => p.identity === identity);
}

const statusOf = (error: unknown) => toFailure(error).status;

/**
 * The gateway statechart's vocabulary: its I/O actors (placeholders here, given by
 * `machine.provide()`), and its named actions, guards and delays.
 */
export const gatewaySetup = setup({
  types: {
    context: {} as GatewayContext,
    events: {} as GatewayEvent,
    input: {} as GatewayInput,
  },
  actors: {
    fetchDeviceInfo: promiseNotProvided<DeviceSummary>("fetchDeviceInfo"),
    fetchCredentials: promiseNotProvided<{ url: string }, { deviceId: string }>("fetchCredentials"),
    connectRoom: promiseNotProvided<RoomJoined, { url: string; remoteAccessSessionId?: string }>(
      "connectRoom",
    ),
    roomEvents: callbackNotProvided("roomEvents"),
    sender: callbackNotProvided("sender"),
    participant: participantMachine,
    closeRoom: promiseNotProvided<void>("closeRoom"),
    /** The platform's watch stream: reports what happens to it as `WATCH.*` events. */
    watch: callbackNotProvided<{ remoteAccessSessionId?: string }>("watch"),
    /** One heartbeat for the watch lease. */
    sendHeartbeat: promiseNotProvided<void>("sendHeartbeat"),
  },
  actions: {
    /** Drops the cached LiveKit credentials held by the provided implementation. */
    // (A parameterless function here would break XState's type inference for every action.)
    clearCredentials: (_args) => {},
    /** Forgets the watch lease id held by the provided implementation. */
    forgetLease: (_args) => {},
    markCredentialsCleared: assign({ credentials: "none" }),
    markLeaseDropped: assign({
      watch: ({ context }): WatchState => ({ ...context.watch, lease: "none" }),
    }),
    recordFailure: assign({ lastError: (_, error: unknown) => toFailure(error) }),
    recordDisconnect: assign({
      lastError: (_, reason: string): GatewayFailure => ({
        kind: "room",
        message: `room disconnected (${reason})`,
      }),
      lastSessionEnd: (): SessionEnd => "disconnect",
    }),
    recordSessionEnd: assign({ lastSessionEnd: (_, end: SessionEnd) => end }),
    recordHello: assign({
      watch: (
        { context },
        hello: { heartbeatIntervalMs: number; deviceWaitForViewerMs: number },
      ): WatchState => ({
        ...context.watch,
        lease: "held",
        heartbeatIntervalMs: hello.heartbeatIntervalMs,
        deviceWaitForViewerMs: hello.deviceWaitForViewerMs,
        misses: 0,
      }),
      // A watch that says hello is a success: the next failure starts a fresh schedule.
      attempt: 0,
    }),
    recordHeartbeat: assign({
      watch: ({ context }): WatchState => ({
        ...context.watch,
        heartbeats: context.watch.heartbeats + 1,
        misses: 0,
      }),
    }),
    recordHeartbeatMiss: assign({
      watch: ({ context }): WatchState => ({ ...context.watch, misses: context.watch.misses + 1 }),
    }),
    /** The first session id the platform gives is ours for good. */
    recordWake: assign({
      remoteAccessSessionId: ({ context }, sessionId: string | undefined) =>
        context.remoteAccessSessionId ?? sessionId,
    }),
    planRetry: assign(({ context }) => {
      const attempt = context.attempt + 1;
      const delay = retryDelayMs(context.retryPolicy, attempt, context.lastError?.retryAfterMs);
      return { attempt, retryDelayMs: delay };
    }),
    /** A spread-out pause before the watch is resumed; failures in a row make it grow. */
    planResume: assign(({ context }) => {
      const attempt = context.attempt + 1;
      const delay = resumeDelayMs(context.retryPolicy, attempt, context.lastError?.retryAfterMs);
      return { attempt, retryDelayMs: delay };
    }),
    resetAttempts: assign({ attempt: 0 }),
    welcomeParticipants: enqueueActions(({ enqueue }, participants: ParticipantRef[]) => {
      for (const participant of participants) {
        enqueue.spawnChild("participant", {
          id: participantChildId(participant),
          input: participant,
        });
      }
      enqueue.assign({ participants });
    }),
    addParticipant: enqueueActions(({ enqueue, context }, participant: ParticipantRef) => {
      enqueue.spawnChild("participant", {
        id: participantChildId(participant),
        input: participant,
      });
      enqueue.assign({ participants: [...context.participants, participant] });
    }),
    /** A newer instance of an identity takes its predecessor's place in one step. */
    replaceParticipant: enqueueActions(({ enqueue, context }, participant: ParticipantRef) => {
      const previous = instanceOf(context.participants, participant.identity);
      if (previous) enqueue.stopChild(participantChildId(previous));
      enqueue.spawnChild("participant", {
        id: participantChildId(participant),
        input: participant,
      });
      enqueue.assign({
        participants: context.participants.map((p) =>
          p.identity === participant.identity ? participant : p,
        ),
      });
    }),
    removeParticipant: enqueueActions(({ enqueue, context }, participant: ParticipantRef) => {
      enqueue.stopChild(participantChildId(participant));
      enqueue.assign({
        participants: context.participants.filter((p) => p.sid !== participant.sid),
      });
    }),
    /** No participant actor outlives its session. */
    removeAllParticipants: enqueueActions(({ enqueue, context }) => {
      for (const participant of context.participants) {
        enqueue.stopChild(participantChildId(participant));
      }
      enqueue.assign({ participants: [] });
    }),
  },
  guards: {
    /**
     * Whether the connection is on demand (see {@link ConnectionMode}). The definition's default is
     * the `always` loop; `createGatewayMachine()` provides the configured mode.
     */
    onDemand: (_args) => false,
    hasDeviceInfo: ({ context }) => context.device !== undefined,
    hasCredentials: ({ context }) => context.credentials === "cached",
    hasParticipants: ({ context }) => context.participants.length > 0,
    clearsCredentials: (_, error: unknown) => clearsCredentials(toFailure(error).kind),
    /** The platform refused the device token (401). */
    unauthorized: (_, error: unknown) => statusOf(error) === 401,
    /** Another gateway holds the watch lease (409). */
    leaseTaken: (_, error: unknown) => statusOf(error) === 409,
    /** The platform no longer knows the lease (410). */
    leaseGone: (_, error: unknown) => statusOf(error) === 410,
    /** This miss makes too many in a row. */
    heartbeatsLapsed: ({ context }) => context.watch.misses + 1 >= MAX_HEARTBEAT_MISSES,
    isNewIdentity: ({ context }, participant: ParticipantRef) =>
      instanceOf(context.participants, participant.identity) === undefined,
    /** Another instance of a known identity, joined no earlier: it replaces the one we have. */
    supersedesInstance: ({ context }, participant: ParticipantRef) => {
      const current = instanceOf(context.participants, participant.identity);
      return (
        current !== undefined &&
        current.sid !== participant.sid &&
        participant.joinedAtMs >= current.joinedAtMs
      );
    },
    /** Only the current instance can leave: a late disconnect of a replaced one is ignored. */
    isCurrentInstance: ({ context }, participant: ParticipantRef) =>
      context.participants.some((p) => p.sid === participant.sid),
  },
  delays: {
    retryDelay: ({ context }) => context.retryDelayMs,
    minUptime: ({ context }) => context.retryPolicy.minUptimeMs,
    helloTimeout: HELLO_TIMEOUT_MS,
    heartbeatInterval: ({ context }) => context.watch.heartbeatIntervalMs,
    readTimeout: ({ context }) => context.watch.heartbeatIntervalMs * READ_TIMEOUT_INTERVALS,
    viewerWait: ({ context }) => context.watch.deviceWaitForViewerMs,
  },
});
