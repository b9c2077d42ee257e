// What the page needs from a viewer, whichever protocol it speaks (types only).
import type { AdvertisedChannel } from "../../protocol/index.js";
import type { ViewerGrant } from "../wire.js";

export type ViewerConnection = "joining" | "joined" | "reconnecting" | "left";

/** How a channel's messages reach the page. */
export type Delivery = "data track" | "control stream" | "byte stream";

/** An advertised channel, and how its messages travel. */
export interface ViewerChannel extends AdvertisedChannel {
  readonly delivery: Delivery;
}

export interface ViewerEvents {
  connection(state: ViewerConnection, detail?: string): void;
  /** The gateway's current channels (after every advertise and unadvertise). */
  channels(channels: readonly ViewerChannel[]): void;
  /** A message of a subscribed channel, and the way it came. */
  message(channelId: number, payload: Uint8Array, via: Delivery): void;
}

export interface PageViewer {
  readonly identity: string | undefined;
  /** Joins the room in a fresh LiveKit `Room` (after leaving any earlier one). */
  join(grant: ViewerGrant): Promise<void>;
  leave(): Promise<void>;
  isSubscribed(topic: string): boolean;
  subscribe(topic: string): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
}
