import { describe, expect, it } from "vitest";
import { createSingleFlight } from "../../src/api/single-flight.js";

/** A task whose settlement the test controls, recording the signals it was given. */
function controllableTask() {
  const signals: AbortSignal[] = [];
  const settle: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const task = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      signals.push(signal);
      settle.push({ resolve, reject });
    });
  return { task, signals, settle };
}

const abortError = (reason: unknown) => new Error(`aborted: ${String(reason)}`);

describe("createSingleFlight", () => {
  it("concurrent callers share one run and all get its value", async () => {
    const { task, signals, settle } = controllableTask();
    const flight = createSingleFlight(task, abortError);
    const results = Promise.all([flight.run(), flight.run(), flight.run()]);
    expect(signals).toHaveLength(1);
    settle[0]?.resolve("v");
    expect(await results).toEqual(["v", "v", "v"]);
  });

  it("a settled run is not reused", async () => {
    const { task, signals, settle } = controllableTask();
    const flight = createSingleFlight(task, abortError);
    const first = flight.run();
    settle[0]?.resolve("one");
    await first;
    const second = flight.run();
    expect(signals).toHaveLength(2);
    settle[1]?.reject(new Error("boom"));
    await expect(second).rejects.toThrow("boom");
  });

  it("one caller's abort rejects only that caller and leaves the run alive", async () => {
    const { task, signals, settle } = controllableTask();
    const flight = createSingleFlight(task, abortError);
    const controller = new AbortController();
    const leaving = flight.run(controller.signal);
    const staying = flight.run();
    controller.abort("bye");
    await expect(leaving).rejects.toThrow("aborted: bye");
    expect(signals[0]?.aborted).toBe(false);
    settle[0]?.resolve("v");
    expect(await staying).toBe("v");
  });

  it("the run is aborted once every caller has left, and the next caller starts anew", async () => {
    const { task, signals, settle } = controllableTask();
    const flight = createSingleFlight(task, abortError);
    const a = new AbortController();
    const b = new AbortController();
    const runA = flight.run(a.signal);
    const runB = flight.run(b.signal);
    a.abort();
    expect(signals[0]?.aborted).toBe(false);
    b.abort();
    expect(signals[0]?.aborted).toBe(true);
    await expect(runA).rejects.toThrow("aborted");
    await expect(runB).rejects.toThrow("aborted");
    settle[0]?.reject(new Error("cancelled"));
    const fresh = flight.run();
    expect(signals).toHaveLength(2);
    settle[1]?.resolve("new");
    expect(await fresh).toBe("new");
  });

  it("an already-aborted signal rejects without starting a run", async () => {
    const { task, signals } = controllableTask();
    const flight = createSingleFlight(task, abortError);
    await expect(flight.run(AbortSignal.abort("early"))).rejects.toThrow("aborted: early");
    expect(signals).toHaveLength(0);
  });

  it("detach lets the old run answer its callers while new callers start another", async () => {
    const { task, signals, settle } = controllableTask();
    const flight = createSingleFlight(task, abortError);
    const old = flight.run();
    flight.detach();
    const fresh = flight.run();
    expect(signals).toHaveLength(2);
    settle[0]?.resolve("old");
    settle[1]?.resolve("fresh");
    expect(await old).toBe("old");
    expect(await fresh).toBe("fresh");
  });
});
