import { describe, expect, it } from "vitest";
import { roundTripsMoved } from "../../src/cli/json-status.js";

describe("--json round-trip lines", () => {
  it("are printed for a first estimate and for a change of a quarter and 1 ms, not for jitter", () => {
    const a = (rttMs?: number) => [{ identity: "a", ...(rttMs !== undefined && { rttMs }) }];
    expect(roundTripsMoved([], a())).toBe(false);
    expect(roundTripsMoved(a(), a(2))).toBe(true);
    expect(roundTripsMoved(a(2), a(2.9))).toBe(false); // under 1 ms
    expect(roundTripsMoved(a(2), a(3))).toBe(true);
    expect(roundTripsMoved(a(40), a(49))).toBe(false); // under a quarter
    expect(roundTripsMoved(a(40), a(30))).toBe(true);
    expect(roundTripsMoved(a(2), [])).toBe(false); // a departure is a status change of its own
  });
});
