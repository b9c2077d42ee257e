import { and, type ErrorActorEvent } from "xstate";

/** The error carried by an actor's error event, as the params of a named action or guard. */
export const failureOf = ({ event }: { event: ErrorActorEvent }) => event.error;

/** Record the failure an actor ended with. */
export const recordFailure = { type: "recordFailure", params: failureOf } as const;

/**
 * A failed API call or room connection: record it, drop cached credentials when the failure calls
 * for it (spec 5.3), and back off.
 */
export const failAndBackOff = [
  {
    guard: { type: "clearsCredentials", params: failureOf },
    target: "#gateway.backoff",
    actions: [recordFailure, "clearCredentials", "markCredentialsCleared"],
  },
  { target: "#gateway.backoff", actions: recordFailure },
] as const;

/** On demand, a refused device token ends the gateway: nothing else can fix it. */
export const refuseToken = {
  guard: and(["onDemand", { type: "unauthorized", params: failureOf }]),
  target: "#gateway.refused",
  actions: recordFailure,
} as const;

/** Another gateway holds the lease, or the platform forgot it: start over without it. */
export const dropLease = ["forgetLease", "markLeaseDropped"] as const;
