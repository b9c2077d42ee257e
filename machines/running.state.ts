import { not } from "xstate";
import { failureOf } from "./failure-transitions.js";
import { gatewaySetup } from "./gateway.setup.js";

/** The session failed under us: record why, and tear it down. */
const sessionFailed = {
  target: "#gateway.disconnected",
  actions: [
    { type: "recordFailure", params: failureOf },
    { type: "recordSessionEnd", params: "failure" },
  ],
} as const;

/**
 * In the room, serving viewers. `roomEvents` reports the room; `sender` drains the session; one
 * `participant` actor per viewer instance. rtc-node's own resumption shows as `reconnecting`, not
 * as an outer retry. On demand, the session ends once no viewer has been there for `viewerWait`,
 * counted from the join and from the last departure.
 */
export const runningState = gatewaySetup.createStateConfig({
  invoke: [
    { id: "roomEvents", src: "roomEvents", onError: sessionFailed },
    { id: "sender", src: "sender", onError: sessionFailed },
  ],
  exit: "removeAllParticipants",
  on: {
    "ROOM.DISCONNECTED": {
      target: "disconnected",
      actions: { type: "recordDisconnect", params: ({ event }) => event.reason },
    },
    "PARTICIPANT.JOINED": [
      {
        guard: { type: "isNewIdentity", params: ({ event }) => event.participant },
        actions: { type: "addParticipant", params: ({ event }) => event.participant },
      },
      {
        guard: { type: "supersedesInstance", params: ({ event }) => event.participant },
        actions: { type: "replaceParticipant", params: ({ event }) => event.participant },
      },
    ],
    "PARTICIPANT.LEFT": {
      guard: { type: "isCurrentInstance", params: ({ event }) => event.participant },
      actions: { type: "removeParticipant", params: ({ event }) => event.participant },
    },
  },
  initial: "connected",
  states: {
    connected: {
      // Only a session that stays connected this long earns a fresh retry schedule.
      after: {
        minUptime: { actions: "resetAttempts" },
      },
      on: { "ROOM.RECONNECTING": "reconnecting" },
      initial: "attended",
      states: {
        attended: {
          always: { guard: not("hasParticipants"), target: "unattended" },
        },
        // Nobody to serve. On demand, that cannot last: the platform wakes us again when needed.
        unattended: {
          always: { guard: "hasParticipants", target: "attended" },
          after: {
            viewerWait: {
              guard: "onDemand",
              target: "#gateway.disconnected",
              actions: { type: "recordSessionEnd", params: "idle" },
            },
          },
        },
      },
    },
    // rtc-node is resuming the connection on its own: shown, not turned into an outer retry.
    reconnecting: {
      on: { "ROOM.RECONNECTED": "connected" },
    },
  },
});
