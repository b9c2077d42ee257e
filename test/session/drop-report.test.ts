import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DropReport } from "../../src/session/drop-report.js";
import { Throttle } from "../../src/session/throttle.js";

describe("DropReport", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function report() {
    const lines: string[] = [];
    const drops = new DropReport(
      (line) => lines.push(line),
      new Throttle(30_000, () => Date.now()),
    );
    return { lines, drops };
  }

  it("reports the first drop at once, and sums the rest into one line per 30 s", () => {
    const { lines, drops } = report();
    drops.update(1);
    expect(lines).toEqual(["data queue full: 1 message(s) dropped"]);
    drops.update(5);
    drops.update(100);
    vi.advanceTimersByTime(29_999);
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(lines.at(-1)).toBe("data queue full: 99 message(s) dropped");

    // No new drops: nothing more, however long it stays quiet.
    drops.update(100);
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(2);
  });

  it("reports a drop after a quiet interval at once", () => {
    const { lines, drops } = report();
    drops.update(3);
    vi.advanceTimersByTime(45_000);
    drops.update(4);
    expect(lines).toEqual([
      "data queue full: 3 message(s) dropped",
      "data queue full: 1 message(s) dropped",
    ]);
  });

  it("reports what is pending when closed, and nothing after", () => {
    const { lines, drops } = report();
    drops.update(1);
    drops.update(8);
    drops.close();
    expect(lines).toEqual([
      "data queue full: 1 message(s) dropped",
      "data queue full: 7 message(s) dropped",
    ]);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});
