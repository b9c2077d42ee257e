import { AccessToken } from "livekit-server-sdk";
import { afterAll } from "vitest";
import { disposeLivekit } from "../../src/livekit/index.js";

/** Test files that touch rtc-node call this once: the worker cannot exit until rtc-node is disposed. */
export function disposeRtcAfterAll(): void {
  afterAll(() => disposeLivekit());
}

/** A LiveKit token for a test participant, signed with the local server's dev keys. */
export async function mintToken(
  room: string,
  identity: string,
  ttl: string | number = "10m",
  attributes?: Record<string, string>,
): Promise<string> {
  const token = new AccessToken("devkey", "secret", { identity, ttl, attributes });
  token.addGrant({ roomJoin: true, room });
  return token.toJwt();
}
