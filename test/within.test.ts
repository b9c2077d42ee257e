import { describe, expect, it, vi } from "vitest";
import { timeLimit, within } from "../src/within.js";

describe("time limits", () => {
  it("within() waits for the promise, or the time, and swallows a rejection", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      await within(Promise.reject(new Error("late")), 1_000);
      await within(new Promise(() => {}), 5);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("timeLimit() settles like the promise, or rejects with the timeout's error", async () => {
    await expect(timeLimit(Promise.resolve(7), 1_000, () => new Error("slow"))).resolves.toBe(7);
    await expect(
      timeLimit(Promise.reject(new Error("bad")), 1_000, () => new Error("slow")),
    ).rejects.toThrow("bad");
    await expect(timeLimit(new Promise(() => {}), 5, () => new Error("slow"))).rejects.toThrow(
      "slow",
    );
  });
});
