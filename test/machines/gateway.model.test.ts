import { describe, expect, it } from "vitest";
import {
  type AnyEventObject,
  type AnyMachineSnapshot,
  createActor,
  SimulatedClock,
  type SnapshotFrom,
} from "xstate";
import { clearsCredentials, type FailureKind } from "../../machines/failure.js";
import {
  type GatewayMachine,
  gatewayMachine,
  participantChildId,
} from "../../machines/gateway.machine.js";
import type { RetryPolicy } from "../../machines/retry-policy.js";
import { FakeGatewayIo, isCallbackActor } from "../support/fake-gateway-io.js";
import {
  definedTransitions,
  flush,
  transitionCoverPaths,
  transitionRecorder,
} from "../support/model.js";

const POLICY: RetryPolicy = {
  kind: "exponential",
  initialMs: 500,
  maxMs: 30_000,
  minUptimeMs: 10_000,
};
const DEVICE = { id: "dev_testdevice", name: "test-device" };
const LIVEKIT_URL = "ws://127.0.0.1:7880";
const failure = (kind: FailureKind) => ({ kind, message: `${kind} failure` });
const EARLY_VIEWER = { identity: "early-viewer", sid: "PA_early", joinedAtMs: 1_000 };
const REJOINED = { identity: "early-viewer", sid: "PA_rejoined", joinedAtMs: 2_000 };
const STALE = { identity: "early-viewer", sid: "PA_stale", joinedAtMs: 500 };
const VIEWER = { identity: "viewer-1", sid: "PA_viewer1", joinedAtMs: 1_500 };
const STRANGER = { identity: "stranger", sid: "PA_stranger", joinedAtMs: 1_000 };

/** The concrete events the model tries for each event type the machine defines. */
function variants(type: string, snapshot: AnyMachineSnapshot): AnyEventObject[] {
  switch (type) {
    case "xstate.done.actor.fetchDeviceInfo":
      return [{ type, output: DEVICE }];
    case "xstate.done.actor.fetchCredentials":
      return [{ type, output: { url: LIVEKIT_URL } }];
    case "xstate.done.actor.connectRoom":
      return [{ type, output: { identity: DEVICE.id, participants: [EARLY_VIEWER] } }];
    // Each failing call is tried with a failure that clears credentials and one that keeps them.
    case "xstate.error.actor.fetchDeviceInfo":
    case "xstate.error.actor.fetchCredentials":
      return [
        { type, error: failure("auth") },
        { type, error: failure("io") },
      ];
    case "xstate.error.actor.connectRoom":
      return [
        { type, error: failure("room") },
        { type, error: failure("internal") },
      ];
    case "xstate.error.actor.roomEvents":
    case "xstate.error.actor.sender":
      return [{ type, error: failure("internal") }];
    case "xstate.error.actor.closeRoom":
      return [{ type, error: failure("io") }];
    case "ROOM.DISCONNECTED":
      return [{ type, reason: "SERVER_SHUTDOWN" }];
    // A new viewer; the early viewer rejoining (a newer instance replaces it); a stale instance of
    // it (older than the one we have: ignored).
    case "PARTICIPANT.JOINED":
      return [VIEWER, REJOINED, STALE].map((participant) => ({ type, participant }));
    // Each current participant; a stranger; a replaced instance whose disconnect comes late.
    case "PARTICIPANT.LEFT":
      return [...snapshot.context.participants, STRANGER, EARLY_VIEWER].map((participant) => ({
        type,
        participant,
      }));
    default:
      return [{ type }];
  }
}

/**
 * The part of the context the model tracks (and so compares on replay). The attempt count and the
 * planned delay grow without bound, so they are left to the scenario tests.
 */
function modelContext({ context }: AnyMachineSnapshot) {
  return {
    device: context.device,
    credentials: context.credentials,
    participants: context.participants,
    lastError: context.lastError?.kind,
  };
}

const paths = transitionCoverPaths(gatewayMachine, {
  input: { retryPolicy: POLICY },
  variants,
  contextKey: (snapshot) => JSON.stringify(modelContext(snapshot)),
});

type GatewaySnapshot = SnapshotFrom<GatewayMachine>;
type Step = { event: AnyEventObject; state: GatewaySnapshot };
const recorder = transitionRecorder("gateway");

/** Children that must exist in a state: the invoked actors, and one actor per participant. */
function expectedChildren(snapshot: GatewaySnapshot): string[] {
  const invoked: Record<string, string[]> = {
    "authenticating.fetchingDeviceInfo": ["fetchDeviceInfo"],
    "authenticating.fetchingCredentials": ["fetchCredentials"],
    connecting: ["connectRoom"],
    disconnected: ["closeRoom"],
    stopping: ["closeRoom"],
  };
  if (snapshot.matches("running")) {
    return [
      "roomEvents",
      "sender",
      ...snapshot.context.participants.map(participantChildId),
    ].sort();
  }
  const key = Object.keys(invoked).find((state) => snapshot.matches(state as never));
  return key ? (invoked[key] as string[]) : [];
}

