import { assign, type ErrorActorEvent, setup } from "xstate";
import { type GatewayFailure, toFailure } from "./failure.js";
import { promiseNotProvided } from "./not-provided.js";

export interface ParticipantInput {
  identity: string;
}

export interface ParticipantContext {
  identity: string;
  failure?: GatewayFailure;
}

/**
 * One remote participant (a viewer) for the lifetime of one session.
 *
 * `welcome` opens the viewer's control stream and queues `serverInfo` and the current
 * advertisements before the viewer can receive any broadcast (spec 5.4). A viewer that cannot be
 * welcomed stays `failed` until it leaves: the session goes on serving the others.
 */
export const participantMachine = setup({
  types: {
    context: {} as ParticipantContext,
    input: {} as ParticipantInput,
  },
  actors: {
    welcome: promiseNotProvided<void, ParticipantInput>("welcome"),
  },
  actions: {
    recordFailure: assign({ failure: (_, error: unknown) => toFailure(error) }),
  },
}).createMachine({
  id: "participant",
  context: ({ input }) => ({ identity: input.identity }),
  initial: "welcoming",
  states: {
    welcoming: {
      invoke: {
        id: "welcome",
        src: "welcome",
        input: ({ context }) => ({ identity: context.identity }),
        onDone: "active",
        onError: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }: { event: ErrorActorEvent }) => event.error,
          },
        },
      },
    },
    active: {},
    failed: {},
  },
});
