import type { GatewayFailure } from "./failure.js";
import { dropLease, failureOf, recordFailure, refuseToken } from "./failure-transitions.js";
import { gatewaySetup } from "./gateway.setup.js";

const watchFailure = ({ event }: { event: { failure: GatewayFailure } }) => event.failure;
const recordWatchFailure = { type: "recordFailure", params: watchFailure } as const;

/** Resume the watch after a spread-out pause: a new stream, with the lease if we still hold it. */
const resume = { target: "#gateway.resuming" } as const;

/**
 * The dormant phase of the on-demand connection (spec 11.4): the device holds a lease on the
 * platform's watch stream, keeps it alive with heartbeats, and waits to be woken for a viewer.
 *
 * - `awaitingHello`: the stream is opening; `hello` must come within `helloTimeout`.
 * - `leased`: two regions. `stream` restarts `readTimeout` on every sign of life and reconnects
 *   when the stream goes silent; `heartbeat` sends one heartbeat per `heartbeatInterval`.
 * - `WATCH.WAKE` leaves for the room with the credentials it carried.
 *
 * Failures: 401 ends the gateway (`refused`). Everything else goes to `resuming`, which waits a
 * spread-out delay (`resumeSpreadMs` of the retry policy, or the growing retry delay when watches
 * fail in a row; a server's wait, such as 30 s for a lease taken by another gateway, is a floor)
 * and watches again; a lease taken (409) or gone (410) is dropped first. Upstream resumes a
 * working watch at once and backs off a failing one: here a fleet never returns in one instant.
 */
export const watchingState = gatewaySetup.createStateConfig({
  invoke: {
    id: "watch",
    src: "watch",
    // The platform's id for our sessions, once it gave one: it resumes them.
    input: ({ context }) => ({ remoteAccessSessionId: context.remoteAccessSessionId }),
    onError: { ...resume, actions: recordFailure },
  },
  on: {
    "WATCH.ENDED": resume,
    "WATCH.FAILED": [
      {
        guard: { type: "unauthorized", params: watchFailure },
        target: "#gateway.refused",
        actions: recordWatchFailure,
      },
      {
        guard: { type: "leaseTaken", params: watchFailure },
        ...resume,
        actions: [recordWatchFailure, ...dropLease],
      },
      { ...resume, actions: recordWatchFailure },
    ],
  },
  initial: "awaitingHello",
  states: {
    awaitingHello: {
      after: {
        helloTimeout: {
          ...resume,
          actions: {
            type: "recordFailure",
            params: { kind: "api", message: "the watch stream sent no hello in time" },
          },
        },
      },
      on: {
        "WATCH.HELLO": {
          target: "leased",
          actions: {
            type: "recordHello",
            params: ({ event }) => ({
              heartbeatIntervalMs: event.heartbeatIntervalMs,
              deviceWaitForViewerMs: event.deviceWaitForViewerMs,
            }),
          },
        },
      },
    },
    leased: {
      type: "parallel",
      on: {
        "WATCH.WAKE": {
          target: "#gateway.connecting",
          actions: { type: "recordWake", params: ({ event }) => event.remoteAccessSessionId },
        },
      },
      states: {
        stream: {
          initial: "listening",
          states: {
            listening: {
              after: {
                readTimeout: {
                  ...resume,
                  actions: {
                    type: "recordFailure",
                    params: { kind: "api", message: "the watch stream went silent" },
                  },
                },
              },
              on: { "WATCH.ALIVE": { target: "listening", reenter: true } },
            },
          },
        },
        heartbeat: {
          initial: "waiting",
          states: {
            waiting: {
              after: { heartbeatInterval: "beating" },
            },
            beating: {
              invoke: {
                id: "sendHeartbeat",
                src: "sendHeartbeat",
                onDone: { target: "waiting", actions: "recordHeartbeat" },
                onError: [
                  refuseToken,
                  {
                    guard: { type: "leaseTaken", params: failureOf },
                    ...resume,
                    actions: [recordFailure, ...dropLease],
                  },
                  {
                    guard: { type: "leaseGone", params: failureOf },
                    ...resume,
                    actions: [recordFailure, ...dropLease],
                  },
                  {
                    guard: "heartbeatsLapsed",
                    ...resume,
                    actions: [recordFailure, "recordHeartbeatMiss"],
                  },
                  { target: "waiting", actions: [recordFailure, "recordHeartbeatMiss"] },
                ],
              },
            },
          },
        },
      },
    },
  },
});
