import { assign } from "xstate";
import { failAndBackOff, failureOf, recordFailure, refuseToken } from "./failure-transitions.js";
import { gatewaySetup, NO_WATCH } from "./gateway.setup.js";
import { DEFAULT_RETRY_POLICY } from "./retry-policy.js";
import { runningState } from "./running.state.js";
import { watchingState } from "./watching.state.js";

export * from "./gateway.setup.js";

/**
 * The connection controller.
 *
 * On demand (protocol 2.2's default): idle -> authenticating (device info, once) -> watching (dormant
 * on the platform's watch stream) -> connecting (woken for a viewer) -> running -> disconnected
 * (idle, room lost) -> watching ...
 *
 * Always (the 0.20 loop): idle -> authenticating (device info, then LiveKit credentials) ->
 * connecting -> running -> disconnected -> backoff -> authenticating ...
 *
 * From anywhere, STOP -> stopping -> stopped; on demand, a refused device token ends in `refused`.
 * Named actors do the I/O and are given by `machine.provide()`:
 * - `fetchDeviceInfo`, `fetchCredentials`: the Foxglove API (aborted when their state is left);
 * - `watch`, `sendHeartbeat`: the platform's watch stream and its lease;
 * - `connectRoom`: joins LiveKit (cannot be aborted: a late success must disconnect itself);
 * - `roomEvents`: forwards the room's events as `ROOM.*` and `PARTICIPANT.*`;
 * - `sender`: the session's outgoing queues; `participant`: one per viewer;
 * - `closeRoom`: bounded teardown of the current room (spec 5.6).
 */
export const gatewayMachine = gatewaySetup.createMachine({
  id: "gateway",
  context: ({ input }) => ({
    retryPolicy: input.retryPolicy ?? DEFAULT_RETRY_POLICY,
    attempt: 0,
    retryDelayMs: 0,
    credentials: "none",
    participants: [],
    watch: NO_WATCH,
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
            { guard: "hasDeviceInfo", target: "choosingPath" },
            { target: "fetchingDeviceInfo" },
          ],
        },
        fetchingDeviceInfo: {
          invoke: {
            id: "fetchDeviceInfo",
            src: "fetchDeviceInfo",
            onDone: {
              target: "choosingPath",
              actions: assign({ device: ({ event }) => event.output }),
            },
            onError: [refuseToken, ...failAndBackOff],
          },
        },
        // On demand, the platform hands out credentials when it wakes us: go and watch.
        choosingPath: {
          always: [
            { guard: "onDemand", target: "#gateway.watching" },
            { target: "checkingCredentials" },
          ],
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

    watching: watchingState,

    connecting: {
      invoke: {
        id: "connectRoom",
        src: "connectRoom",
        input: ({ context }) => ({
          url: context.livekitUrl ?? "",
          remoteAccessSessionId: context.remoteAccessSessionId,
        }),
        onDone: {
          target: "running",
          actions: [
            assign({ identity: ({ event }) => event.output.identity }),
            { type: "welcomeParticipants", params: ({ event }) => event.output.participants },
          ],
        },
        onError: [
          // On demand, a failed join goes straight back to the watch: the platform wakes us again.
          { guard: "onDemand", target: "watching", actions: recordFailure },
          ...failAndBackOff,
        ],
      },
    },

    running: runningState,

    // The session is over: tear it down (bounded), keeping cached credentials.
    disconnected: {
      invoke: {
        id: "closeRoom",
        src: "closeRoom",
        onDone: [{ guard: "onDemand", target: "watching" }, { target: "backoff" }],
        onError: [
          { guard: "onDemand", target: "watching", actions: recordFailure },
          { target: "backoff", actions: { type: "recordFailure", params: failureOf } },
        ],
      },
    },

    // A watch that was working dropped: resume it after a short pause, spread across a fleet.
    resuming: {
      entry: "planResume",
      after: {
        retryDelay: "watching",
      },
      on: {
        RETRY_NOW: "watching",
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

    // The platform refused the device token (401): retrying cannot help, so the gateway ends.
    refused: {
      type: "final",
    },
  },
});

export type GatewayMachine = typeof gatewayMachine;
