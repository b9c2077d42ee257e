/** Largest delay `setTimeout` honours; larger values would fire immediately. */
const MAX_TIMER_MS = 2_147_483_647;

/** The signal of one request and what made it fire. */
export interface RequestSignal {
  /** Fires when the caller aborts or the total timeout expires. */
  readonly signal: AbortSignal;
  /** What fired first, if anything. */
  readonly firedBy: "caller" | "timeout" | undefined;
  /** Stops the timer and detaches from the caller's signal. Call it when the request settles. */
  dispose(): void;
}

/**
 * Combines a caller's optional `AbortSignal` with a total timeout, remembering which one fired first
 * so a failure can be classified as abort, timeout or network error.
 *
 * (ofetch's own `timeout` option is ignored when a signal is passed, hence this.)
 */
export function createRequestSignal(timeoutMs: number, callerSignal?: AbortSignal): RequestSignal {
  const controller = new AbortController();
  let firedBy: "caller" | "timeout" | undefined;
  const fire = (by: "caller" | "timeout", reason: unknown) => {
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
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}
