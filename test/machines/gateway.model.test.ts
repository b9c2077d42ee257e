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
  HELLO_TIMEOUT_MS,
  participantChildId,
  READ_TIMEOUT_INTERVALS,
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
const failure = (kind: FailureKind, status?: number) => ({
  kind,
  message: `${kind} failure`,
  ...(status !== undefined && { status }),
});
const HELLO = { heartbeatIntervalMs: 5_000, deviceWaitForViewerMs: 60_000 };
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
    // Each failing call is tried with a failure that clears credentials and one that keeps them;
    // device info also with a 401, which ends an on-demand gateway.
    case "xstate.error.actor.fetchDeviceInfo":
      return [
        { type, error: failure("auth", 401) },
        { type, error: failure("auth", 403) },
        { type, error: failure("io") },
      ];
    case "xstate.error.actor.fetchCredentials":
      return [
        { type, error: failure("auth") },
        { type, error: failure("io") },
      ];
    case "WATCH.FAILED":
      return [401, 409, 503].map((status) => ({ type, failure: failure("api", status) }));
    case "xstate.error.actor.watch":
      return [{ type, error: failure("internal") }];
    case "xstate.error.actor.sendHeartbeat":
      return [401, 409, 410, 503].map((status) => ({ type, error: failure("api", status) }));
    case "xstate.done.actor.sendHeartbeat":
      return [{ type, output: undefined }];
    case "WATCH.HELLO":
      return [{ type, ...HELLO }];
    case "WATCH.WAKE":
      return [{ type, remoteAccessSessionId: "ras_first" }];
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
 * The part of the context the model tracks (and so compares on replay): what guards read, and the
 * last error. The rest (lease, session id, why a session ended, counters) is checked as invariants
 * on every step of the replay, and by the scenario and property tests.
 */
function modelContext({ context }: AnyMachineSnapshot) {
  return {
    device: context.device,
    credentials: context.credentials,
    participants: context.participants,
    lastError: context.lastError?.kind,
    misses: context.watch.misses,
  };
}

const MODES = ["always", "on-demand"] as const;
const withMode = (machine: GatewayMachine, mode: (typeof MODES)[number]) =>
  machine.provide({ guards: { onDemand: () => mode === "on-demand" } });
const pathsByMode = MODES.map((connection) => ({
  connection,
  paths: transitionCoverPaths(withMode(gatewayMachine, connection), {
    input: { retryPolicy: POLICY },
    variants,
    contextKey: (snapshot) => JSON.stringify(modelContext(snapshot)),
  }),
}));

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
  if (snapshot.matches({ watching: { leased: { heartbeat: "beating" } } })) {
    return ["sendHeartbeat", "watch"];
  }
  if (snapshot.matches("watching")) return ["watch"];
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
async function replay(connection: (typeof MODES)[number], steps: Step[]) {
  const io = new FakeGatewayIo();
  const clock = new SimulatedClock();
  const actor = createActor(withMode(io.provide(gatewayMachine), connection), {
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
    const watching = live.matches("watching") ? 1 : 0;
    expect(io.alive).toEqual({
      roomEvents: running,
      sender: running,
      serve: served,
      watch: watching,
    });
    // The lease is forgotten exactly when the model drops it.
    if (previous.context.watch.lease === "held" && live.context.watch.lease === "none") {
      expect(io.leasesForgotten).toBeGreaterThan(0);
    }
    // The platform's session id never changes once set.
    if (previous.context.remoteAccessSessionId !== undefined) {
      expect(live.context.remoteAccessSessionId).toBe(previous.context.remoteAccessSessionId);
    }
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
    else if (kind === "after") clock.increment(delayOf(name));
    else actor.send(event as never);
    await flush();
  };

  // How far to move the simulated clock for a named delay. The model has no clock, so a path may
  // wait out several heartbeats in a row: keep-alives arrive between them, as on a live stream.
  const delayOf = (name: string) => {
    const { context } = actor.getSnapshot();
    const interval = context.watch.heartbeatIntervalMs;
    switch (name) {
      case "retryDelay":
        return context.retryDelayMs;
      case "helloTimeout":
        return HELLO_TIMEOUT_MS;
      case "heartbeatInterval":
        actor.send({ type: "WATCH.ALIVE" });
        return interval;
      case "readTimeout":
        return interval * READ_TIMEOUT_INTERVALS;
      case "viewerWait":
        return context.watch.deviceWaitForViewerMs;
      default:
        return POLICY.minUptimeMs;
    }
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
  expect(["stopped", "refused"]).toContain(actor.getSnapshot().value);
  expect(io.unsettled().every((call) => call.signal.aborted)).toBe(true);
  expect(io.alive).toEqual({ roomEvents: 0, sender: 0, serve: 0, watch: 0 });
}

describe("gateway machine (model-based)", () => {
  const cases = pathsByMode.flatMap(({ connection, paths }) =>
    paths.map((path) => ({
      connection,
      name: path.steps
        .slice(1)
        .map(({ event }) =>
          event.type.replace(/^xstate\.(after\.)?/, "").replace(/\.gateway.*$/, ""),
        )
        .join(" > "),
      steps: path.steps as unknown as Step[],
    })),
  );

  for (const { connection, name, steps } of cases) {
    it(`${connection}: ${name || "(initial)"}`, async () => {
      await replay(connection, steps);
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
