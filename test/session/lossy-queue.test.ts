import { getEventListeners } from "node:events";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Notifier } from "../../src/session/control-queue.js";
import {
  DEFAULT_MESSAGE_BACKLOG,
  LossyQueue,
  type LossyTarget,
  MAX_EVICTIONS,
  sendLossy,
} from "../../src/session/lossy-queue.js";

/** Lets every pending promise callback run (deterministic: no timers involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function drain<T extends {} | null>(queue: LossyQueue<T>): T[] {
  const items: T[] = [];
  while (queue.length > 0) items.push(queue.shift() as T);
  return items;
}

/** A LossyTarget that records calls; `free` says, per append attempt, whether there is room. */
function recordingTarget(free: (attempt: number) => boolean, evictable: boolean) {
  const calls: string[] = [];
  let attempts = 0;
  const target: LossyTarget<string> = {
    tryPush: (item) => {
      calls.push(`push ${item}`);
      return free(attempts++);
    },
    evictOldest: () => {
      calls.push("evict");
      return evictable;
    },
  };
  return { target, calls };
}

describe("sendLossy (spec 8.9)", () => {
  it("10.14 capacity 0: tries to append four times, then drops the new message", () => {
    const { target, calls } = recordingTarget(() => false, false);
    expect(sendLossy(target, "m")).toEqual({ queued: false, evicted: 0 });
    expect(calls).toEqual(["push m", "evict", "push m", "evict", "push m", "evict", "push m"]);
  });

  it("evicts at most three items, then drops the new one (a queue that stays full)", () => {
    const { target, calls } = recordingTarget(() => false, true);
    expect(sendLossy(target, "m")).toEqual({ queued: false, evicted: MAX_EVICTIONS });
    expect(calls.filter((c) => c === "evict")).toHaveLength(3);
    expect(calls.filter((c) => c === "push m")).toHaveLength(4);
  });

  it("stops as soon as an append succeeds", () => {
    const { target, calls } = recordingTarget((attempt) => attempt === 2, true);
    expect(sendLossy(target, "m")).toEqual({ queued: true, evicted: 2 });
    expect(calls).toEqual(["push m", "evict", "push m", "evict", "push m"]);
  });

  it("does not touch the queue when there is room", () => {
    const { target, calls } = recordingTarget(() => true, true);
    expect(sendLossy(target, "m")).toEqual({ queued: true, evicted: 0 });
    expect(calls).toEqual(["push m"]);
  });

  it("honours a custom eviction limit", () => {
    const { target, calls } = recordingTarget(() => false, true);
    expect(sendLossy(target, "m", 1)).toEqual({ queued: false, evicted: 1 });
    expect(calls).toEqual(["push m", "evict", "push m"]);
  });
});

