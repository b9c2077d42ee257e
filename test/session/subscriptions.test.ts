import { describe, expect, it } from "vitest";
import {
  nextVersion,
  type SubscribeEntry,
  Subscriptions,
} from "../../src/session/subscriptions.js";

const data = (...ids: number[]): SubscribeEntry[] =>
  ids.map((id) => ({ id, requestVideoTrack: false }));
const video = (...ids: number[]): SubscribeEntry[] =>
  ids.map((id) => ({ id, requestVideoTrack: true }));
const all = () => true;

describe("Subscriptions: versions (spec 8.4, scenario 10.15)", () => {
  it("walks the 10.15 scenario step by step", () => {
    const subs = new Subscriptions();
    expect(subs.dataSubscribers(1)).toBeUndefined();

    // 1. A subscribes → version 1, and the channel's first subscriber.
    expect(subs.subscribe("A", data(1), all)).toEqual({
      first: [1],
      unsupportedVideo: [],
      notAdvertised: [],
    });
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: ["A"], version: 1 });

    // 3. B subscribes → version 2; not a first subscriber.
    expect(subs.subscribe("B", data(1), all).first).toEqual([]);
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: ["A", "B"], version: 2 });

    // 4. A unsubscribes → 3, re-subscribes → 4 (not back to 2); order is now [B, A].
    expect(subs.unsubscribe("A", [1])).toEqual({ last: [] });
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: ["B"], version: 3 });
    expect(subs.subscribe("A", data(1), all).first).toEqual([]);
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: ["B", "A"], version: 4 });

    // 5. Both leave → empty list, entry kept at version 6; the last one out is reported.
    expect(subs.unsubscribe("B", [1])).toEqual({ last: [] });
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: ["A"], version: 5 });
    expect(subs.removeParticipant("A")).toEqual({ last: [1] });
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: [], version: 6 });
    expect(subs.hasDataSubscribers(1)).toBe(false);

    // The kept entry keeps counting, and the next subscriber is a "first" again.
    expect(subs.subscribe("C", data(1), all).first).toEqual([1]);
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: ["C"], version: 7 });
    expect(subs.hasDataSubscribers(1)).toBe(true);
  });

  it("changes nothing for an identity already present or already absent", () => {
    const subs = new Subscriptions();
    subs.subscribe("A", data(1), all);
    const before = subs.dataSubscribers(1);
    expect(subs.subscribe("A", data(1, 1), all).first).toEqual([]);
    expect(subs.unsubscribe("B", [1])).toEqual({ last: [] });
    expect(subs.removeParticipant("B")).toEqual({ last: [] });
    expect(subs.dataSubscribers(1)).toBe(before);
    expect(subs.dataSubscribers(1)?.version).toBe(1);
  });

  it("ignores unsubscribes from channels it never saw", () => {
    const subs = new Subscriptions();
    expect(subs.unsubscribe("A", [9])).toEqual({ last: [] });
    expect(subs.dataSubscribers(9)).toBeUndefined();
  });

  it("reports a duplicated id in one request once (subscribe and unsubscribe)", () => {
    const subs = new Subscriptions();
    expect(subs.subscribe("A", data(2, 2), all).first).toEqual([2]);
    expect(subs.dataSubscribers(2)?.version).toBe(1);
    expect(subs.unsubscribe("A", [2, 2])).toEqual({ last: [2] });
    expect(subs.dataSubscribers(2)?.version).toBe(2);
  });

  it("hands out immutable snapshots that later changes do not alter", () => {
    const subs = new Subscriptions();
    subs.subscribe("A", data(1), all);
    const snapshot = subs.dataSubscribers(1);
    subs.subscribe("B", data(1), all);
    expect(snapshot).toEqual({ subscribers: ["A"], version: 1 });
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot?.subscribers)).toBe(true);
  });

  it("wraps versions at 2^32", () => {
    expect(nextVersion(0)).toBe(1);
    expect(nextVersion(41)).toBe(42);
    expect(nextVersion(0xffff_fffe)).toBe(0xffff_ffff);
    expect(nextVersion(0xffff_ffff)).toBe(0);
  });
});

