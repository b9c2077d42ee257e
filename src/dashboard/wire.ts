// What the dashboard server and its page say to each other (types only: both sides import them).
import type { ProtocolProfile } from "../gateway/options.js";
import type { GatewayStatus } from "../gateway/status.js";

/** A channel as the dashboard lists it. */
export interface ChannelSummary {
  id: number;
  topic: string;
  encoding: string;
  schemaName: string;
}

/** What the page receives on `/api/status` (server-sent events) at every change. */
export interface DashboardStatus {
  /** Absent until a gateway is attached. */
  gateway?: GatewayStatus;
  channels: ChannelSummary[];
  /** The local livekit-server, when the gateway runs against the local stack. */
  livekit?: { url: string; running: boolean; restarting: boolean };
}

/** What `POST /api/viewer` answers: how to join the room as a viewer. */
export interface ViewerGrant {
  url: string;
  token: string;
  /** The gateway's identity in the room: client messages go to it alone. */
  gateway: string;
  /** The protocol the gateway speaks (the page picks its viewer by it). */
  protocol: "2.2" | "0.20";
}
