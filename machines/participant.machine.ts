import { assign, type ErrorActorEvent, setup } from "xstate";
import { type GatewayFailure, toFailure } from "./failure.js";
import { callbackNotProvided } from "./not-provided.js";

export interface ParticipantInput {
  identity: string;
}

export interface ParticipantContext {
  identity: string;
  failure?: GatewayFailure;
}

/** What the `serve` actor reports about its viewer. */
export type ParticipantEvent =
  | { type: "WELCOMED" }
  | { type: "WELCOME_FAILED"; failure: GatewayFailure };

/**
 * One remote participant (a viewer) for the lifetime of one session.
 *
 * `serve` lives as long as this actor: it opens the viewer's control stream and queues `serverInfo`
 * and the current advertisements before the viewer can receive any broadcast (spec 5.4), and when
 * stopped (the viewer left, or the session ended) it unsubscribes the viewer from everything. A
 * viewer that cannot be welcomed stays `failed` until it leaves: the session serves the others.
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
  context: ({ input }) => ({ identity: input.identity }),
  invoke: {
    id: "serve",
    src: "serve",
    input: ({ context }) => ({ identity: context.identity }),
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
    failed: {},
  },
});
