import { describe, expect, it } from "vitest";
import { type SubscribeEntry, Subscriptions } from "../../src/session/subscriptions.js";
import { dataTopic, WriterCache } from "../../src/session/writer-cache.js";

/** Lets every pending promise callback run (deterministic: no timers involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const data = (id: number): SubscribeEntry[] => [{ id, requestVideoTrack: false }];
const all = () => true;

class FakeWriter {
  closes = 0;
  constructor(
    readonly topic: string,
    readonly destinations: readonly string[],
    private readonly closeImpl: () => Promise<void> = async () => {},
  ) {}
  close(): Promise<void> {
    this.closes++;
    return this.closeImpl();
  }
}

/** An `open` callback that records every stream it opens. */
function opener(closeImpl?: () => Promise<void>) {
  const opened: FakeWriter[] = [];
  const open = async (topic: string, destinations: readonly string[]) => {
    const writer = new FakeWriter(topic, destinations, closeImpl);
    opened.push(writer);
    return writer;
  };
  return { open, opened };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("dataTopic", () => {
  it("is ch-<decimal id>", () => {
    expect(dataTopic(1)).toBe("ch-1");
    expect(dataTopic(9007199254740991)).toBe("ch-9007199254740991");
  });
});

describe("WriterCache (spec 8.11, scenario 10.15)", () => {
  it("walks the 10.15 sequence", async () => {
    const subs = new Subscriptions();
    const { open, opened } = opener();
    const cache = new WriterCache(open);

    // 1. A subscribes (v1); m1 opens ch-1 → [A].
    subs.subscribe("A", data(1), all);
    const m1 = await cache.acquire(1, subs.dataSubscribers(1));
    expect(m1).toEqual({ kind: "opened", writer: opened[0], destinations: ["A"] });
    expect(opened[0]).toMatchObject({ topic: "ch-1", destinations: ["A"] });
    expect(cache.cachedVersion(1)).toBe(1);

    // 2. m2 reuses it.
    const m2 = await cache.acquire(1, subs.dataSubscribers(1));
    expect(m2).toEqual({ kind: "reused", writer: opened[0] });
    expect(opened).toHaveLength(1);

    // 3. B subscribes (v2); m3 opens [A, B] and closes the old stream.
    subs.subscribe("B", data(1), all);
    const m3 = await cache.acquire(1, subs.dataSubscribers(1));
    expect(m3.kind).toBe("opened");
    expect(opened).toHaveLength(2);
    expect(opened[1]?.destinations).toEqual(["A", "B"]);
    expect(opened[0]?.closes).toBe(1);
    expect(opened[1]?.closes).toBe(0);

    // 4. A leaves and comes back (v4); m4 opens [B, A].
    subs.unsubscribe("A", [1]);
    subs.subscribe("A", data(1), all);
    const m4 = await cache.acquire(1, subs.dataSubscribers(1));
    expect(m4.kind === "opened" && m4.writer).toBe(opened[2]);
    expect(opened[2]?.destinations).toEqual(["B", "A"]);
    expect(opened[1]?.closes).toBe(1);
    expect(cache.cachedVersion(1)).toBe(4);

    // 5. Both leave (v6, list empty); m5 is dropped and the writer closed.
    subs.removeParticipant("A");
    subs.removeParticipant("B");
    expect(subs.dataSubscribers(1)).toEqual({ subscribers: [], version: 6 });
    expect(await cache.acquire(1, subs.dataSubscribers(1))).toEqual({ kind: "dropped" });
    expect(opened[2]?.closes).toBe(1);
    expect(cache.size).toBe(0);
    expect(opened).toHaveLength(3);
  });

  it("drops without opening when the channel has no subscription at all", async () => {
    const { open, opened } = opener();
    const cache = new WriterCache(open);
    expect(await cache.acquire(7, undefined)).toEqual({ kind: "dropped" });
    expect(opened).toHaveLength(0);
  });

  it("keeps one writer per channel", async () => {
    const { open, opened } = opener();
    const cache = new WriterCache(open);
    await cache.acquire(1, { subscribers: ["A"], version: 1 });
    await cache.acquire(2, { subscribers: ["B"], version: 1 });
    expect(opened.map((w) => w.topic)).toEqual(["ch-1", "ch-2"]);
    expect((await cache.acquire(1, { subscribers: ["A"], version: 1 })).kind).toBe("reused");
    expect((await cache.acquire(2, { subscribers: ["B"], version: 1 })).kind).toBe("reused");
    expect(cache.size).toBe(2);
  });

  it("opens to a snapshot taken before the await; a change meanwhile reopens next time", async () => {
    const subs = new Subscriptions();
    subs.subscribe("A", data(1), all);
    const gate = deferred();
    const opened: FakeWriter[] = [];
    const cache = new WriterCache(async (topic, destinations) => {
      await gate.promise;
      const writer = new FakeWriter(topic, destinations);
      opened.push(writer);
      return writer;
    });
    const pending = cache.acquire(1, subs.dataSubscribers(1));
    subs.subscribe("B", data(1), all); // while the stream is opening
    gate.resolve();
    expect((await pending).kind).toBe("opened");
    expect(opened[0]?.destinations).toEqual(["A"]);
    expect(cache.cachedVersion(1)).toBe(1);
    expect((await cache.acquire(1, subs.dataSubscribers(1))).kind).toBe("opened");
    expect(opened[1]?.destinations).toEqual(["A", "B"]);
  });

  it("a failed open drops the message, forgets (and closes) the old writer, retries next time", async () => {
    const { open, opened } = opener();
    let fail = false;
    const cache = new WriterCache<FakeWriter>(async (topic, destinations) => {
      if (fail) throw new Error("no stream");
      return open(topic, destinations);
    });
    await cache.acquire(1, { subscribers: ["A"], version: 1 });
    fail = true;
    const failed = await cache.acquire(1, { subscribers: ["A", "B"], version: 2 });
    expect(failed.kind).toBe("open-failed");
    expect(failed.kind === "open-failed" && (failed.error as Error).message).toBe("no stream");
    expect(opened[0]?.closes).toBe(1);
    expect(cache.size).toBe(0);
    fail = false;
    expect((await cache.acquire(1, { subscribers: ["A", "B"], version: 2 })).kind).toBe("opened");
  });

  it("invalidate (after a failed write) closes the writer; the same version then reopens", async () => {
    const { open, opened } = opener();
    const cache = new WriterCache(open);
    const subscription = { subscribers: ["A"], version: 3 };
    await cache.acquire(1, subscription);
    await cache.invalidate(1);
    expect(opened[0]?.closes).toBe(1);
    expect(cache.cachedVersion(1)).toBeUndefined();
    expect((await cache.acquire(1, subscription)).kind).toBe("opened");
    expect(opened).toHaveLength(2);
    await cache.invalidate(99); // unknown channel: nothing to do
  });

  it("reports close errors, sync or async, without ever rejecting", async () => {
    const errors: [unknown, number][] = [];
    const cache = new WriterCache<FakeWriter>(
      async (topic, destinations) =>
        new FakeWriter(topic, destinations, () => {
          if (topic === "ch-1") throw new Error("sync");
          return Promise.reject(new Error("async"));
        }),
      { onCloseError: (error, channelId) => errors.push([error, channelId]) },
    );
    await cache.acquire(1, { subscribers: ["A"], version: 1 });
    await cache.acquire(2, { subscribers: ["A"], version: 1 });
    await expect(cache.invalidate(1)).resolves.toBeUndefined();
    await expect(cache.closeAll()).resolves.toBeUndefined();
    expect(errors.map(([e, id]) => [(e as Error).message, id])).toEqual([
      ["sync", 1],
      ["async", 2],
    ]);
  });

  it("survives a throwing error reporter", async () => {
    const { open } = opener(() => Promise.reject(new Error("close failed")));
    const cache = new WriterCache(open, {
      onCloseError: () => {
        throw new Error("reporter broke");
      },
    });
    await cache.acquire(1, { subscribers: ["A"], version: 1 });
    await expect(cache.closeAll()).resolves.toBeUndefined();
  });

  it("does not wait for the old writer's close when opening a new one", async () => {
    const gate = deferred();
    const { open, opened } = opener(() => gate.promise);
    const cache = new WriterCache(open);
    await cache.acquire(1, { subscribers: ["A"], version: 1 });
    const next = await cache.acquire(1, { subscribers: ["B"], version: 2 });
    expect(next.kind).toBe("opened");
    expect(opened[0]?.closes).toBe(1);
    gate.resolve();
  });

  it("closeAll closes every writer, waits for closes in progress, and is terminal", async () => {
    const gate = deferred();
    const { open, opened } = opener(() => gate.promise);
    const cache = new WriterCache(open);
    await cache.acquire(1, { subscribers: ["A"], version: 1 });
    await cache.acquire(1, { subscribers: ["A", "B"], version: 2 }); // closing #0 in progress
    await cache.acquire(2, { subscribers: ["A"], version: 1 });

    let done = false;
    const closing = cache.closeAll().then(() => {
      done = true;
    });
    await settle();
    expect(opened.map((w) => w.closes)).toEqual([1, 1, 1]);
    expect(done).toBe(false);
    gate.resolve();
    await closing;
    expect(cache.size).toBe(0);

    expect(await cache.acquire(3, { subscribers: ["A"], version: 1 })).toEqual({
      kind: "dropped",
    });
    expect(opened).toHaveLength(3);
  });

  it("closes a writer whose open completes after closeAll", async () => {
    const gate = deferred();
    const opened: FakeWriter[] = [];
    const cache = new WriterCache(async (topic, destinations) => {
      await gate.promise;
      const writer = new FakeWriter(topic, destinations);
      opened.push(writer);
      return writer;
    });
    const pending = cache.acquire(1, { subscribers: ["A"], version: 1 });
    await cache.closeAll();
    gate.resolve();
    expect(await pending).toEqual({ kind: "dropped" });
    expect(opened[0]?.closes).toBe(1);
    expect(cache.size).toBe(0);
  });
});
