import {
  type ActorRefFrom,
  assign,
  type ErrorActorEvent,
  enqueueActions,
  fromCallback,
  setup,
} from "xstate";
import { clearsCredentials, type GatewayFailure, toFailure } from "./failure.js";
import { callbackNotProvided, promiseNotProvided } from "./not-provided.js";
import { participantMachine } from "./participant.machine.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from "./retry-policy.js";

/** The device as the Foxglove API describes it (fetched once per gateway). */
export interface DeviceSummary {
  id: string;
  name: string;
}

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

export type GatewayEvent =
  | { type: "START" }
  | { type: "STOP" }
  | { type: "RETRY_NOW" }
  | { type: "ROOM.RECONNECTING" }
  | { type: "ROOM.RECONNECTED" }
  | { type: "ROOM.DISCONNECTED"; reason: string }
  | { type: "PARTICIPANT.JOINED"; participant: ParticipantRef }
  | { type: "PARTICIPANT.LEFT"; participant: ParticipantRef };

export interface GatewayInput {
  retryPolicy?: RetryPolicy;
}

/**
 * Everything the statechart knows. No secret is ever here: the device token and the LiveKit JWT
 * live inside the provided actors' closures, and `credentials` only says whether a JWT is cached.
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
}

export type ParticipantActor = ActorRefFrom<typeof participantMachine>;

/** Child id of a participant actor: one per participant instance (its SID). */
export function participantChildId(participant: Pick<ParticipantRef, "sid">): string {
  return `participant:${participant.sid}`;
}

/** The current instance of an identity, if any. */
function instanceOf(participants: ParticipantRef[], identity: string): ParticipantRef | undefined {
  return participants.find((p) => p.identity === identity);
}

/** The error carried by an actor's error event, as the params of a named action or guard. */
const failureOf = ({ event }: { event: ErrorActorEvent }) => event.error;

/**
 * A failed API call or room connection: record it, drop cached credentials when the failure calls
 * for it (spec 5.3), and back off.
 */
const failAndBackOff = [
  {
    guard: { type: "clearsCredentials", params: failureOf },
    target: "#gateway.backoff",
    actions: [
      { type: "recordFailure", params: failureOf },
      "clearCredentials",
      "markCredentialsCleared",
    ],
  },
  { target: "#gateway.backoff", actions: { type: "recordFailure", params: failureOf } },
] as const;

/**
 * The connection controller.
 *
 * idle -> authenticating -> connecting -> running -> disconnected -> backoff -> authenticating ...
 * and, from anywhere, STOP -> stopping -> stopped.
 *
 * Named actors do the I/O and are given by `machine.provide()`:
 * - `fetchDeviceInfo`, `fetchCredentials`: the Foxglove API (aborted when their state is left);
 * - `connectRoom`: joins LiveKit (cannot be aborted: a late success must disconnect itself);
 * - `roomEvents`: forwards the room's events as `ROOM.*` and `PARTICIPANT.*`;
 * - `sender`: the session's outgoing queues; `participant`: one per viewer;
 * - `closeRoom`: bounded teardown of the current room (spec 5.6).
 */