/** Replays one path on a live actor with fakes and a simulated clock, checking effects per step. */
async function replay(steps: Step[]) {
  const io = new FakeGatewayIo();
  const clock = new SimulatedClock();
  const actor = createActor(io.provide(gatewayMachine), {
    input: { retryPolicy: POLICY },
    clock,
    inspect: recorder.inspect,
  });
  const crashes: unknown[] = [];
  actor.subscribe({ error: (error) => crashes.push(error) });
  actor.start();

  let previous = actor.getSnapshot();
  const check = async (event: AnyEventObject, expected?: GatewaySnapshot) => {
    const cleared = io.credentialsCleared;
    const closes = io.calls.closeRoom.length;
    await dispatch(event);
    const live = actor.getSnapshot();
    if (expected) {
      expect(live.value).toEqual(expected.value);
      expect(modelContext(live)).toEqual(modelContext(expected));
    }
    // Spec 5.3: a failed API call or connection clears credentials only for API and room failures;
    // the end of a session never does.
    const failedAttempt =
      live.matches("backoff") &&
      (previous.matches("authenticating") || previous.matches("connecting"));
    const lastKind = live.context.lastError?.kind;
    const shouldClear = failedAttempt && lastKind !== undefined && clearsCredentials(lastKind);
    expect(io.credentialsCleared - cleared).toBe(shouldClear ? 1 : 0);
    if (shouldClear) expect(live.context.credentials).toBe("none");
    // The room is closed once on every way out of a session.
    const entersTeardown =
      (live.matches("disconnected") && !previous.matches("disconnected")) ||
      (live.matches("stopping") && !previous.matches("stopping"));
    expect(io.calls.closeRoom.length - closes).toBe(entersTeardown ? 1 : 0);
    // No actor outlives its state: the room listener and sender live exactly while running.
    expect(Object.keys(live.children).sort()).toEqual(expectedChildren(live));
    const running = live.matches("running") ? 1 : 0;
    const served = running * live.context.participants.length;
    expect(io.alive).toEqual({ roomEvents: running, sender: running, serve: served });
    // Every call that was left behind was aborted (its HTTP request is cancelled).
    const current = Object.keys(live.children);
    for (const [name, calls] of Object.entries(io.calls)) {
      for (const call of calls.filter((c) => !c.settled)) {
        const stillInvoked = current.includes(name) && call === calls.at(-1);
        expect(call.signal.aborted).toBe(!stillInvoked);
      }
    }
    expect(crashes).toEqual([]);
    previous = live;
  };

  // Internal events are produced the way a live system produces them: by settling the fake actor,
  // failing it, or letting simulated time pass.
  const dispatch = async (event: AnyEventObject) => {
    const [kind, name = ""] =
      /^xstate\.(?:(done|error)\.actor|(after))\.([^.]+)/
        .exec(event.type)
        ?.slice(1)
        .filter(Boolean) ?? [];
    if (kind === "done") io.pending(name as never).resolve(event.output);
    else if (kind === "error" && isCallbackActor(name)) {
      actor.getSnapshot().children[name]?.send({ type: FakeGatewayIo.FAIL, error: event.error });
    } else if (kind === "error") io.pending(name as never).reject(event.error);
    else if (kind === "after") {
      clock.increment(
        name === "retryDelay" ? actor.getSnapshot().context.retryDelayMs : POLICY.minUptimeMs,
      );
    } else actor.send(event as never);
    await flush();
  };

  for (const step of steps) {
    if (step.event.type === "xstate.init") continue;
    await check(step.event, step.state);
  }
  // Wherever the path ended, STOP must lead to a clean stop.
  if (actor.getSnapshot().status === "active") {
    if (!actor.getSnapshot().matches("stopping")) await check({ type: "STOP" });
    await check({ type: "xstate.done.actor.closeRoom" });
  }
  expect(actor.getSnapshot().status).toBe("done");
  expect(actor.getSnapshot().value).toBe("stopped");
  expect(io.unsettled().every((call) => call.signal.aborted)).toBe(true);
  expect(io.alive).toEqual({ roomEvents: 0, sender: 0, serve: 0 });
}

describe("gateway machine (model-based)", () => {
  const cases = paths.map((path) => ({
    name: path.steps
      .slice(1)
      .map(({ event }) => event.type.replace(/^xstate\.(after\.)?/, "").replace(/\.gateway.*$/, ""))
      .join(" > "),
    steps: path.steps as unknown as Step[],
  }));

  for (const { name, steps } of cases) {
    it(`${name || "(initial)"}`, async () => {
      await replay(steps);
    });
  }

  it("covers every transition the machine defines", () => {
    // Runs last: the replays above have recorded what they took.
    const defined = definedTransitions(gatewayMachine);
    const missing = [...defined].filter((key) => !recorder.taken.has(key));
    console.log(`transitions covered: ${defined.size - missing.length}/${defined.size}`);
    expect(missing).toEqual([]);
    expect(cases.length).toBeGreaterThan(defined.size / 2);
  });
});
