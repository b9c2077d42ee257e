/** Largest delay `setTimeout` honours; larger values would fire immediately. */
const MAX_TIMER_MS = 2_147_483_647;

/** The signal of one request and what made it fire. */
export interface RequestSignal {
  /** Fires when the caller aborts, the timeout expires or the owner closes the request. */
  readonly signal: AbortSignal;
  /** What fired first, if anything. */
  readonly firedBy: "caller" | "timeout" | "closed" | undefined;
  /**
   * Stops the timer only: the caller's signal keeps applying. For a stream, whose timeout covers
   * the wait for the response headers and not the body that follows.
   */
  stopTimer(): void;
  /** Aborts the request on its owner's behalf (a stream closed by its reader): `firedBy` "closed". */
  close(): void;
  /** Stops the timer and detaches from the caller's signal. Call it when the request settles. */
  dispose(): void;
}

/**
 * Combines a caller's optional `AbortSignal` with a timeout, remembering which one fired first so a
 * failure can be classified as abort, timeout or network error.
 *
 * (ofetch's own `timeout` option is ignored when a signal is passed, hence this.)
 */
export function createRequestSignal(timeoutMs: number, callerSignal?: AbortSignal): RequestSignal {
  const controller = new AbortController();
  let firedBy: "caller" | "timeout" | "closed" | undefined;
  const fire = (by: "caller" | "timeout" | "closed", reason: unknown) => {
    firedBy ??= by;
    controller.abort(reason);
  };
  const onCallerAbort = () => fire("caller", callerSignal?.reason);
  const timer = setTimeout(
    () => fire("timeout", new DOMException("Foxglove API request timed out", "TimeoutError")),
    Math.min(timeoutMs, MAX_TIMER_MS),
  );
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get firedBy() {
      return firedBy;
    },
    stopTimer() {
      clearTimeout(timer);
    },
    close() {
      fire("closed", new DOMException("Foxglove API stream closed", "AbortError"));
    },
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}