export const gatewayMachine = setup({
  types: {
    context: {} as GatewayContext,
    events: {} as GatewayEvent,
    input: {} as GatewayInput,
  },
  actors: {
    fetchDeviceInfo: promiseNotProvided<DeviceSummary>("fetchDeviceInfo"),
    fetchCredentials: promiseNotProvided<{ url: string }, { deviceId: string }>("fetchCredentials"),
    connectRoom: promiseNotProvided<RoomJoined, { url: string }>("connectRoom"),
    roomEvents: callbackNotProvided("roomEvents"),
    sender: fromCallback<{ type: string }, void>(() => {}),
    participant: participantMachine,
    closeRoom: promiseNotProvided<void>("closeRoom"),
  },
  actions: {
    /** Drops the cached LiveKit credentials held by the provided implementation. */
    // (A parameterless function here would break XState's type inference for every action.)
    clearCredentials: (_args) => {},
    markCredentialsCleared: assign({ credentials: "none" }),
    recordFailure: assign({ lastError: (_, error: unknown) => toFailure(error) }),
    recordDisconnect: assign({
      lastError: (_, reason: string): GatewayFailure => ({
        kind: "room",
        message: `room disconnected (${reason})`,
      }),
    }),
    planRetry: assign(({ context }) => {
      const attempt = context.attempt + 1;
      const delay = retryDelayMs(context.retryPolicy, attempt, context.lastError?.retryAfterMs);
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
    hasDeviceInfo: ({ context }) => context.device !== undefined,
    hasCredentials: ({ context }) => context.credentials === "cached",
    clearsCredentials: (_, error: unknown) => clearsCredentials(toFailure(error).kind),
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
  },
}).createMachine({
  id: "gateway",
  context: ({ input }) => ({
    retryPolicy: input.retryPolicy ?? DEFAULT_RETRY_POLICY,
    attempt: 0,
    retryDelayMs: 0,
    credentials: "none",
    participants: [],
  }),
  initial: "idle",
  on: {
    STOP: ".stopping",
  },
  states: {
    idle: {
      on: { START: "authenticating" },
    },

    authenticating: {
      initial: "checkingDevice",
      states: {
        // Device info is fetched once per gateway, then never again.
        checkingDevice: {
          always: [
            { guard: "hasDeviceInfo", target: "checkingCredentials" },
            { target: "fetchingDeviceInfo" },
          ],
        },
        fetchingDeviceInfo: {
          invoke: {
            id: "fetchDeviceInfo",
            src: "fetchDeviceInfo",
            onDone: {
              target: "checkingCredentials",
              actions: assign({ device: ({ event }) => event.output }),
            },
            onError: failAndBackOff,
          },
        },
        // Cached LiveKit credentials are reused until an API or room failure clears them.
        checkingCredentials: {
          always: [
            { guard: "hasCredentials", target: "#gateway.connecting" },
            { target: "fetchingCredentials" },
          ],
        },
        fetchingCredentials: {
          invoke: {
            id: "fetchCredentials",
            src: "fetchCredentials",
            input: ({ context }) => ({ deviceId: context.device?.id ?? "" }),
            onDone: {
              target: "#gateway.connecting",
              actions: assign({
                credentials: "cached",
                livekitUrl: ({ event }) => event.output.url,
              }),
            },
            onError: failAndBackOff,
          },
        },
      },
    },

    connecting: {
      invoke: {
        id: "connectRoom",
        src: "connectRoom",
        input: ({ context }) => ({ url: context.livekitUrl ?? "" }),
        onDone: {
          target: "running",
          actions: [
            assign({ identity: ({ event }) => event.output.identity }),
            { type: "welcomeParticipants", params: ({ event }) => event.output.participants },
          ],
        },
        onError: failAndBackOff,
      },
    },

    running: {
      invoke: [
        {
          id: "roomEvents",
          src: "roomEvents",
          onError: {
            target: "disconnected",
            actions: { type: "recordFailure", params: failureOf },
          },
        },
        {
          id: "sender",
          src: "sender",
          onError: {
            target: "disconnected",
            actions: { type: "recordFailure", params: failureOf },
          },
        },
      ],
      exit: "removeAllParticipants",
      on: {
        "ROOM.DISCONNECTED": {
          target: "disconnected",
          actions: { type: "recordDisconnect", params: ({ event }) => event.reason },
        },
        "PARTICIPANT.JOINED": [
          {
            guard: { type: "isNewIdentity", params: ({ event }) => event.participant },
            actions: { type: "addParticipant", params: ({ event }) => event.participant },
          },
          {
            guard: { type: "supersedesInstance", params: ({ event }) => event.participant },
            actions: { type: "replaceParticipant", params: ({ event }) => event.participant },
          },
        ],
        "PARTICIPANT.LEFT": {
          guard: { type: "isCurrentInstance", params: ({ event }) => event.participant },
          actions: { type: "removeParticipant", params: ({ event }) => event.participant },
        },
      },
      initial: "connected",
      states: {
        connected: {
          // Only a session that stays connected this long earns a fresh retry schedule.
          after: {
            minUptime: { actions: "resetAttempts" },
          },
          on: { "ROOM.RECONNECTING": "reconnecting" },
        },
        // rtc-node is resuming the connection on its own: shown, not turned into an outer retry.
        reconnecting: {
          on: { "ROOM.RECONNECTED": "connected" },
        },
      },
    },

    // The session is over: tear it down (bounded), keeping cached credentials.
    disconnected: {
      invoke: {
        id: "closeRoom",
        src: "closeRoom",
        onDone: "backoff",
        onError: {
          target: "backoff",
          actions: { type: "recordFailure", params: failureOf },
        },
      },
    },

    backoff: {
      entry: "planRetry",
      after: {
        retryDelay: "authenticating",
      },
      on: {
        RETRY_NOW: "authenticating",
      },
    },

    stopping: {
      invoke: {
        id: "closeRoom",
        src: "closeRoom",
        onDone: "stopped",
        onError: {
          target: "stopped",
          actions: { type: "recordFailure", params: failureOf },
        },
      },
      on: {
        // Absorbs STOP: the root's STOP would re-enter this state and start closing all over again.
        STOP: {},
      },
    },

    stopped: {
      type: "final",
    },
  },
});

export type GatewayMachine = typeof gatewayMachine;
