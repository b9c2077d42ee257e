/**
 * A protocol 0.20 gateway on the local stack with one viewer subscribed to every bench channel:
 * the dev API mints the gateway's LiveKit token, the gateway joins the local livekit-server, and a
 * viewer (another rtc-node Room in this process) joins the same room, reads the gateway's control
 * stream and subscribes exactly as a 0.20 viewer does.
 */
import { AccessToken } from "livekit-server-sdk";
import { type Channel, Context } from "../src/context/index.js";
import {
  DEV_DEVICE_TOKEN,
  DEV_LIVEKIT_KEY,
  DEV_LIVEKIT_SECRET,
  type LocalLivekitServer,
  startDevApi,
} from "../src/dev/index.js";
import { type Gateway, startGateway } from "../src/gateway/index.js";
import { type JoinedRoom, joinRoom } from "../src/livekit/index.js";
import { encodeClientJsonFrame, readServerMessages } from "../src/protocol/index.js";
import { consume, DeliveryCounter, OpenStreams } from "./receiver.js";
import { waitUntil } from "./stats.js";

const CONTROL_TOPIC = "ws-protocol";
const VIEWER_IDENTITY = "bench-viewer";

/** A bench channel on the gateway side and what its one viewer received of it. */
export interface BenchChannel {
  readonly channel: Channel;
  readonly received: DeliveryCounter;
}

/** The running stack; `stop()` leaves the room, stops the gateway and the dev API. */
export interface GatewayBench {
  readonly gateway: Gateway;
  readonly channels: ReadonlyMap<string, BenchChannel>;
  /** Messages the gateway's data queue dropped so far (evicted or rejected). */
  dropped(): number;
  stop(): Promise<void>;
}

/** What to start: the channels (by topic) and the gateway's data-queue capacity. */
export interface GatewayBenchOptions {
  /** Topic → whether its payloads carry sequence numbers (see `DeliveryCounter`). */
  topics: Readonly<Record<string, boolean>>;
  messageBacklogSize: number;
}

/**
 * A LiveKit token for a participant of the local server's room, with participant `attributes`
 * (a protocol 2.2 viewer sets `protocolVersion`).
 *
 * @example
 * const token = await devToken("room-1", "alice");
 */
export function devToken(
  room: string,
  identity: string,
  attributes?: Record<string, string>,
): Promise<string> {
  const token = new AccessToken(DEV_LIVEKIT_KEY, DEV_LIVEKIT_SECRET, {
    identity,
    ttl: "10m",
    attributes,
  });
  token.addGrant({ roomJoin: true, room });
  return token.toJwt();
}

/**
 * Starts the dev API, a gateway and a viewer on `livekit`, and subscribes the viewer to every
 * topic; resolves once the gateway's context sees each channel subscribed. Everything started is
 * stopped again if a step fails.
 *
 * @example
 * const bench = await startGatewayBench(livekit, { topics: { "/e2e": true }, messageBacklogSize: 4096 });
 * bench.channels.get("/e2e")?.channel.log(payload);
 * await bench.stop();
 */
export async function startGatewayBench(
  livekit: LocalLivekitServer,
  options: GatewayBenchOptions,
): Promise<GatewayBench> {
  const context = new Context();
  const channels = new Map<string, BenchChannel>();
  for (const [topic, numbered] of Object.entries(options.topics)) {
    // Bench payloads are opaque bytes; `cbor` is a binary encoding that needs no schema.
    const channel = context.createChannel({ topic, messageEncoding: "cbor" });
    channels.set(topic, { channel, received: new DeliveryCounter(numbered) });
  }
  const api = await startDevApi({
    livekitUrl: livekit.url,
    roomName: `bench-${Math.random().toString(36).slice(2)}`,
  });
  const gateway = startGateway({
    deviceToken: DEV_DEVICE_TOKEN,
    apiUrl: api.url,
    context,
    // These measurements read `ch-<id>` byte streams and speak on `ws-protocol`: 0.20's wire.
    protocol: "0.20",
    logger: false,
    messageBacklogSize: options.messageBacklogSize,
  });
  let viewer: JoinedRoom | undefined;
  const controlStreams = new OpenStreams();
  const stop = async () => {
    // The viewer stops reading first: the gateway leaves without closing its streams, and a
    // reader still open then fails and rtc-node logs an error line to stdout.
    await controlStreams.closeAll();
    await Promise.all([...channels.values()].map(({ received }) => received.streams.closeAll()));
    await gateway.stop();
    await api.close();
    await viewer?.disconnect();
  };
  try {
    await waitUntil(
      () => gateway.status.state === "running" && !gateway.status.reconnecting,
      20_000,
      `gateway running (status: ${gateway.status.state})`,
      20,
    );
    const gatewayIdentity = gateway.status.identity ?? "";
    viewer = await joinRoom(livekit.url, await devToken(api.roomName, VIEWER_IDENTITY));
    const advertised = new Set<number>();
    viewer.onByteStream(CONTROL_TOPIC, (reader) => {
      void (async () => {
        controlStreams.add(reader);
        try {
          for await (const event of readServerMessages(reader)) {
            if (event.kind === "message" && event.message.op === "advertise") {
              for (const { id } of event.message.channels) advertised.add(id);
            }
          }
        } finally {
          controlStreams.delete(reader);
        }
      })();
    });
    for (const { channel, received } of channels.values()) {
      viewer.onByteStream(`ch-${channel.id}`, (reader) => void consume(reader, received));
    }
    const ids = [...channels.values()].map(({ channel }) => channel.id);
    await waitUntil(() => ids.every((id) => advertised.has(id)), 10_000, "advertisements");
    // One control stream per message, as the Foxglove app sends them.
    const stream = await viewer.openByteStream(CONTROL_TOPIC, [gatewayIdentity]);
    await stream.write(
      encodeClientJsonFrame({
        op: "subscribe",
        channels: ids.map((id) => ({ id, requestVideoTrack: false })),
      }),
    );
    await stream.close();
    await waitUntil(
      () => [...channels.values()].every(({ channel }) => channel.hasSubscribers),
      10_000,
      "subscriptions",
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { gateway, channels, dropped: () => gateway.status.droppedMessages, stop };
}
