// The smoke test's child process: device and viewer join through the real stack, then both leave.
// It must exit on its own, which rtc-node only allows after dispose().
import { AccessToken } from "livekit-server-sdk";
import { createApiClient, createCredentialsProvider } from "../../src/api/index.js";
import { disposeLivekit, joinRoom, type RoomSignal } from "../../src/livekit/index.js";

const { SMOKE_API_URL, SMOKE_DEVICE_TOKEN, SMOKE_ROOM, SMOKE_LIVEKIT_URL } = process.env;
const say = (line: string) => console.log(`[smoke] ${line}`);

const provider = createCredentialsProvider(
  createApiClient({ baseUrl: SMOKE_API_URL as string, deviceToken: SMOKE_DEVICE_TOKEN as string }),
);
const { url, token } = await provider.getCredentials();
say(`credentials for ${provider.deviceInfo?.id} -> ${url}`);

const device = await joinRoom(url, token);
const signals: RoomSignal[] = [];
device.subscribe((signal) => signals.push(signal));
say(`device joined as ${device.identity}`);

const viewerToken = new AccessToken("devkey", "secret", { identity: "viewer-1", ttl: "5m" });
viewerToken.addGrant({ roomJoin: true, room: SMOKE_ROOM as string });
const viewer = await joinRoom(SMOKE_LIVEKIT_URL as string, await viewerToken.toJwt());
say(`viewer sees ${JSON.stringify(viewer.remoteIdentities)}`);

const deadline = Date.now() + 5_000;
while (!signals.some((s) => s.type === "participantJoined") && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
// The SID and join time change every run: report the rest.
const heard = signals.map((s) =>
  s.type === "participantJoined" || s.type === "participantLeft"
    ? { type: s.type, identity: s.participant.identity, attributes: s.participant.attributes }
    : s,
);
say(`device heard ${JSON.stringify(heard)}`);

await viewer.disconnect();
await device.disconnect();
say(`both left (device connected: ${device.isConnected}, viewer connected: ${viewer.isConnected})`);
await disposeLivekit();
say("disposed");
