import { fromCallback, fromPromise } from "xstate";
import type { DeviceSummary, GatewayEvent, RoomJoined } from "../../machines/gateway.machine.js";
import { gatewayMachine } from "../../machines/gateway.machine.js";
import { participantMachine } from "../../machines/participant.machine.js";
import type { CredentialsProvider } from "../api/index.js";
import { type JoinedRoom, joinRoom, type RoomSignal } from "../livekit/index.js";
import { toGatewayFailure } from "./failures.js";

export interface LiveDependencies {
  provider: CredentialsProvider;
  /** Secrets to scrub from every failure message. */
  secrets: readonly string[];
  connectTimeoutMs?: number;
}

/** The room of the current session. Only the live actors see it: the rtc-node room holds the JWT. */
interface RoomSlot {
  room?: JoinedRoom;
  /** The close in flight: a STOP during `disconnected` waits for it rather than skipping it. */
  closing?: Promise<void>;
}

/**
 * The gateway machine with its real I/O: the Foxglove API through the credentials provider, and
 * LiveKit through the adapter. Secrets stay in this closure; actors resolve with and reject with
 * plain, secret-free data.
 */
export function provideLiveImplementations(deps: LiveDependencies) {
  const { provider, secrets } = deps;
  const slot: RoomSlot = {};
  const fail = (error: unknown) => toGatewayFailure(error, secrets);

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
            connectTimeoutMs: deps.connectTimeoutMs,
          });
          slot.room = room;
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

      participant: participantMachine.provide({
        // The session fills in the welcome (serverInfo + advertisements).
        actors: {
          serve: fromCallback<{ type: string }, { identity: string }>(({ sendBack }) =>
            sendBack({ type: "WELCOMED" }),
          ),
        },
      }),

      closeRoom: fromPromise<void, void>(async () => {
        if (slot.room) {
          slot.closing = slot.room.disconnect();
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
