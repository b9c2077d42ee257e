import { AccessToken } from "livekit-server-sdk";
import { DEV_DEVICE_TOKEN, type DevApi, startDevApi } from "./dev-api.js";
import { provisionLivekitServer } from "./livekit-binary.js";
import { LocalLivekitServer } from "./livekit-server.js";

/** A Foxglove platform in miniature, on loopback: a livekit-server and the dev API in front of it. */
export interface LocalStack {
  livekit: LocalLivekitServer;
  api: DevApi;
  /** The device token the dev API accepts. */
  deviceToken: string;
  /** A LiveKit token for a viewer to join the device's room as `identity` (valid for an hour). */
  /** A viewer's LiveKit token for the room, with participant attributes if given. */
  mintViewerToken(identity: string, attributes?: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Progress lines (provisioning livekit-server can take minutes the first time). */
  onProgress?: (line: string) => void;
}

/**
 * Starts everything a gateway needs to run on one machine with no account: livekit-server (built
 * with Go on first use) and the dev API minting tokens for it.
 *
 * @example
 * const stack = await startLocalStack({ onProgress: console.log });
 * const gateway = startGateway({ deviceToken: stack.deviceToken, apiUrl: stack.api.url });
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const progress = options.onProgress ?? (() => {});
  const binary = await provisionLivekitServer({ onProgress: progress });
  const livekit = await LocalLivekitServer.start({ binary: binary.path, log: progress });
  // A short wait for viewers: the gateway goes back to sleep soon after the last one leaves.
  const api = await startDevApi({ livekitUrl: livekit.url, deviceWaitForViewerMs: 10_000 }).catch(
    async (error: unknown) => {
      await livekit.stop();
      throw error;
    },
  );
  progress(`dev API ready at ${api.url} (device ${api.deviceId}, room ${api.roomName})`);
  return {
    livekit,
    api,
    deviceToken: DEV_DEVICE_TOKEN,
    mintViewerToken(identity, attributes) {
      const token = new AccessToken(livekit.apiKey, livekit.apiSecret, {
        identity,
        ttl: "1h",
        attributes,
      });
      token.addGrant({ roomJoin: true, room: api.roomName });
      return token.toJwt();
    },
    async stop() {
      await api.close();
      await livekit.stop();
    },
  };
}
