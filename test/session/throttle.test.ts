import { describe, expect, it } from "vitest";
import { DROP_LOG_INTERVAL_MS, Throttle } from "../../src/session/throttle.js";

/** A clock the test moves by hand. */
function manualClock(start = 1_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("Throttle", () => {
  it("defaults to the 30 s drop-log interval", () => {
    expect(DROP_LOG_INTERVAL_MS).toBe(30_000);
    expect(new Throttle().intervalMs).toBe(30_000);
  });

  it("passes the first call, then at most once per interval", () => {
    const clock = manualClock();
    const throttle = new Throttle(DROP_LOG_INTERVAL_MS, clock.now);
    expect(throttle.allow()).toBe(true);
    expect(throttle.allow()).toBe(false);
    clock.advance(29_999);
    expect(throttle.allow()).toBe(false);
    clock.advance(1);
    expect(throttle.allow()).toBe(true);
    expect(throttle.allow()).toBe(false);
  });

  it("measures from the last call that passed, not from rejected ones", () => {
    const clock = manualClock();
    const throttle = new Throttle(100, clock.now);
    expect(throttle.allow()).toBe(true); // t=0
    clock.advance(60);
    expect(throttle.allow()).toBe(false); // t=60
    clock.advance(40);
    expect(throttle.allow()).toBe(true); // t=100
    clock.advance(250);
    expect(throttle.allow()).toBe(true); // t=350: a long gap passes once
    clock.advance(99);
    expect(throttle.allow()).toBe(false);
  });

  it("says how long until the next call would pass", () => {
    const clock = manualClock();
    const throttle = new Throttle(100, clock.now);
    expect(throttle.remainingMs()).toBe(0);
    throttle.allow();
    clock.advance(30);
    expect(throttle.remainingMs()).toBe(70);
    clock.advance(500);
    expect(throttle.remainingMs()).toBe(0);
  });

  it("reset lets the next call through", () => {
    const clock = manualClock();
    const throttle = new Throttle(100, clock.now);
    throttle.allow();
    throttle.reset();
    expect(throttle.allow()).toBe(true);
    expect(throttle.allow()).toBe(false);
  });

  it("with interval 0 passes every call", () => {
    const throttle = new Throttle(0, () => 5);
    expect([throttle.allow(), throttle.allow(), throttle.allow()]).toEqual([true, true, true]);
  });

  it("rejects invalid intervals", () => {
    for (const interval of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Throttle(interval)).toThrow(RangeError);
    }
  });
});
