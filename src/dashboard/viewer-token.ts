import { AccessToken } from "livekit-server-sdk";
import type { LocalStack } from "../dev/local-stack.js";
import type { ProtocolProfile } from "../gateway/options.js";

/** What a 2.2 viewer says it speaks (spec 11.3), as today's Foxglove app does. */
const VIEWER_ATTRIBUTES: Record<ProtocolProfile, Record<string, string> | undefined> = {
  "2.2": { protocolVersion: "2.2.0" },
  "0.20": undefined,
};

/**
 * A LiveKit token for the page's viewer to join the local stack's room as `identity` (valid for an
 * hour). With protocol 2.2 it carries the `protocolVersion` attribute.
 */
export function mintViewerToken(
  stack: LocalStack,
  identity: string,
  protocol: ProtocolProfile,
): Promise<string> {
  const attributes = VIEWER_ATTRIBUTES[protocol];
  const token = new AccessToken(stack.livekit.apiKey, stack.livekit.apiSecret, {
    identity,
    ttl: "1h",
    ...(attributes && { attributes }),
  });
  token.addGrant({ roomJoin: true, room: stack.api.roomName });
  return token.toJwt();
}