describe("LossyQueue", () => {
  it("10.14: [A, B] + C evicts A and leaves [B, C]", () => {
    const queue = new LossyQueue<string>({ capacity: 2 });
    expect(queue.push("A")).toBe(true);
    expect(queue.push("B")).toBe(true);
    expect(queue.dropped).toBe(0);
    expect(queue.push("C")).toBe(true);
    expect(queue.dropped).toBe(1);
    expect(drain(queue)).toEqual(["B", "C"]);
  });

  it("10.14: a capacity-0 queue drops every message and counts each", () => {
    const queue = new LossyQueue<string>({ capacity: 0 });
    for (let i = 1; i <= 5; i++) {
      expect(queue.push(`m${i}`)).toBe(false);
      expect(queue.dropped).toBe(i);
    }
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  it("with a stalled consumer keeps the newest `capacity` items, in order", () => {
    const queue = new LossyQueue<number>({ capacity: 4 });
    for (let i = 0; i < 10; i++) expect(queue.push(i)).toBe(true);
    expect(queue.length).toBe(4);
    expect(queue.dropped).toBe(6);
    expect(drain(queue)).toEqual([6, 7, 8, 9]);
  });

  it("defaults to the 1024-message backlog", () => {
    const queue = new LossyQueue<number>();
    expect(queue.capacity).toBe(DEFAULT_MESSAGE_BACKLOG);
    expect(DEFAULT_MESSAGE_BACKLOG).toBe(1024);
    for (let i = 0; i < 1025; i++) queue.push(i);
    expect(queue.length).toBe(1024);
    expect(queue.dropped).toBe(1);
    expect(queue.shift()).toBe(1);
  });

  it("rejects invalid capacities", () => {
    for (const capacity of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new LossyQueue({ capacity })).toThrow(RangeError);
    }
  });

  it("accepts null items", () => {
    const queue = new LossyQueue<string | null>({ capacity: 2 });
    queue.push(null);
    expect(queue.length).toBe(1);
    expect(queue.shift()).toBeNull();
    expect(queue.length).toBe(0);
  });

  it("behaves like a model FIFO under any interleaving (ring wrap-around)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.oneof(fc.constant("shift" as const), fc.integer({ min: 0, max: 99 })), {
          maxLength: 200,
        }),
        (capacity, ops) => {
          const queue = new LossyQueue<number>({ capacity });
          const model: number[] = [];
          let dropped = 0;
          for (const op of ops) {
            if (op === "shift") {
              expect(queue.shift()).toBe(model.shift());
            } else {
              const queued = capacity > 0;
              if (model.length === capacity && capacity > 0) {
                model.shift();
                dropped++;
              }
              if (queued) model.push(op);
              else dropped++;
              expect(queue.push(op)).toBe(queued);
            }
            expect(queue.length).toBe(model.length);
            expect(queue.dropped).toBe(dropped);
          }
          expect(drain(queue)).toEqual(model);
        },
      ),
    );
  });

  describe("close", () => {
    it("discards later pushes without counting them as drops", () => {
      const queue = new LossyQueue<string>({ capacity: 1 });
      queue.push("a");
      queue.push("b"); // evicts a
      queue.close();
      expect(queue.closed).toBe(true);
      expect(queue.push("c")).toBe(false);
      expect(queue.push("d")).toBe(false);
      expect(queue.dropped).toBe(1);
      expect(queue.discardedAfterClose).toBe(2);
      expect(drain(queue)).toEqual(["b"]);
    });

    it("lets next() drain what is queued, then resolve undefined", async () => {
      const queue = new LossyQueue<string>({ capacity: 4 });
      queue.push("a");
      queue.close();
      await expect(queue.next()).resolves.toBe("a");
      await expect(queue.next()).resolves.toBeUndefined();
    });

    it("wakes a waiting next() with undefined", async () => {
      const queue = new LossyQueue<string>({ capacity: 4 });
      const pending = queue.next();
      queue.close();
      await expect(pending).resolves.toBeUndefined();
      expect(queue.notifier.waiting).toBe(0);
    });
  });

  describe("next()", () => {
    it("returns a queued item immediately", async () => {
      const queue = new LossyQueue<string>({ capacity: 4 });
      queue.push("a");
      await expect(queue.next()).resolves.toBe("a");
    });

    it("waits until an item is pushed", async () => {
      const queue = new LossyQueue<string>({ capacity: 4 });
      let result: string | undefined | "pending" = "pending";
      const pending = queue.next().then((item) => {
        result = item;
      });
      await settle();
      expect(result).toBe("pending");
      expect(queue.notifier.waiting).toBe(1);
      queue.push("x");
      await pending;
      expect(result).toBe("x");
      expect(queue.length).toBe(0);
    });

    it("does not wake on a rejected push (capacity 0)", async () => {
      const queue = new LossyQueue<string>({ capacity: 0 });
      let woke = false;
      const controller = new AbortController();
      const pending = queue.next(controller.signal).then(() => {
        woke = true;
      });
      queue.push("x");
      await settle();
      expect(woke).toBe(false);
      controller.abort();
      await pending;
    });

    it("resolves undefined on abort and leaves no listener behind", async () => {
      const queue = new LossyQueue<string>({ capacity: 4 });
      const controller = new AbortController();
      const pending = queue.next(controller.signal);
      await settle();
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      controller.abort();
      await expect(pending).resolves.toBeUndefined();
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      expect(queue.notifier.waiting).toBe(0);
    });

    it("removes its abort listener when an item arrives (a long-lived signal does not leak)", async () => {
      const queue = new LossyQueue<number>({ capacity: 4 });
      const controller = new AbortController();
      for (let i = 0; i < 50; i++) {
        const pending = queue.next(controller.signal);
        await settle();
        queue.push(i);
        await expect(pending).resolves.toBe(i);
      }
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      expect(queue.notifier.waiting).toBe(0);
    });

    it("gives cancellation priority over queued items", async () => {
      const queue = new LossyQueue<string>({ capacity: 4 });
      queue.push("a");
      await expect(queue.next(AbortSignal.abort())).resolves.toBeUndefined();
      expect(queue.length).toBe(1);
    });

    it("wakes on a shared notifier's other traffic and keeps waiting for its own item", async () => {
      const notifier = new Notifier();
      const queue = new LossyQueue<string>({ capacity: 4, notifier });
      let result: string | undefined | "pending" = "pending";
      const pending = queue.next().then((item) => {
        result = item;
      });
      await settle();
      notifier.notify(); // e.g. a control message: not for this consumer
      await settle();
      expect(result).toBe("pending");
      expect(notifier.waiting).toBe(1);
      queue.push("mine");
      await pending;
      expect(result).toBe("mine");
    });
  });
});

describe("LossyQueue.peek", () => {
  it("shows the oldest item without taking it", () => {
    const queue = new LossyQueue<string>({ capacity: 2 });
    expect(queue.peek()).toBeUndefined();
    queue.push("a");
    queue.push("b");
    queue.push("c"); // evicts a
    expect(queue.peek()).toBe("b");
    expect(queue.length).toBe(2);
    expect(queue.shift()).toBe("b");
    expect(queue.peek()).toBe("c");
  });
});
