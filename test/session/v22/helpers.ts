import type { ServerMessage } from "../../../src/protocol/index.js";
import type { ControlViewer } from "../../support/control-viewer.js";
import type { SessionStack } from "../../support/session-stack.js";

/** A type guard for one `op`. */
export const op =
  <K extends ServerMessage["op"]>(name: K) =>
  (m: ServerMessage): m is Extract<ServerMessage, { op: K }> =>
    m.op === name;

/** A protocol 2.2 viewer that has been welcomed (its `serverInfo` arrived). */
export async function welcomedViewer(
  stack: SessionStack,
  identity = "viewer-1",
): Promise<ControlViewer> {
  const viewer = await stack.controlViewer(identity);
  await viewer.nextControl(op("serverInfo"));
  return viewer;
}

/** The messages of `op` received so far (filtered copy). */
export function received<K extends ServerMessage["op"]>(
  viewer: ControlViewer,
  name: K,
): Array<Extract<ServerMessage, { op: K }>> {
  return viewer.control.filter(op(name));
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
