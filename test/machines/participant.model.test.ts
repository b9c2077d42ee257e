import { describe, expect, it } from "vitest";
import { type AnyEventObject, createActor, fromCallback } from "xstate";
import { type ParticipantInput, participantMachine } from "../../machines/participant.machine.js";
import {
  definedTransitions,
  flush,
  transitionCoverPaths,
  transitionRecorder,
} from "../support/model.js";

const failure = { kind: "stream", message: "could not open the control stream" };
const VIEWER = { identity: "viewer-1", sid: "PA_viewer1", joinedAtMs: 1_000 };
const paths = transitionCoverPaths(participantMachine, {
  input: VIEWER,
  variants: (type) => {
    if (type === "WELCOME_FAILED") return [{ type, failure }];
    if (type === "REJECTED") return [{ type, reason: "incompatible protocol version 3.0.0" }];
    if (type === "xstate.error.actor.serve") return [{ type, error: failure }];
    return [{ type }];
  },
  contextKey: ({ context }) => JSON.stringify(context),
});
const recorder = transitionRecorder("participant");
const FAIL = "test.fail";

describe("participant machine (model-based)", () => {
  for (const path of paths) {
    const name = path.steps.map((step) => step.event.type).join(" > ");
    it(name, async () => {
      const served: Array<{
        identity: string;
        report: (event: AnyEventObject) => void;
        stopped: boolean;
      }> = [];
      const machine = participantMachine.provide({
        actors: {
          serve: fromCallback<{ type: string; error?: unknown }, ParticipantInput>(
            ({ input, sendBack, receive }) => {
              const entry = { identity: input.identity, report: sendBack, stopped: false };
              served.push(entry);
              receive((event) => {
                if (event.type !== FAIL) return;
                entry.stopped = true; // a failing actor releases its viewer first: XState will not
                throw event.error;
              });
              return () => {
                entry.stopped = true;
              };
            },
          ),
        },
      });
      const actor = createActor(machine, {
        input: VIEWER,
        inspect: recorder.inspect,
      });
      actor.start();
      for (const { event, state } of path.steps.slice(1)) {
        const { type, error } = event as AnyEventObject;
        if (type === "xstate.error.actor.serve")
          actor.getSnapshot().children.serve?.send({ type: FAIL, error } as { type: string });
        else served.at(-1)?.report(event as AnyEventObject);
        await flush();
        expect(actor.getSnapshot().value).toEqual(state.value);
        expect(actor.getSnapshot().context).toEqual(state.context);
      }
      // One viewer, served once, and released when the participant actor stops.
      expect(served.map((s) => s.identity)).toEqual(["viewer-1"]);
      actor.stop();
      expect(served[0]?.stopped).toBe(true);
    });
  }

  it("covers every transition the machine defines", () => {
    const defined = definedTransitions(participantMachine);
    const missing = [...defined].filter((key) => !recorder.taken.has(key));
    console.log(`transitions covered: ${defined.size - missing.length}/${defined.size}`);
    expect(missing).toEqual([]);
  });
});
