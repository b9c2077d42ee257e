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

/** What a successful room connection reports: nothing secret, just who is there. */
export interface RoomJoined {
  /** The gateway's own identity in the room (set by the platform inside the LiveKit token). */
  identity: string;
  /** Remote participants already in the room: they get no join event (spec 5.4). */
  participants: string[];
}

export type GatewayEvent =
  | { type: "START" }
  | { type: "STOP" }
  | { type: "RETRY_NOW" }
  | { type: "ROOM.RECONNECTING" }
  | { type: "ROOM.RECONNECTED" }
  | { type: "ROOM.DISCONNECTED"; reason: string }
  | { type: "PARTICIPANT.JOINED"; identity: string }
  | { type: "PARTICIPANT.LEFT"; identity: string };

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
  /** Identities of the remote participants of the current session, in arrival order. */
  participants: string[];
  lastError?: GatewayFailure;
}

export type ParticipantActor = ActorRefFrom<typeof participantMachine>;

/** Child id of a participant actor: one per remote identity, unique within a session. */
export function participantChildId(identity: string): string {
  return `participant:${identity}`;
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
    welcomeParticipants: enqueueActions(({ enqueue }, identities: string[]) => {
      for (const identity of identities) {
        enqueue.spawnChild("participant", {
          id: participantChildId(identity),
          input: { identity },
        });
      }
      enqueue.assign({ participants: identities });
    }),
    addParticipant: enqueueActions(({ enqueue, context }, identity: string) => {
      enqueue.spawnChild("participant", { id: participantChildId(identity), input: { identity } });
      enqueue.assign({ participants: [...context.participants, identity] });
    }),
    removeParticipant: enqueueActions(({ enqueue, context }, identity: string) => {
      enqueue.stopChild(participantChildId(identity));
      enqueue.assign({ participants: context.participants.filter((p) => p !== identity) });
    }),
    /** No participant actor outlives its session. */
    removeAllParticipants: enqueueActions(({ enqueue, context }) => {
      for (const identity of context.participants) enqueue.stopChild(participantChildId(identity));
      enqueue.assign({ participants: [] });
    }),
  },
  guards: {
    hasDeviceInfo: ({ context }) => context.device !== undefined,
    hasCredentials: ({ context }) => context.credentials === "cached",
    clearsCredentials: (_, error: unknown) => clearsCredentials(toFailure(error).kind),
    isNewParticipant: ({ context }, identity: string) => !context.participants.includes(identity),
    isParticipant: ({ context }, identity: string) => context.participants.includes(identity),
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
        "PARTICIPANT.JOINED": {
          guard: { type: "isNewParticipant", params: ({ event }) => event.identity },
          actions: { type: "addParticipant", params: ({ event }) => event.identity },
        },
        "PARTICIPANT.LEFT": {
          guard: { type: "isParticipant", params: ({ event }) => event.identity },
          actions: { type: "removeParticipant", params: ({ event }) => event.identity },
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
