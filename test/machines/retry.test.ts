import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createActor, SimulatedClock } from "xstate";
import { gatewayMachine } from "../../machines/gateway.machine.js";
import {
  DEFAULT_RETRY_POLICY,
  FIXED_RETRY_POLICY,
  type RetryPolicy,
  retryDelayMs,
} from "../../machines/retry-policy.js";
import { FakeGatewayIo } from "../support/fake-gateway-io.js";
import { flush } from "../support/model.js";

describe("retryDelayMs", () => {
  it("full jitter: uniform in [0, min(30 s, 500 ms * 2^(attempt-1))]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
          const delay = retryDelayMs(DEFAULT_RETRY_POLICY, attempt, 0, () => r);
          expect(delay).toBe(Math.floor(r * ceiling));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it("reaches the 30 s cap and stays there", () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 7, 0, () => 0.999)).toBe(29_970);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1_000, 0, () => 0.999)).toBe(29_970);
  });

  it("the fixed policy is the upstream 30 s grid, without jitter", () => {
    for (const attempt of [1, 2, 10])
      expect(retryDelayMs(FIXED_RETRY_POLICY, attempt, 0, () => 0.5)).toBe(30_000);
  });

  it("Retry-After is a floor", () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 7_000, () => 0.5)).toBe(7_000);
    expect(retryDelayMs(FIXED_RETRY_POLICY, 1, 45_000)).toBe(45_000);
    expect(retryDelayMs(FIXED_RETRY_POLICY, 1, 1_000)).toBe(30_000);
  });

  it("spreads a fleet out: 1000 devices on their 5th retry do not come back together", () => {
    const delays = Array.from({ length: 1000 }, () => retryDelayMs(DEFAULT_RETRY_POLICY, 5));
    const buckets = new Set(delays.map((d) => Math.floor(d / 100)));
    expect(buckets.size).toBeGreaterThan(60); // 8 s ceiling, 100 ms buckets: 80 possible
  });
});

describe("attempt counting", () => {
  const POLICY: RetryPolicy = {
    kind: "exponential",
    initialMs: 500,
    maxMs: 30_000,
    minUptimeMs: 10_000,
  };

  async function runningGateway() {
    const io = new FakeGatewayIo();
    const clock = new SimulatedClock();
    const actor = createActor(io.provide(gatewayMachine), {
      input: { retryPolicy: POLICY },
      clock,
    });
    actor.start();
    actor.send({ type: "START" });
    await flush();
    io.pending("fetchDeviceInfo").resolve({ id: "dev", name: "dev" });
    await flush();
    io.pending("fetchCredentials").resolve({ url: "ws://x" });
    await flush();
    io.pending("connectRoom").resolve({ identity: "dev", participants: [] });
    await flush();
    expect(actor.getSnapshot().matches({ running: "connected" })).toBe(true);
    /** The session ends; returns the planned delay. */
    const drop = async () => {
      actor.send({ type: "ROOM.DISCONNECTED", reason: "SERVER_SHUTDOWN" });
      await flush();
      io.pending("closeRoom").resolve(undefined);
      await flush();
      expect(actor.getSnapshot().value).toBe("backoff");
      return actor.getSnapshot().context.retryDelayMs;
    };
    /** Waits out the backoff and reconnects with cached credentials. */
    const reconnect = async () => {
      clock.increment(actor.getSnapshot().context.retryDelayMs);
      await flush();
      io.pending("connectRoom").resolve({ identity: "dev", participants: [] });
      await flush();
      expect(actor.getSnapshot().matches("running")).toBe(true);
    };
    return { actor, clock, io, drop, reconnect };
  }

  it("a flapping server makes the delay grow: short sessions do not reset the attempt count", async () => {
    const { actor, clock, drop, reconnect } = await runningGateway();
    const ceilings: number[] = [];
    for (let i = 0; i < 6; i++) {
      clock.increment(POLICY.minUptimeMs - 1); // never quite long enough
      await drop();
      ceilings.push(
        Math.min(POLICY.maxMs, POLICY.initialMs * 2 ** (actor.getSnapshot().context.attempt - 1)),
      );
      await reconnect();
    }
    expect(actor.getSnapshot().context.attempt).toBe(6);
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16000]);
  });

  it("a session that stays up for the minimum uptime resets the count", async () => {
    const { actor, clock, drop, reconnect } = await runningGateway();
    for (let i = 0; i < 3; i++) {
      await drop();
      await reconnect();
    }
    expect(actor.getSnapshot().context.attempt).toBe(3);
    clock.increment(POLICY.minUptimeMs);
    await flush();
    expect(actor.getSnapshot().context.attempt).toBe(0);
    expect(await drop()).toBeLessThan(POLICY.initialMs);
    expect(actor.getSnapshot().context.attempt).toBe(1);
  });

  it("RETRY_NOW skips the wait", async () => {
    const { actor, drop, io } = await runningGateway();
    await drop();
    actor.send({ type: "RETRY_NOW" });
    await flush();
    expect(actor.getSnapshot().value).toBe("connecting");
    expect(io.calls.connectRoom).toHaveLength(2);
  });

  it("the first attempt is immediate", async () => {
    const io = new FakeGatewayIo();
    const actor = createActor(io.provide(gatewayMachine), {
      input: {},
      clock: new SimulatedClock(),
    });
    actor.start();
    actor.send({ type: "START" });
    await flush();
    expect(io.calls.fetchDeviceInfo).toHaveLength(1);
  });

  it("device info is fetched once per gateway, however many attempts", async () => {
    const { drop, reconnect, io } = await runningGateway();
    for (let i = 0; i < 3; i++) {
      await drop();
      await reconnect();
    }
    expect(io.calls.fetchDeviceInfo).toHaveLength(1);
    expect(io.calls.fetchCredentials).toHaveLength(1);
    expect(io.calls.connectRoom).toHaveLength(4);
  });
});
