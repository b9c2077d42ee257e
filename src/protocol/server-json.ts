/**
 * Server → client JSON messages (§7.2): their types and one table that both encodes them
 * byte-exactly (key order and omission rules of the spec tables) and decodes them (what a
 * viewer does).
 */

import type { ProtocolResult } from "./errors.js";
import { encodeTextFrame } from "./framing.js";
import {
  arrayCodec,
  type JsonCodec,
  safeUintCodec,
  stringArrayCodec,
  stringCodec,
  stringMapCodec,
  u32Codec,
} from "./json-codec.js";
import { expectUint } from "./json-fields.js";
import { jsonMessageCodec } from "./json-message.js";
import { objectCodec, omitEmpty, optional } from "./json-object-codec.js";
import { U32_MAX } from "./json-writer.js";
import { type Parameter, parameterCodec } from "./parameters.js";

/** A `{sec, nsec}` time as used by `serverInfo.dataStartTime` / `dataEndTime`. */
export interface Timestamp {
  readonly sec: number;
  readonly nsec: number;
}

/** `serverInfo`: first message on every control stream. */
export interface ServerInfo {
  readonly op: "serverInfo";
  readonly name: string;
  readonly capabilities: readonly string[];
  /** Omitted on the wire when absent or empty. */
  readonly supportedEncodings?: readonly string[];
  /** Omitted on the wire when absent or empty. Order on the wire: sorted (any order is allowed). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly sessionId?: string;
  readonly dataStartTime?: Timestamp;
  readonly dataEndTime?: Timestamp;
}

/** Status levels of the `status` message. */
export const StatusLevel = { Info: 0, Warning: 1, Error: 2 } as const;
/** A status level value (0 info, 1 warning, 2 error). */
export type StatusLevel = (typeof StatusLevel)[keyof typeof StatusLevel];

/** `status`: a message shown to the viewer. */
export interface Status {
  readonly op: "status";
  readonly level: StatusLevel;
  readonly message: string;
  readonly id?: string;
}

/** `removeStatus`: withdraws earlier statuses by id. */
export interface RemoveStatus {
  readonly op: "removeStatus";
  readonly statusIds: readonly string[];
}

/** One channel of a server `advertise` message. */
export interface AdvertisedChannel {
  /** Channel id (u64 on the wire; always below 2^53). */
  readonly id: number;
  readonly topic: string;
  /** The channel's message encoding (e.g. `json`, `protobuf`). */
  readonly encoding: string;
  /** `""` when the channel has no schema. */
  readonly schemaName: string;
  /** Absent when the channel has no schema. */
  readonly schemaEncoding?: string;
  /** Always present: `""` without schema, else per §8.2 (see `encodeSchemaData`). */
  readonly schema: string;
  /** Omitted on the wire when absent or empty; keys are emitted in UTF-8 byte order. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Server `advertise`: channels becoming available. */
export interface ServerAdvertise {
  readonly op: "advertise";
  readonly channels: readonly AdvertisedChannel[];
}

/** Server `unadvertise`: channels going away. */
export interface ServerUnadvertise {
  readonly op: "unadvertise";
  readonly channelIds: readonly number[];
}

/** `parameterValues`: parameter values, optionally answering a request `id`. */
export interface ParameterValues {
  readonly op: "parameterValues";
  readonly parameters: readonly Parameter[];
  readonly id?: string;
}

/** Request/response schema of a service. */
export interface MessageSchema {
  readonly encoding: string;
  readonly schemaName: string;
  readonly schemaEncoding: string;
  readonly schema: string;
}

/** One service of an `advertiseServices` message. */
export interface ServiceAdvertisement {
  /** u32. */
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly request?: MessageSchema;
  readonly requestSchema?: string;
  readonly response?: MessageSchema;
  readonly responseSchema?: string;
}

/** `advertiseServices`. */
export interface AdvertiseServices {
  readonly op: "advertiseServices";
  readonly services: readonly ServiceAdvertisement[];
}

/** `unadvertiseServices`. */
export interface UnadvertiseServices {
  readonly op: "unadvertiseServices";
  readonly serviceIds: readonly number[];
}

/** A topic and its publishers in a connection graph update. */
export interface PublishedTopic {
  readonly name: string;
  readonly publisherIds: readonly string[];
}

/** A topic and its subscribers in a connection graph update. */
export interface SubscribedTopic {
  readonly name: string;
  readonly subscriberIds: readonly string[];
}

/** A service and its providers in a connection graph update. */
export interface AdvertisedService {
  readonly name: string;
  readonly providerIds: readonly string[];
}

/** `connectionGraphUpdate`: all five lists are always present. */
export interface ConnectionGraphUpdate {
  readonly op: "connectionGraphUpdate";
  readonly publishedTopics: readonly PublishedTopic[];
  readonly subscribedTopics: readonly SubscribedTopic[];
  readonly advertisedServices: readonly AdvertisedService[];
  readonly removedTopics: readonly string[];
  readonly removedServices: readonly string[];
}

/** `serviceCallFailure`. */
export interface ServiceCallFailure {
  readonly op: "serviceCallFailure";
  readonly serviceId: number;
  readonly callId: number;
  readonly message: string;
}

/** Any server → client JSON message, discriminated by `op`. */
export type ServerJsonMessage =
  | ServerInfo
  | Status
  | RemoveStatus
  | ServerAdvertise
  | ServerUnadvertise
  | ParameterValues
  | AdvertiseServices
  | UnadvertiseServices
  | ConnectionGraphUpdate
  | ServiceCallFailure;

/** The `op` values of server JSON messages. */
export type ServerJsonOp = ServerJsonMessage["op"];

const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Converts nanoseconds to `{sec, nsec}` as the reference does: `sec` saturates at u32 max,
 * `nsec = ns mod 1e9`.
 */
export function timestampFromNanos(nanos: bigint): Timestamp {
  if (nanos < 0n) throw new RangeError("timestamp must not be negative");
  const sec = nanos / NANOS_PER_SECOND;
  return {
    sec: sec > BigInt(U32_MAX) ? U32_MAX : Number(sec),
    nsec: Number(nanos % NANOS_PER_SECOND),
  };
}

// ---------------------------------------------------------------------------------------------
// Wire description

const timestamp = objectCodec<Timestamp>({ sec: u32Codec, nsec: u32Codec });

const statusLevel: JsonCodec<StatusLevel> = {
  encode: (level) => {
    if (level !== 0 && level !== 1 && level !== 2) {
      throw new RangeError(`status level must be 0, 1 or 2, got ${String(level)}`);
    }
    return String(level);
  },
  decode: (json, path) => expectUint(json, path, 2) as StatusLevel,
};

const advertisedChannel = objectCodec<AdvertisedChannel>({
  id: safeUintCodec,
  topic: stringCodec,
  encoding: stringCodec,
  schemaName: stringCodec,
  schemaEncoding: optional(stringCodec),
  schema: stringCodec,
  metadata: omitEmpty(stringMapCodec),
});

const messageSchema = objectCodec<MessageSchema>({
  encoding: stringCodec,
  schemaName: stringCodec,
  schemaEncoding: stringCodec,
  schema: stringCodec,
});

const service = objectCodec<ServiceAdvertisement>({
  id: u32Codec,
  name: stringCodec,
  type: stringCodec,
  request: optional(messageSchema),
  requestSchema: optional(stringCodec),
  response: optional(messageSchema),
  responseSchema: optional(stringCodec),
});

const serverJson = jsonMessageCodec<ServerJsonMessage>("server", {
  serverInfo: {
    name: stringCodec,
    capabilities: stringArrayCodec,
    supportedEncodings: omitEmpty(stringArrayCodec),
    // No defined order in the reference (hash map); sorted like channel metadata.
    metadata: omitEmpty(stringMapCodec),
    sessionId: optional(stringCodec),
    dataStartTime: optional(timestamp),
    dataEndTime: optional(timestamp),
  },
  status: { level: statusLevel, message: stringCodec, id: optional(stringCodec) },
  removeStatus: { statusIds: stringArrayCodec },
  advertise: { channels: arrayCodec(advertisedChannel) },
  unadvertise: { channelIds: arrayCodec(safeUintCodec) },
  parameterValues: { parameters: arrayCodec(parameterCodec), id: optional(stringCodec) },
  advertiseServices: { services: arrayCodec(service) },
  unadvertiseServices: { serviceIds: arrayCodec(u32Codec) },
  connectionGraphUpdate: {
    publishedTopics: arrayCodec(
      objectCodec<PublishedTopic>({ name: stringCodec, publisherIds: stringArrayCodec }),
    ),
    subscribedTopics: arrayCodec(
      objectCodec<SubscribedTopic>({ name: stringCodec, subscriberIds: stringArrayCodec }),
    ),
    advertisedServices: arrayCodec(
      objectCodec<AdvertisedService>({ name: stringCodec, providerIds: stringArrayCodec }),
    ),
    removedTopics: stringArrayCodec,
    removedServices: stringArrayCodec,
  },
  serviceCallFailure: { serviceId: u32Codec, callId: u32Codec, message: stringCodec },
});

/** Encodes one advertised channel with the §7.2 key order and presence rules. */
export function encodeAdvertisedChannel(channel: AdvertisedChannel): string {
  return advertisedChannel.encode(channel);
}

/**
 * Encodes a server JSON message as compact JSON text: `op` first, then fields in spec order,
 * absent fields omitted. Throws on values that cannot be encoded (e.g. a fractional id).
 */
export function encodeServerJson(message: ServerJsonMessage): string {
  return serverJson.encode(message);
}

/** Encodes a server JSON message as a complete Text frame (header + UTF-8 JSON). */
export function encodeServerJsonFrame(message: ServerJsonMessage): Uint8Array {
  return encodeTextFrame(serverJson.encode(message));
}

/**
 * Decodes a server → client JSON message from text or UTF-8 bytes. Never throws: failures are
 * `invalid-utf8`, `invalid-json`, `unknown-op`, `missing-field` or `invalid-field`.
 */
export function decodeServerJson(input: string | Uint8Array): ProtocolResult<ServerJsonMessage> {
  return serverJson.decode(input);
}
