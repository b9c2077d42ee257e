import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createActor, SimulatedClock } from "xstate";
import { type GatewayEvent, gatewayMachine } from "../../machines/gateway.machine.js";
import type { RetryPolicy } from "../../machines/retry-policy.js";
import { FakeGatewayIo, type PendingCall } from "../support/fake-gateway-io.js";
import { flush } from "../support/model.js";

const POLICY: RetryPolicy = {
  kind: "exponential",
  initialMs: 500,
  maxMs: 30_000,
  minUptimeMs: 10_000,
};
const viewer = (n: number) => ({ identity: `viewer-${n}`, sid: `PA_${n}`, joinedAtMs: n });

/** One thing that can happen to an on-demand gateway. */
type Step =
  | { kind: "send"; event: GatewayEvent }
  /** Settles the calls in flight: they succeed, or fail with `status`. */
  | { kind: "settle"; ok: boolean; status: number }
  | { kind: "wait"; ms: number };

const failure = (status?: number) => ({ kind: "api", message: "fault", ...(status && { status }) });

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: "send", event: { type: "START" } }),
  fc.constant<Step>({
    kind: "send",
    event: { type: "WATCH.HELLO", heartbeatIntervalMs: 5_000, deviceWaitForViewerMs: 20_000 },
  }),
  fc.constant<Step>({ kind: "send", event: { type: "WATCH.ALIVE" } }),
  fc.constantFrom("ras_a", "ras_b", undefined).map<Step>((id) => ({
    kind: "send",
    event: { type: "WATCH.WAKE", remoteAccessSessionId: id },
  })),
  fc.constant<Step>({
    kind: "send",
    event: { type: "WATCH.HELLO", heartbeatIntervalMs: 5_000, deviceWaitForViewerMs: 20_000 },
  }),
  fc.constant<Step>({ kind: "send", event: { type: "WATCH.ENDED" } }),
  // A 401 ends the gateway: frequent enough to be tried, rare enough to let runs go far.
  fc.constantFrom(401, 409, 503, 503, 503, 409).map<Step>((status) => ({
    kind: "send",
    event: { type: "WATCH.FAILED", failure: failure(status) as never },
  })),
  fc.integer({ min: 1, max: 3 }).map<Step>((n) => ({
    kind: "send",
    event: { type: "PARTICIPANT.JOINED", participant: viewer(n) },
  })),
  fc.integer({ min: 1, max: 3 }).map<Step>((n) => ({
    kind: "send",
    event: { type: "PARTICIPANT.LEFT", participant: viewer(n) },
  })),
  fc.constant<Step>({
    kind: "send",
    event: { type: "ROOM.DISCONNECTED", reason: "SERVER_SHUTDOWN" },
  }),
  fc.constant<Step>({ kind: "send", event: { type: "RETRY_NOW" } }),
  fc
    .constantFrom(401, 409, 410, 503, 503, 503, 409, 410)
    .map<Step>((status) => ({ kind: "settle", ok: false, status })),
  fc.constant<Step>({ kind: "settle", ok: true, status: 0 }),
  fc.constant<Step>({ kind: "settle", ok: true, status: 0 }),
  fc.constantFrom(1_000, 5_000, 12_500, 20_000, 30_000).map<Step>((ms) => ({ kind: "wait", ms })),
);

const OUTPUT = {
  fetchCredentials: { url: "ws://127.0.0.1:7880" },
  fetchDeviceInfo: { id: "dev_testdevice", name: "test-device" },
  connectRoom: { identity: "dev_testdevice", participants: [] },
  closeRoom: undefined,
  sendHeartbeat: undefined,
};

async function run(steps: Step[]) {
  const io = new FakeGatewayIo();
  const clock = new SimulatedClock();
  const machine = io.provide(gatewayMachine).provide({ guards: { onDemand: () => true } });
  const actor = createActor(machine, { input: { retryPolicy: POLICY }, clock });
  const crashes: unknown[] = [];
  actor.subscribe({ error: (error) => crashes.push(error) });
  actor.start();
  let sessionId: string | undefined;
  let wokenSinceWatch = false;

  const check = () => {
    const snapshot = actor.getSnapshot();
    const { context } = snapshot;
    // One watch at a time.
    expect(io.alive.watch).toBeLessThanOrEqual(1);
    // No heartbeat without a lease.
    if (snapshot.children.sendHeartbeat) expect(context.watch.lease).toBe("held");
    // No room without a wake.
    if (snapshot.matches("connecting") || snapshot.matches("running"))
      expect(wokenSinceWatch).toBe(true);
    if (snapshot.matches("watching")) wokenSinceWatch = false;
    // The session id never changes once set.
    if (sessionId !== undefined) expect(context.remoteAccessSessionId).toBe(sessionId);
    sessionId = context.remoteAccessSessionId;
    expect(crashes).toEqual([]);
  };

  for (const next of steps) {
    if (actor.getSnapshot().status !== "active") break;
    if (next.kind === "send") {
      if (next.event.type === "WATCH.WAKE" && actor.getSnapshot().matches({ watching: "leased" })) {
        wokenSinceWatch = true;
      }
      actor.send(next.event);
    } else if (next.kind === "settle") {
      for (const [name, calls] of Object.entries(io.calls)) {
        const call = calls.findLast((c: PendingCall) => !c.settled && !c.signal.aborted);
        if (!call) continue;
        if (next.ok) call.resolve(OUTPUT[name as keyof typeof OUTPUT]);
        else call.reject(failure(next.status));
      }
    } else {
      clock.increment(next.ms);
    }
    await flush();
    check();
  }
  // STOP from anywhere releases everything.
  if (actor.getSnapshot().status === "active") {
    actor.send({ type: "STOP" });
    await flush();
    io.calls.closeRoom.findLast((c) => !c.settled)?.resolve(undefined);
    await flush();
  }
  expect(actor.getSnapshot().status).toBe("done");
  expect(io.alive).toEqual({ roomEvents: 0, sender: 0, serve: 0, watch: 0 });
  expect(io.unsettled().every((call) => call.signal.aborted)).toBe(true);
}

describe("on-demand gateway (property-based)", () => {
  it("keeps its invariants over any sequence of watch, heartbeat and room events", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) =>
        run([{ kind: "send", event: { type: "START" } }, ...steps]),
      ),
      { numRuns: 1_500, seed: 20261129 },
    );
  });
});
