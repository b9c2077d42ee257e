import {
  type ClientChannel,
  decodeSchemaData,
  type Status,
  StatusLevel,
} from "../protocol/index.js";
import type { ClientChannelInfo } from "./listener.js";

/** The outcome of a client request: channels to tell the listener about, statuses for the viewer. */
export interface ClientChannelsResult {
  channels: ClientChannelInfo[];
  statuses: Status[];
}

const NO_CAPABILITY = "Server does not support clientPublish capability";

const status = (level: Status["level"], message: string): Status => ({
  op: "status",
  level,
  message,
});

/**
 * The channels each viewer advertised for client publish (spec 11.5), with the reference's status
 * texts for every refusal. Pure bookkeeping: the session sends the statuses and calls the listener.
 */
export class ClientChannels {
  readonly #byViewer = new Map<string, Map<number, ClientChannelInfo>>();

  constructor(private readonly enabled: boolean) {}

  /** Client `advertise`: returns the channels accepted, and a status for each one refused. */
  advertise(identity: string, channels: readonly ClientChannel[]): ClientChannelsResult {
    if (!this.enabled)
      return { channels: [], statuses: [status(StatusLevel.Error, NO_CAPABILITY)] };
    const own = this.#byViewer.get(identity) ?? new Map<number, ClientChannelInfo>();
    this.#byViewer.set(identity, own);
    const result: ClientChannelsResult = { channels: [], statuses: [] };
    for (const channel of channels) {
      if (own.has(channel.id)) {
        const message = `Client is already advertising channel: ${channel.id}; ignoring advertisement`;
        result.statuses.push(status(StatusLevel.Warning, message));
        continue;
      }
      // A schema name without schema data is tolerated (kept with empty data).
      const decoded =
        channel.schema === undefined
          ? { ok: true as const, value: new Uint8Array() }
          : decodeSchemaData(channel.schemaEncoding ?? "", channel.schema);
      if (!decoded.ok) {
        const message = `Failed to decode schema for channel ${channel.id}: ${decoded.error.message}`;
        result.statuses.push(status(StatusLevel.Error, message));
        continue;
      }
      const info: ClientChannelInfo = {
        id: channel.id,
        topic: channel.topic,
        encoding: channel.encoding,
        schemaName: channel.schemaName,
        ...(channel.schemaEncoding !== undefined && { schemaEncoding: channel.schemaEncoding }),
        schema: decoded.value,
      };
      own.set(channel.id, info);
      result.channels.push(info);
    }
    return result;
  }

  /** Client `unadvertise`: unknown ids are ignored. */
  unadvertise(identity: string, channelIds: readonly number[]): ClientChannelInfo[] {
    const own = this.#byViewer.get(identity);
    const removed: ClientChannelInfo[] = [];
    for (const id of channelIds) {
      const channel = own?.get(id);
      if (!channel) continue;
      own?.delete(id);
      removed.push(channel);
    }
    return removed;
  }

  /** The viewer left: all its channels go. */
  removeViewer(identity: string): ClientChannelInfo[] {
    const own = this.#byViewer.get(identity);
    this.#byViewer.delete(identity);
    return [...(own?.values() ?? [])];
  }

  /** Where a client `messageData` goes, or the status that refuses it. */
  route(identity: string, channelId: number): { channel: ClientChannelInfo } | { status: Status } {
    if (!this.enabled) return { status: status(StatusLevel.Error, NO_CAPABILITY) };
    const channel = this.#byViewer.get(identity)?.get(channelId);
    return channel
      ? { channel }
      : { status: status(StatusLevel.Error, `Client has not advertised channel: ${channelId}`) };
  }
}