describe("Subscriptions: first/last transitions (spec 8.5-8.7)", () => {
  it("reports first subscribers in request order", () => {
    const subs = new Subscriptions();
    expect(subs.subscribe("A", data(3, 1, 2), all).first).toEqual([3, 1, 2]);
    expect(subs.subscribe("B", data(2, 4), all).first).toEqual([4]);
    expect(subs.anySubscribers(2)).toEqual(["A", "B"]);
  });

  it("reports last only for channels a participant actually emptied", () => {
    const subs = new Subscriptions();
    subs.subscribe("A", data(1, 2, 3), all);
    subs.subscribe("B", data(2), all);
    expect(subs.unsubscribe("A", [1, 2])).toEqual({ last: [1] });
    expect(subs.anySubscribers(2)).toEqual(["B"]);
    expect(subs.removeParticipant("B")).toEqual({ last: [2] });
    expect(subs.removeParticipant("A")).toEqual({ last: [3] });
    expect(subs.removeParticipant("A")).toEqual({ last: [] });
  });

  it("participant removal bumps versions only where it was subscribed", () => {
    const subs = new Subscriptions();
    subs.subscribe("A", data(1, 2), all);
    subs.subscribe("B", data(2, 3), all);
    subs.removeParticipant("A");
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: [], version: 2 });
    expect(subs.dataSubscribers(2)).toEqual({ subscribers: ["B"], version: 3 });
    expect(subs.dataSubscribers(3)).toEqual({ subscribers: ["B"], version: 1 });
  });

  it("removeChannel forgets the channel, version included", () => {
    const subs = new Subscriptions();
    subs.subscribe("A", data(1, 2), all);
    subs.subscribe("B", data(1), all);
    subs.removeChannel(1);
    expect(subs.dataSubscribers(1)).toBeUndefined();
    expect(subs.hasDataSubscribers(1)).toBe(false);
    expect(subs.anySubscribers(1)).toEqual([]);
    expect(subs.removeParticipant("A")).toEqual({ last: [2] });
    // A channel with the same id (ids are never reused, but still) starts from scratch.
    expect(subs.subscribe("A", data(1), all).first).toEqual([1]);
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: ["A"], version: 1 });
  });
});

describe("Subscriptions: skipped entries (spec 8.5, 8.12, 8.13, 14.7)", () => {
  it("reports every video request as unsupported and skips it", () => {
    const subs = new Subscriptions();
    const result = subs.subscribe("A", [...video(5), ...data(6)], all);
    expect(result).toEqual({ first: [6], unsupportedVideo: [5], notAdvertised: [] });
    expect(subs.dataSubscribers(5)).toBeUndefined();
    expect(subs.anySubscribers(5)).toEqual([]);
  });

  it("leaves an existing data subscription untouched by a video request", () => {
    const subs = new Subscriptions();
    subs.subscribe("A", data(1), all);
    const before = subs.dataSubscribers(1);
    expect(subs.subscribe("A", video(1), all).unsupportedVideo).toEqual([1]);
    expect(subs.dataSubscribers(1)).toBe(before);
    expect(subs.anySubscribers(1)).toEqual(["A"]);
  });

  it("answers a video request for an unadvertised id like the reference (status, no state)", () => {
    const subs = new Subscriptions();
    const result = subs.subscribe("A", video(9), () => false);
    expect(result).toEqual({ first: [], unsupportedVideo: [9], notAdvertised: [] });
  });

  it("skips ids that are not advertised, creating no state", () => {
    const subs = new Subscriptions();
    const advertised = new Set([1]);
    const asked: number[] = [];
    const result = subs.subscribe("A", data(7, 1), (id) => {
      asked.push(id);
      return advertised.has(id);
    });
    expect(asked).toEqual([7, 1]);
    expect(result).toEqual({ first: [1], unsupportedVideo: [], notAdvertised: [7] });
    expect(subs.dataSubscribers(7)).toBeUndefined();
    expect(subs.anySubscribers(7)).toEqual([]);
  });
});
