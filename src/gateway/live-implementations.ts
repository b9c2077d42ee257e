import { fromCallback, fromPromise } from "xstate";
import type { DeviceSummary, GatewayEvent, RoomJoined } from "../../machines/gateway.machine.js";
import { gatewayMachine } from "../../machines/gateway.machine.js";
import { participantMachine } from "../../machines/participant.machine.js";
import type { CredentialsProvider } from "../api/index.js";
import {
  DISCONNECT_TIMEOUT_MS,
  type JoinedRoom,
  joinRoom,
  type RoomSignal,
} from "../livekit/index.js";
import { buildServerInfo } from "../session/server-info.js";
import { RemoteAccessSession, type SessionLog } from "../session/session.js";
import { within } from "../within.js";
import { toGatewayFailure } from "./failures.js";
import type { ResolvedOptions } from "./options.js";

export interface LiveDependencies {
  provider: CredentialsProvider;
  options: ResolvedOptions;
  log: SessionLog;
  /** Called with each new session, for status (drop counts) and tests. */
  onSession?: (session: RemoteAccessSession) => void;
}

/**
 * The room and session of the current connection. Only the live actors see them: the rtc-node
 * room holds the JWT.
 */
interface Slot {
  room?: JoinedRoom;
  session?: RemoteAccessSession;
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
  const fail = (error: unknown) => toGatewayFailure(error, [options.deviceToken]);
  const startSession = (room: JoinedRoom) => {
    const session = new RemoteAccessSession({
      room,
      context: options.context,
      serverInfo: () =>
        buildServerInfo({
          name: options.name,
          deviceName: provider.deviceName,
          capabilities: options.capabilities,
          supportedEncodings: options.supportedEncodings,
          metadata: options.serverInfoMetadata,
          sessionId: options.sessionId,
        }),
      channelFilter: options.channelFilter,
      backlogSize: options.messageBacklogSize,
      clientPublish: options.capabilities.includes("clientPublish"),
      listener: options.listener,
      log,
      writeTimeoutMs: options.writeTimeoutMs,
    });
    // Spec 5.4: the session records the context's channels before anyone is welcomed.
    session.open();
    deps.onSession?.(session);
    return session;
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

      connectRoom: fromPromise<RoomJoined, { url: string }>(async ({ signal }) => {
        try {
          const { url, token } = await provider.getCredentials({ signal });
          const room = await joinRoom(url, token, {
            signal,
            connectTimeoutMs: options.connectTimeoutMs,
          });
          slot.room = room;
          slot.session = startSession(room);
          return { identity: room.identity, participants: room.remoteIdentities };
        } catch (error) {
          throw fail(error);
        }
      }),

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
          serve: fromCallback<{ type: string }, { identity: string }>(({ input, sendBack }) => {
            const session = slot.session;
            if (!session) throw fail(new Error("no session to serve in"));
            session.addViewer(input.identity).then(
              () => sendBack({ type: "WELCOMED" }),
              (error: unknown) =>
                sendBack({
                  type: "WELCOME_FAILED",
                  failure: { kind: "stream", message: String(error) },
                }),
            );
            return () => session.removeViewer(input.identity);
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
    },
  });
}

function toGatewayEvent(signal: RoomSignal): GatewayEvent {
  switch (signal.type) {
    case "participantJoined":
      return { type: "PARTICIPANT.JOINED", identity: signal.identity };
    case "participantLeft":
      return { type: "PARTICIPANT.LEFT", identity: signal.identity };
    case "reconnecting":
      return { type: "ROOM.RECONNECTING" };
    case "reconnected":
      return { type: "ROOM.RECONNECTED" };
    case "disconnected":
      return { type: "ROOM.DISCONNECTED", reason: signal.reason };
  }
}
