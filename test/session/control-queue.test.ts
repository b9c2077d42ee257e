import { getEventListeners } from "node:events";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ControlMessage,
  ControlQueue,
  Notifier,
  nextByPriority,
} from "../../src/session/control-queue.js";
import { LossyQueue } from "../../src/session/lossy-queue.js";

/** Lets every pending promise callback run (deterministic: no timers involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const frame = (text: string) => new TextEncoder().encode(text);
const message = (target: string, text: string): ControlMessage => ({ target, frame: frame(text) });

/** Tracks a promise's state without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T } = { done: false };
  void promise.then((value) => {
    state.done = true;
    state.value = value;
  });
  return state;
}

describe("Notifier", () => {
  it("resolves waiters on notify, all of them", async () => {
    const notifier = new Notifier();
    const a = track(notifier.wait());
    const b = track(notifier.wait());
    await settle();
    expect(a.done || b.done).toBe(false);
    expect(notifier.waiting).toBe(2);
    notifier.notify();
    await settle();
    expect(a.done && b.done).toBe(true);
    expect(notifier.waiting).toBe(0);
  });

  it("is not sticky: a notify with nobody waiting is lost", async () => {
    const notifier = new Notifier();
    notifier.notify();
    const waiter = track(notifier.wait());
    await settle();
    expect(waiter.done).toBe(false);
    notifier.notify();
    await settle();
    expect(waiter.done).toBe(true);
  });

  it("resolves on abort, unregisters the waiter and its listener", async () => {
    const notifier = new Notifier();
    const controller = new AbortController();
    const waiter = track(notifier.wait(controller.signal));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    await settle();
    expect(waiter.done).toBe(true);
    expect(notifier.waiting).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("removes the abort listener when notified", async () => {
    const notifier = new Notifier();
    const controller = new AbortController();
    const waiter = track(notifier.wait(controller.signal));
    notifier.notify();
    await settle();
    expect(waiter.done).toBe(true);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("returns at once for an already-aborted signal, registering nothing", async () => {
    const notifier = new Notifier();
    await notifier.wait(AbortSignal.abort());
    expect(notifier.waiting).toBe(0);
  });
});

describe("ControlQueue (spec 8.10)", () => {
  it("is FIFO and never drops, far beyond the data backlog", () => {
    const queue = new ControlQueue();
    for (let i = 0; i < 5000; i++) expect(queue.push(message("p", String(i)))).toBe(true);
    expect(queue.length).toBe(5000);
    for (let i = 0; i < 5000; i++) {
      expect(new TextDecoder().decode(queue.shift()?.frame)).toBe(String(i));
    }
    expect(queue.shift()).toBeUndefined();
    expect(queue.length).toBe(0);
  });

  it("behaves like a model FIFO under any interleaving (across compactions)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(-1), fc.nat({ max: 2500 })), { maxLength: 30 }),
        (ops) => {
          const queue = new ControlQueue();
          const model: string[] = [];
          const mismatches: string[] = [];
          const take = () => {
            const expected = model.shift();
            const actual = queue.shift()?.target;
            if (actual !== expected) mismatches.push(`${String(actual)} != ${String(expected)}`);
          };
          let next = 0;
          for (const op of ops) {
            if (op < 0) {
              take();
              continue;
            }
            // A burst of pushes, then half as many shifts: the head crosses the compaction threshold.
            for (let i = 0; i < op; i++) {
              const target = `t${next++}`;
              queue.push({ target, frame: new Uint8Array() });
              model.push(target);
            }
            for (let i = 0; i < op / 2; i++) take();
            if (queue.length !== model.length) mismatches.push("length");
          }
          while (model.length > 0) take();
          expect(mismatches).toEqual([]);
          expect(queue.length).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("broadcasts one message per target with the same bytes, in order", () => {
    const queue = new ControlQueue();
    const bytes = frame("advertise");
    expect(queue.pushToAll(["a", "b", "c"], bytes)).toBe(3);
    const taken = [queue.shift(), queue.shift(), queue.shift()];
    expect(taken.map((m) => m?.target)).toEqual(["a", "b", "c"]);
    for (const m of taken) expect(m?.frame).toBe(bytes);
  });

  it("after close: discards pushes (counted apart), still drains, then next() ends", async () => {
    const queue = new ControlQueue();
    queue.push(message("a", "1"));
    queue.close();
    expect(queue.closed).toBe(true);
    expect(queue.push(message("a", "2"))).toBe(false);
    expect(queue.pushToAll(["a", "b"], frame("3"))).toBe(0);
    expect(queue.discardedAfterClose).toBe(3);
    expect((await queue.next())?.target).toBe("a");
    await expect(queue.next()).resolves.toBeUndefined();
  });

  it("next() waits for a push, and resolves undefined on abort without leaking", async () => {
    const queue = new ControlQueue();
    const first = track(queue.next());
    await settle();
    expect(first.done).toBe(false);
    queue.push(message("a", "x"));
    await settle();
    expect(first.value?.target).toBe("a");

    const controller = new AbortController();
    const second = queue.next(controller.signal);
    await settle();
    controller.abort();
    await expect(second).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(queue.notifier.waiting).toBe(0);
  });

  it("close wakes a waiting next()", async () => {
    const queue = new ControlQueue();
    const pending = queue.next();
    queue.close();
    await expect(pending).resolves.toBeUndefined();
  });
});

describe("nextByPriority (spec 8.11)", () => {
  function queues() {
    const notifier = new Notifier();
    return {
      control: new ControlQueue({ notifier }),
      data: new LossyQueue<string>({ capacity: 8, notifier }),
    };
  }

  it("serves control before data, whatever the arrival order", async () => {
    const { control, data } = queues();
    data.push("d1");
    data.push("d2");
    control.push(message("a", "c1"));
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await nextByPriority(control, data);
      if (next?.kind === "control") order.push(new TextDecoder().decode(next.item.frame));
      if (next?.kind === "data") order.push(next.item);
    }
    expect(order).toEqual(["c1", "d1", "d2"]);
  });

  it("lets control pushed while data is pending overtake it (between iterations)", async () => {
    const { control, data } = queues();
    data.push("d1");
    data.push("d2");
    expect(await nextByPriority(control, data)).toEqual({ kind: "data", item: "d1" });
    control.push(message("a", "c"));
    expect((await nextByPriority(control, data))?.kind).toBe("control");
    expect(await nextByPriority(control, data)).toEqual({ kind: "data", item: "d2" });
  });

  it("sleeps until either queue gets something", async () => {
    const { control, data } = queues();
    const first = track(nextByPriority(control, data));
    await settle();
    expect(first.done).toBe(false);
    data.push("d");
    await settle();
    expect(first.value).toEqual({ kind: "data", item: "d" });

    const second = track(nextByPriority(control, data));
    await settle();
    expect(second.done).toBe(false);
    control.push(message("b", "c"));
    await settle();
    expect(second.value?.kind).toBe("control");
    expect(control.notifier.waiting).toBe(0);
  });

  it("returns undefined on cancellation, even with items queued, without leaking", async () => {
    const { control, data } = queues();
    control.push(message("a", "c"));
    await expect(nextByPriority(control, data, AbortSignal.abort())).resolves.toBeUndefined();
    expect(control.length).toBe(1);

    control.shift();
    const controller = new AbortController();
    const pending = nextByPriority(control, data, controller.signal);
    await settle();
    controller.abort();
    await expect(pending).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(control.notifier.waiting).toBe(0);
  });

  it("ends only when both queues are closed and drained", async () => {
    const { control, data } = queues();
    data.push("d");
    control.close();
    expect(await nextByPriority(control, data)).toEqual({ kind: "data", item: "d" });
    const pending = track(nextByPriority(control, data));
    await settle();
    expect(pending.done).toBe(false);
    data.close();
    await settle();
    expect(pending.done).toBe(true);
    expect(pending.value).toBeUndefined();
  });

  it("refuses queues that do not share a notifier", async () => {
    await expect(nextByPriority(new ControlQueue(), new LossyQueue<string>())).rejects.toThrow(
      /share one Notifier/,
    );
  });
});
