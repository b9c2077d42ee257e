import { dispose } from "@livekit/rtc-node";

let disposing: Promise<void> | undefined;

/**
 * Releases rtc-node's native runtime. A process that ever connected does not exit until this is
 * called; after it, no connect settles again. Call it once, at process end; later calls are no-ops.
 */
export function disposeLivekit(): Promise<void> {
  disposing ??= dispose();
  return disposing;
}
