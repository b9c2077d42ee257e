import type { Sink } from "./sink.js";

/** Which sink callback threw. */
export type SinkCallback = "addChannels" | "removeChannel" | "log";

/**
 * Told about every error a sink throws. The context has already caught it: the app's `log`
 * call, other sinks and the context itself carry on as if nothing happened.
 */
export type SinkErrorHandler = (error: unknown, sink: Sink, callback: SinkCallback) => void;

/**
 * The default handler: one `console.warn` for the first error, silence afterwards, so that a sink
 * failing on every message cannot flood the app's output.
 *
 * @example
 * const onSinkError = warnOnce();
 * onSinkError(new Error("boom"), sink, "log"); // warns
 * onSinkError(new Error("boom"), sink, "log"); // silent
 */
export function warnOnce(): SinkErrorHandler {
  let warned = false;
  return (error, _sink, callback) => {
    if (warned) return;
    warned = true;
    console.warn(
      `[foxglove context] a sink threw from ${callback}() (further sink errors are not reported):`,
      error,
    );
  };
}
