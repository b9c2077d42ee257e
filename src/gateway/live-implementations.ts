import { fromCallback, fromPromise } from "xstate";
import type {
  DeviceSummary,
  GatewayEvent,
  ParticipantRef,
  RoomJoined,
} from "../../machines/gateway.machine.js";
import { gatewayMachine } from "../../machines/gateway.machine.js";
import { type ParticipantInput, participantMachine } from "../../machines/participant.machine.js";
import type { CredentialsProvider } from "../api/index.js";
import {
  DISCONNECT_TIMEOUT_MS,
  type JoinedRoom,
  joinRoom,
  type RemoteParticipantInfo,
  type RoomSignal,
} from "../livekit/index.js";
import { buildServerInfo, FG_LIBRARY_V22 } from "../session/server-info.js";
import { RemoteAccessSession, type SessionLog } from "../session/session.js";
import { PROTOCOL_VERSION_ATTRIBUTE } from "../session/v22/protocol-version.js";
import { ControlSession } from "../session/v22/session.js";
import { within } from "../within.js";
import { toGatewayFailure } from "./failures.js";
import type { ResolvedOptions } from "./options.js";
import type { SessionHub } from "./session-hub.js";
import { type WatchClient, WatchSecrets, watchActors } from "./watch-actors.js";

/** A session of either protocol, as the live actors drive it. */
export interface LiveSession {
  /** Messages dropped so far (full queues). */
  readonly droppedMessages: number;
  run(): Promise<void>;
  close(): Promise<void>;
  addViewer(participant: ParticipantInput): Promise<"welcomed" | "rejected" | "abandoned">;
  removeViewer(participant: ParticipantInput): void;
}

export interface LiveDependencies {
  provider: CredentialsProvider;
  /** The platform's watch calls (the on-demand connection). */
  watchClient: WatchClient;
  options: ResolvedOptions;
  log: SessionLog;
  /** What protocol 2.2 sessions share across the gateway's lifetime. */
  hub: SessionHub;
  /** Called with each new session, for status (drop counts) and tests. */
  onSession?: (session: LiveSession) => void;
}

/**
 * The room and session of the current connection. Only the live actors see them: the rtc-node
 * room holds the JWT.
 */
interface Slot {
  room?: JoinedRoom;
  session?: LiveSession;
  /** The session's stream closes, started when its sender stopped. */
  streamsClosed?: Promise<void>;
  /** The close in flight: a STOP during `disconnected` waits for it rather than skipping it. */
  closing?: Promise<void>;
}

/** How long leaving the room waits for the session's streams to close. */
const STREAM_CLOSE_TIMEOUT_MS = 1_000;
/** How long the last bytes (stream trailers included) get to reach the viewers before we leave. */
const FLUSH_TIMEOUT_MS = 2_000;

/**
 * The gateway machine with its real I/O: the Foxglove API through the credentials provider, and
 * LiveKit through the adapter. Secrets stay in this closure; actors resolve with and reject with
 * plain, secret-free data.
 */
