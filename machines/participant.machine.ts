import { assign, type ErrorActorEvent, setup } from "xstate";
import { type GatewayFailure, toFailure } from "./failure.js";
import { callbackNotProvided } from "./not-provided.js";

/** The participant instance this actor serves (see `ParticipantRef` in the gateway machine). */
export interface ParticipantInput {
  identity: string;
  sid: string;
  joinedAtMs: number;
  protocolVersion?: string;
}

export interface ParticipantContext {
  participant: ParticipantInput;
  failure?: GatewayFailure;
  /** Why the viewer was turned away (protocol 2.2: an incompatible `protocolVersion`). */
  rejection?: string;
}

/** What the `serve` actor reports about its viewer. */
export type ParticipantEvent =
  | { type: "WELCOMED" }
  | { type: "REJECTED"; reason: string }
  | { type: "WELCOME_FAILED"; failure: GatewayFailure };

/**
 * One remote participant (a viewer) for the lifetime of one session.
 *
 * `serve` lives as long as this actor: it opens the viewer's control stream and queues `serverInfo`
 * and the current advertisements before the viewer can receive any broadcast (spec 5.4), and when
 * stopped (the viewer left, or the session ended) it unsubscribes the viewer from everything. A
 * viewer that cannot be welcomed stays `failed` until it leaves: the session serves the others. With
 * protocol 2.2, a viewer whose `protocolVersion` is incompatible is told so and stays `rejected`.
 */
export const participantMachine = setup({
  types: {
    context: {} as ParticipantContext,
    input: {} as ParticipantInput,
    events: {} as ParticipantEvent,
  },
  actors: {
    serve: callbackNotProvided<ParticipantInput>("serve"),
  },
  actions: {
    recordFailure: assign({ failure: (_, error: unknown) => toFailure(error) }),
  },
}).createMachine({
  id: "participant",
  context: ({ input }) => ({ participant: input }),
  invoke: {
    id: "serve",
    src: "serve",
    input: ({ context }) => context.participant,
    onError: {
      target: ".failed",
      actions: {
        type: "recordFailure",
        params: ({ event }: { event: ErrorActorEvent }) => event.error,
      },
    },
  },
  initial: "welcoming",
  states: {
    welcoming: {
      on: {
        WELCOMED: "active",
        // Its protocol version is one we cannot speak: it was told so, and is not served.
        REJECTED: {
          target: "rejected",
          actions: assign({ rejection: ({ event }) => event.reason }),
        },
        WELCOME_FAILED: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }: { event: { failure: GatewayFailure } }) => event.failure,
          },
        },
      },
    },
    active: {},
    rejected: {},
    failed: {},
  },
});
