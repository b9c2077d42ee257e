import { inject } from "vitest";
import { type LivekitServerOptions, LocalLivekitServer } from "../../src/dev/livekit-server.js";
import { cleanUp } from "./clean-up.js";

/**
 * Starts a real livekit-server on loopback for the current test file; it is stopped after the file.
 */
export async function startLivekitServer(
  options: Omit<LivekitServerOptions, "binary"> = {},
): Promise<LocalLivekitServer> {
  const server = await LocalLivekitServer.start({
    binary: inject("livekitServerBinary"),
    ...options,
  });
  cleanUp(() => server.stop());
  return server;
}
