import type { GatewayFailure } from "./failure.js";
import { dropLease, failureOf, recordFailure, refuseToken } from "./failure-transitions.js";
import { gatewaySetup } from "./gateway.setup.js";

const watchFailure = ({ event }: { event: { failure: GatewayFailure } }) => event.failure;
const recordWatchFailure = { type: "recordFailure", params: watchFailure } as const;

/** Resume the watch after a short, spread-out pause: a new stream, with the lease if we hold it. */
const rewatch = { target: "#gateway.resuming" } as const;

/**
 * The dormant phase of the on-demand connection (spec 11.4): the device holds a lease on the
 * platform's watch stream, keeps it alive with heartbeats, and waits to be woken for a viewer.
 *
 * - `awaitingHello`: the stream is opening; `hello` must come within `helloTimeout`.
 * - `leased`: two regions. `stream` restarts `readTimeout` on every sign of life and reconnects
 *   when the stream goes silent; `heartbeat` sends one heartbeat per `heartbeatInterval`.
 * - `WATCH.WAKE` leaves for the room with the credentials it carried.
 *
 * Failures: 401 ends the gateway (`refused`); 409 (lease taken) backs off without the lease; a
 * watch that was up for an interval resumes, one that was not backs off; 410 (lease gone), a
 * silent or ended stream and heartbeats that keep failing resume too. Upstream resumes at once;
 * here `resuming` spreads a fleet out first (`resumeSpreadMs` of the retry policy).
 */
export const watchingState = gatewaySetup.createStateConfig({
  // The next watch has to prove itself again.
  exit: "markWatchClosed",
  invoke: {
    id: "watch",
    src: "watch",
    // The platform's id for our sessions, once it gave one: it resumes them.
    input: ({ context }) => ({ remoteAccessSessionId: context.remoteAccessSessionId }),
    onError: { target: "#gateway.backoff", actions: recordFailure },
  },
  on: {
    "WATCH.ENDED": rewatch,
    "WATCH.FAILED": [
      {
        guard: { type: "unauthorized", params: watchFailure },
        target: "#gateway.refused",
        actions: recordWatchFailure,
      },
      {
        guard: { type: "leaseTaken", params: watchFailure },
        target: "#gateway.backoff",
        actions: [recordWatchFailure, ...dropLease],
      },
      { guard: "watchEstablished", ...rewatch, actions: recordWatchFailure },
      { target: "#gateway.backoff", actions: recordWatchFailure },
    ],
  },
  initial: "awaitingHello",
  states: {
    awaitingHello: {
      after: {
        helloTimeout: {
          target: "#gateway.backoff",
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
                  ...rewatch,
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
              entry: "markWatchEstablished",
              invoke: {
                id: "sendHeartbeat",
                src: "sendHeartbeat",
                onDone: { target: "waiting", actions: "recordHeartbeat" },
                onError: [
                  refuseToken,
                  {
                    guard: { type: "leaseTaken", params: failureOf },
                    target: "#gateway.backoff",
                    actions: [recordFailure, ...dropLease],
                  },
                  {
                    guard: { type: "leaseGone", params: failureOf },
                    ...rewatch,
                    actions: [recordFailure, ...dropLease],
                  },
                  {
                    guard: "heartbeatsLapsed",
                    ...rewatch,
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
