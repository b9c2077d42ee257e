/**
 * A protocol 2.2 gateway on the local stack with one 2.2 viewer subscribed to every bench channel,
 * as today's Foxglove app is: the viewer joins with `protocolVersion: "2.2.0"`, reads its `control`
 * stream, subscribes on a `control` stream of its own, and reads each Lossy channel from its
 * `data-ch-<id>` data track. Reliable channels arrive as binary messageData frames on the control
 * stream, and are counted there.
 */
import { type Channel, Context } from "../src/context/index.js";
import { DEV_DEVICE_TOKEN, type LocalLivekitServer, startDevApi } from "../src/dev/index.js";
import { startGateway } from "../src/gateway/index.js";
import { type ByteStreamSink, type JoinedRoom, joinRoom } from "../src/livekit/index.js";
import { encodeClientJsonFrame, readServerMessages } from "../src/protocol/index.js";
import { DataTrackCounter } from "./data-track-counter.js";
import type { DataTrackPath } from "./data-track-run.js";
import { type BenchChannel, devToken, type GatewayBench } from "./gateway-stack.js";
import { DeliveryCounter, OpenStreams } from "./receiver.js";
import { waitUntil } from "./stats.js";

const CONTROL_TOPIC = "control";
const VIEWER_IDENTITY = "bench-viewer-22";

/** What to start. */
export interface V22BenchOptions {
  /** Topics of Lossy channels (data tracks). */
  lossy: readonly string[];
  /** Topics of Reliable channels (control stream); their payloads carry sequence numbers. */
  reliable: readonly string[];
  /** Capacity of the viewer's control and Reliable lanes. */
  messageBacklogSize: number;
  /** Frames the viewer's data-track subscriptions hold for a slow reader. */
  bufferSize: number;
}

/**
 * The running stack. As a `GatewayBench`, `channels` holds the Reliable channels (so `runE2e`
 * measures them); `tracks` holds the Lossy ones as data-track paths.
 */
export interface V22Bench extends GatewayBench {
  readonly tracks: ReadonlyMap<string, DataTrackPath>;
}

/**
 * Starts the dev API, a 2.2 gateway and a 2.2 viewer on `livekit` and subscribes the viewer to
 * every channel; resolves once the gateway sees each channel subscribed. Does not wait for data
 * tracks to carry frames (see `waitForFlow`). Everything started is stopped if a step fails.
 *
 * @example
 * const bench = await startV22Bench(livekit, { lossy: ["/dt"], reliable: [], messageBacklogSize: 1024, bufferSize: 1024 });
 */
export async function startV22Bench(
  livekit: LocalLivekitServer,
  options: V22BenchOptions,
): Promise<V22Bench> {
  const context = new Context();
  const all: Channel[] = [];
  const reliableTopics = new Set(options.reliable);
  const channels = new Map<string, BenchChannel>();
  const byId = new Map<number, DeliveryCounter>();
  for (const topic of options.reliable) {
    const channel = context.createChannel({ topic, messageEncoding: "cbor" });
    all.push(channel);
    const received = new DeliveryCounter(true);
    channels.set(topic, { channel, received });
    byId.set(channel.id, received);
  }
  const counters = new Map<string, DataTrackCounter>();
  const paths = new Map<string, DataTrackPath>();
  const api = await startDevApi({
    livekitUrl: livekit.url,
    roomName: `bench-v22-${Math.random().toString(36).slice(2)}`,
  });
  const gateway = startGateway({
    deviceToken: DEV_DEVICE_TOKEN,
    apiUrl: api.url,
    context,
    protocol: "2.2",
    // In the room from the start: "on-demand" (2.2's default) would wait for a viewer to ask
    // through the API's watch stream, which the bench's viewer does not.
    connection: "always",
    qosClassifier: (channel) => (reliableTopics.has(channel.topic) ? "reliable" : "lossy"),
    logger: false,
    messageBacklogSize: options.messageBacklogSize,
  });
  const dropped = () => gateway.status.droppedMessages;
  for (const topic of options.lossy) {
    const channel = context.createChannel({ topic, messageEncoding: "cbor" });
    all.push(channel);
    const counter = new DataTrackCounter();
    counters.set(`data-ch-${channel.id}`, counter);
    paths.set(topic, { counter, refused: dropped, send: (payload) => channel.log(payload) });
  }
  let viewer: JoinedRoom | undefined;
  let outgoing: ByteStreamSink | undefined;
  const controlStreams = new OpenStreams();
  const stop = async () => {
    await controlStreams.closeAll();
    await outgoing?.close().catch(() => {});
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
    const token = await devToken(api.roomName, VIEWER_IDENTITY, { protocolVersion: "2.2.0" });
    viewer = await joinRoom(livekit.url, token);
    const advertised = new Set<number>();
    viewer.onByteStream(CONTROL_TOPIC, (reader) => {
      void (async () => {
        controlStreams.add(reader);
        try {
          for await (const event of readServerMessages(reader)) {
            if (event.kind !== "message") continue;
            const { message } = event;
            if (message.op === "advertise") {
              for (const { id } of message.channels) advertised.add(id);
            } else if (message.op === "messageData") {
              byId.get(Number(message.channelId))?.record(message, process.hrtime.bigint());
            }
          }
        } finally {
          controlStreams.delete(reader);
        }
      })();
    });
    const subscribed = new Set<string>();
    viewer.onDataTrack((track) => {
      const counter = counters.get(track.name);
      if (!counter || track.publisherIdentity !== gatewayIdentity || subscribed.has(track.name)) {
        return;
      }
      subscribed.add(track.name);
      void counter.consume(track.subscribe({ bufferSize: options.bufferSize })).catch(() => {});
    });
    const ids = all.map((channel) => channel.id);
    await waitUntil(() => ids.every((id) => advertised.has(id)), 15_000, "advertisements");
    outgoing = await viewer.openByteStream(CONTROL_TOPIC, [gatewayIdentity]);
    await outgoing.write(
      encodeClientJsonFrame({
        op: "subscribe",
        channels: ids.map((id) => ({ id, requestVideoTrack: false })),
      }),
    );
    await waitUntil(
      () => all.every((channel) => channel.hasSubscribers) && subscribed.size === counters.size,
      10_000,
      "subscriptions and data tracks",
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { gateway, channels, tracks: paths, dropped, stop };
}
