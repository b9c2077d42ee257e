import { describe, expect, it } from "vitest";
import { formatByteSize } from "../../../src/session/v22/byte-size.js";
import {
  OVERSIZED_QUIET_MS,
  OVERSIZED_WARN_INTERVAL_MS,
  OversizedDrops,
} from "../../../src/session/v22/oversized-drops.js";

const channel = { id: 7, topic: "/points" };

function drops(limit = 102_400) {
  let now = 0;
  const tracker = new OversizedDrops(limit, () => now);
  return { tracker, advance: (ms: number) => (now += ms) };
}

describe("oversized-drop warnings (spec 11.2)", () => {
  it("warns at the first drop, then at most once per interval, folding in the drops between", () => {
    const { tracker, advance } = drops();
    expect(tracker.record(channel)).toEqual({
      op: "status",
      level: 1,
      message: "Dropped 1 message on topic /points: exceeds 100 KiB per-message size limit",
      id: "channel-drops-7",
    });
    expect(tracker.record(channel)).toBeUndefined();
    expect(tracker.record(channel)).toBeUndefined();
    advance(OVERSIZED_WARN_INTERVAL_MS);
    expect(tracker.record(channel)?.message).toBe(
      "Dropped 3 messages on topic /points: exceeds 100 KiB per-message size limit",
    );
  });

  it("keeps the warning active for late subscribers until it has been quiet for 60 s", () => {
    const { tracker, advance } = drops(1_200);
    const warning = tracker.record(channel);
    expect(warning?.message).toContain("exceeds 1.17 KiB per-message size limit");
    expect(tracker.active(7)).toEqual(warning);
    advance(OVERSIZED_QUIET_MS - 1);
    expect(tracker.expire()).toEqual([]);
    advance(1);
    expect(tracker.expire()).toEqual([7]);
    expect(tracker.active(7)).toBeUndefined();
    expect(tracker.expire()).toEqual([]);
  });

  it("forgets a removed channel", () => {
    const { tracker } = drops();
    tracker.record(channel);
    tracker.remove(7);
    expect(tracker.active(7)).toBeUndefined();
    expect(tracker.record(channel)?.message).toMatch(/^Dropped 1 message /);
  });

  it("spells sizes as upstream does", () => {
    expect(formatByteSize(102_400)).toBe("100 KiB");
    expect(formatByteSize(1_572_864)).toBe("1.5 MiB");
    expect(formatByteSize(1_200)).toBe("1.17 KiB");
    expect(formatByteSize(900)).toBe("900 bytes");
    expect(formatByteSize(1_048_576)).toBe("1 MiB");
  });
});
