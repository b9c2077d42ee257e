import { afterAll, onTestFinished } from "vitest";

/**
 * Runs `fn` when the current test ends, or when the file ends if called outside a test. (Vitest
 * ignores an `afterAll` registered from inside a test: resources started there would leak.)
 */
export function cleanUp(fn: () => unknown): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    afterAll(async () => {
      await fn();
    });
  }
}
