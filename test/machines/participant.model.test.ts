import { describe, expect, it } from "vitest";
import { type AnyEventObject, createActor, fromPromise } from "xstate";
import { participantMachine } from "../../machines/participant.machine.js";
import {
  definedTransitions,
  flush,
  transitionCoverPaths,
  transitionRecorder,
} from "../support/model.js";

const failure = { kind: "stream", message: "could not open the control stream" };
const paths = transitionCoverPaths(participantMachine, {
  input: { identity: "viewer-1" },
  variants: (type) =>
    type === "xstate.error.actor.welcome"
      ? [{ type, error: failure }]
      : [{ type, output: undefined }],
  contextKey: ({ context }) => JSON.stringify(context),
});
const recorder = transitionRecorder("participant");

describe("participant machine (model-based)", () => {
  for (const path of paths) {
    const name =
      path.steps
        .slice(1)
        .map((step) => step.event.type)
        .join(" > ") || "(initial)";
    it(name, async () => {
      const welcomes: Array<{ identity: string; settle: (error?: unknown) => void }> = [];
      const machine = participantMachine.provide({
        actors: {
          welcome: fromPromise<void, { identity: string }>(
            ({ input }) =>
              new Promise<void>((resolve, reject) => {
                welcomes.push({
                  identity: input.identity,
                  settle: (e) => (e ? reject(e) : resolve()),
                });
              }),
          ),
        },
      });
      const actor = createActor(machine, {
        input: { identity: "viewer-1" },
        inspect: recorder.inspect,
      });
      actor.start();
      for (const { event, state } of path.steps.slice(1)) {
        const { type, error } = event as AnyEventObject;
        welcomes.at(-1)?.settle(type.startsWith("xstate.error") ? error : undefined);
        await flush();
        expect(actor.getSnapshot().value).toEqual(state.value);
        expect(actor.getSnapshot().context).toEqual(state.context);
      }
      // The welcome is addressed to this participant, and only started once.
      expect(welcomes.map((w) => w.identity)).toEqual(["viewer-1"]);
    });
  }

  it("covers every transition the machine defines", () => {
    const defined = definedTransitions(participantMachine);
    const missing = [...defined].filter((key) => !recorder.taken.has(key));
    console.log(`transitions covered: ${defined.size - missing.length}/${defined.size}`);
    expect(missing).toEqual([]);
  });
});
