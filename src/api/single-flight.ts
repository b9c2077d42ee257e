/** One shared run of a task; see {@link createSingleFlight}. */
export interface SingleFlight<T> {
  /**
   * Joins the run in flight, or starts one. Rejects with `abortError(reason)` as soon as the
   * caller's own signal fires, without disturbing the other callers.
   */
  run(signal?: AbortSignal): Promise<T>;
  /** Forgets the run in flight: its callers still get its result, the next caller starts anew. */
  detach(): void;
}

interface Flight<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiters: number;
}

/**
 * Shares one in-flight `task` among concurrent callers (the TS stand-in for the reference's
 * lock-and-recheck, spec 4). Each caller brings its own `AbortSignal`; the task gets a signal of
 * its own that fires only when *every* caller has given up, so one caller's abort never fails the
 * others, yet a lone caller's abort (a gateway stop) still cancels the HTTP request.
 */
export function createSingleFlight<T>(
  task: (signal: AbortSignal) => Promise<T>,
  abortError: (reason: unknown) => Error,
): SingleFlight<T> {
  let current: Flight<T> | undefined;

  function start(): Flight<T> {
    const controller = new AbortController();
    const promise = task(controller.signal).finally(() => {
      if (current === flight) current = undefined;
    });
    // If every caller left, nobody awaits the (aborted) task: keep its rejection handled.
    promise.catch(() => {});
    const flight: Flight<T> = { promise, controller, waiters: 0 };
    return flight;
  }

  return {
    run(signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal.reason));
      current ??= start();
      const flight = current;
      flight.waiters++;
      return new Promise<T>((resolve, reject) => {
        let left = false;
        const leave = () => {
          left = true;
          flight.waiters--;
          signal?.removeEventListener("abort", onAbort);
        };
        const onAbort = () => {
          if (left) return;
          leave();
          reject(abortError(signal?.reason));
          if (flight.waiters === 0) {
            // Detach first so a caller arriving now starts a fresh run instead of joining a dying one.
            if (current === flight) current = undefined;
            flight.controller.abort(signal?.reason);
          }
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        flight.promise.then(
          (value) => {
            if (left) return;
            leave();
            resolve(value);
          },
          (error: unknown) => {
            if (left) return;
            leave();
            reject(error);
          },
        );
      });
    },
    detach() {
      current = undefined;
    },
  };
}
