import { createWebSocketInspector, type StatelyInspectionEvent } from "@statelyai/inspect";
import type { InspectionEvent, Observer } from "xstate";
import { redact } from "../redact.js";
import { toJson } from "./summarize.js";

export interface StatelyInspectorOptions {
  /** The WebSocket the events go to, e.g. a {@link startStatelyBridge} bridge's `socketUrl`. */
  url: string;
  /** Strings scrubbed from everything sent (the device token); JWTs are scrubbed by shape. */
  secrets?: readonly string[];
}

/** An XState inspector feeding the Stately inspector. */
export interface StatelyInspector {
  /** Pass it as `startGateway({ inspect })`. */
  inspect: Observer<InspectionEvent>;
  stop(): void;
}

/**
 * The official Stately inspector (`@statelyai/inspect`, XState v5's), with a redacting last step:
 * every event it sends is turned into plain JSON and scrubbed of the given secrets and of anything
 * shaped like a JWT. The gateway keeps its secrets out of the statechart to begin with; this makes
 * sure nothing an embedding app adds leaks either.
 *
 * @example
 * const bridge = await startStatelyBridge();
 * const stately = createStatelyInspector({ url: bridge.socketUrl, secrets: [deviceToken] });
 * const gateway = startGateway({ deviceToken, inspect: stately.inspect });
 * console.log(`open ${bridge.pageUrl}`);
 */
export function createStatelyInspector(options: StatelyInspectorOptions): StatelyInspector {
  const secrets = options.secrets ?? [];
  const inspector = createWebSocketInspector({
    url: options.url,
    serialize: (event) => JSON.parse(redact(toJson(event), secrets)) as StatelyInspectionEvent,
  });
  return { inspect: inspector.inspect, stop: () => inspector.stop() };
}