export function provideLiveImplementations(deps: LiveDependencies) {
  const { provider, options, log } = deps;
  const slot: Slot = {};
  const watchSecrets = new WatchSecrets();
  const fail = (error: unknown) => toGatewayFailure(error, [options.deviceToken]);
  const startSession = (room: JoinedRoom, sessionId: string): LiveSession => {
    const session =
      options.protocol === "0.20"
        ? legacySession(room, sessionId)
        : controlSession(room, sessionId);
    deps.onSession?.(session);
    return session;
  };
  const serverInfo = (
    sessionId: string,
    library?: string,
    supportedEncodings = options.supportedEncodings,
  ) =>
    buildServerInfo({
      name: options.name,
      deviceName: provider.deviceName,
      capabilities: options.capabilities,
      supportedEncodings,
      metadata: options.serverInfoMetadata,
      sessionId,
      library,
    });
  const legacySession = (room: JoinedRoom, sessionId: string): LiveSession => {
    const session = new RemoteAccessSession({
      room,
      context: options.context,
      serverInfo: () => serverInfo(sessionId),
      channelFilter: options.channelFilter,
      backlogSize: options.messageBacklogSize,
      clientPublish: options.capabilities.includes("clientPublish"),
      listener: options.listener,
      log,
      writeTimeoutMs: options.writeTimeoutMs,
    });
    // Spec 5.4: the session records the context's channels before anyone is welcomed.
    session.open();
    return {
      get droppedMessages() {
        return session.droppedMessages;
      },
      run: () => session.run(),
      close: () => session.close(),
      addViewer: (p) => session.addViewer(p.identity).then(() => "welcomed" as const),
      removeViewer: (p) => session.removeViewer(p.identity),
    };
  };
  const controlSession = (room: JoinedRoom, sessionId: string): LiveSession => {
    const { hub } = deps;
    const has = (capability: (typeof options.capabilities)[number]) =>
      options.capabilities.includes(capability);
    const session = new ControlSession({
      room,
      context: options.context,
      // Services' request encodings are supported encodings too (spec 11.6).
      serverInfo: () =>
        serverInfo(sessionId, FG_LIBRARY_V22, [
          ...new Set([...options.supportedEncodings, ...hub.services.requestEncodings()]),
        ]),
      channelFilter: options.channelFilter,
      reliability: options.qosClassifier,
      backlogSize: options.messageBacklogSize,
      maxDataTrackMessageSize: options.maxDataTrackMessageSize,
      features: {
        clientPublish: has("clientPublish"),
        services: has("services"),
        parameters: has("parameters"),
        connectionGraph: has("connectionGraph"),
      },
      supportedEncodings: options.supportedEncodings,
      listener: options.listener,
      services: hub.services,
      graph: hub.graph,
      parameterHandler: options.parameterHandler,
      assetHandler: options.assetHandler,
      log,
      writeTimeoutMs: options.writeTimeoutMs,
    });
    session.open();
    hub.session = session;
    return {
      get droppedMessages() {
        return session.droppedMessages;
      },
      run: () => session.run(),
      close: () => {
        hub.session = undefined;
        return session.close();
      },
      addViewer: (p) => session.addViewer(p),
      removeViewer: (p) => session.removeViewer(p),
    };
  };

  return gatewayMachine.provide({
    actors: {
      fetchDeviceInfo: fromPromise<DeviceSummary, void>(async ({ signal }) => {
        const device = await provider
          .init({ signal })
          .catch((error) => Promise.reject(fail(error)));
        return { id: device.id, name: device.name };
      }),

      fetchCredentials: fromPromise<{ url: string }, { deviceId: string }>(async ({ signal }) => {
        const { url } = await provider
          .getCredentials({ signal })
          .catch((error) => Promise.reject(fail(error)));
        return { url };
      }),

      connectRoom: fromPromise<RoomJoined, { url: string; remoteAccessSessionId?: string }>(
        async ({ input, signal }) => {
          try {
            const onDemand = options.connection === "on-demand";
            // On demand the platform's wake carried the credentials; always, the API hands them out.
            const credentials = onDemand
              ? watchSecrets.takeWake()
              : await provider.getCredentials({ signal });
            if (!credentials) throw new Error("woken without LiveKit credentials");
            const room = await joinRoom(credentials.url, credentials.token, {
              signal,
              connectTimeoutMs: options.connectTimeoutMs,
            });
            slot.room = room;
            // On demand, the platform's session id is the one viewers see (empty until it gives one).
            const sessionId = onDemand ? (input.remoteAccessSessionId ?? "") : options.sessionId;
            slot.session = startSession(room, sessionId);
            return {
              identity: room.identity,
              participants: room.remoteParticipants.map(toParticipantRef),
            };
          } catch (error) {
            throw fail(error);
          }
        },
      ),

      ...watchActors(deps.watchClient, watchSecrets, fail),

      roomEvents: fromCallback<{ type: string }, void>(({ sendBack }) => {
        const room = slot.room;
        if (!room) throw fail(new Error("no room to listen to"));
        const stop = room.subscribe((signal) => sendBack(toGatewayEvent(signal)));
        // A room lost between connecting and listening reports no event: say it ourselves.
        if (!room.isConnected)
          sendBack({ type: "ROOM.DISCONNECTED", reason: "lost before the session started" });
        return stop;
      }),

      // The session's outgoing queues, drained until the session ends.
      sender: fromCallback<{ type: string }, void>(() => {
        const session = slot.session;
        if (!session) throw fail(new Error("no session to send for"));
        void session.run();
        return () => {
          slot.streamsClosed = session.close();
        };
      }),

      participant: participantMachine.provide({
        actors: {
          serve: fromCallback<{ type: string }, ParticipantInput>(({ input, sendBack }) => {
            const session = slot.session;
            if (!session) throw fail(new Error("no session to serve in"));
            session.addViewer(input).then(
              (outcome) => {
                if (outcome === "welcomed") sendBack({ type: "WELCOMED" });
                else if (outcome === "rejected")
                  sendBack({
                    type: "REJECTED",
                    reason: `incompatible protocol version ${input.protocolVersion}`,
                  });
              },
              (error: unknown) =>
                sendBack({
                  type: "WELCOME_FAILED",
                  failure: { kind: "stream", message: String(error) },
                }),
            );
            return () => session.removeViewer(input);
          }),
        },
      }),

      // Spec 5.6, bounded as a whole by DISCONNECT_TIMEOUT_MS: close the session's streams (so
      // viewers see them end cleanly), then leave the room.
      closeRoom: fromPromise<void, void>(async () => {
        const deadline = Date.now() + DISCONNECT_TIMEOUT_MS;
        const streams = slot.streamsClosed;
        slot.session = undefined;
        slot.streamsClosed = undefined;
        if (streams) await within(streams, STREAM_CLOSE_TIMEOUT_MS);
        if (streams && slot.room) await slot.room.flush(FLUSH_TIMEOUT_MS);
        if (slot.room) {
          slot.closing = slot.room.disconnect(Math.max(0, deadline - Date.now()));
          slot.room = undefined;
        }
        await slot.closing;
      }),
    },
    actions: {
      clearCredentials: () => provider.clear(),
      forgetLease: () => {
        watchSecrets.leaseId = undefined;
      },
    },
    guards: {
      onDemand: () => options.connection === "on-demand",
    },
  });
}

function toParticipantRef(participant: RemoteParticipantInfo): ParticipantRef {
  const protocolVersion = participant.attributes[PROTOCOL_VERSION_ATTRIBUTE];
  return {
    identity: participant.identity,
    sid: participant.sid,
    joinedAtMs: participant.joinedAtMs,
    ...(protocolVersion !== undefined && { protocolVersion }),
  };
}

function toGatewayEvent(signal: RoomSignal): GatewayEvent {
  switch (signal.type) {
    case "participantJoined":
      return { type: "PARTICIPANT.JOINED", participant: toParticipantRef(signal.participant) };
    case "participantLeft":
      return { type: "PARTICIPANT.LEFT", participant: toParticipantRef(signal.participant) };
    case "reconnecting":
      return { type: "ROOM.RECONNECTING" };
    case "reconnected":
      return { type: "ROOM.RECONNECTED" };
    case "disconnected":
      return { type: "ROOM.DISCONNECTED", reason: signal.reason };
  }
}
