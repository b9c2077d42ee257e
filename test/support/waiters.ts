/** How often a wait re-checks even without news: the condition may depend on the gateway's side. */
const RECHECK_MS = 250;

/**
 * Waits for conditions on what a test viewer received: each wait re-checks whenever `wake()` says
 * something arrived, and every 250 ms, until its condition holds or its time is up.
 */
export class Waiters {
  readonly #waiting = new Set<() => void>();

  /** Something arrived: re-check every pending condition. */
  wake(): void {
    for (const waiter of [...this.#waiting]) waiter();
  }

  /**
   * Resolves with the first value `read` returns that is not `undefined`.
   *
   * @throws Error with `describeTimeout()`'s text once `timeoutMs` passed
   */
  async until<T>(
    read: () => T | undefined,
    timeoutMs: number,
    describeTimeout: () => string,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = read();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(describeTimeout());
      await new Promise<void>((resolve) => {
        const waiting = this.#waiting;
        const timer = setTimeout(done, Math.min(left, RECHECK_MS));
        function done() {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        }
        waiting.add(done);
      });
    }
  }
}
