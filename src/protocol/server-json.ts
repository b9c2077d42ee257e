/**
 * Server → client JSON messages (§7.2): types, byte-exact encoders (key order and omission
 * rules of the spec tables) and decoders (what a viewer does).
 */

import { type ProtocolResult, throwDecode } from "./errors.js";
import { encodeTextFrame } from "./framing.js";
import {
  expectObject,
  expectStringArray,
  expectStringMap,
  expectUint,
  joinPath,
  type Mutable,
  mapArray,
  optionalField,
  optionalString,
  requiredField,
  requiredString,
  requiredStringArray,
  requiredUint,
  SAFE_MAX,
} from "./json-fields.js";
import { decodeJsonMessage } from "./json-message.js";
import type { JsonObject, JsonValue } from "./json-parser.js";
import {
  jsonArray,
  jsonObject,
  jsonSortedStringMap,
  jsonString,
  jsonStringArray,
  jsonU32,
  jsonUint,
  U32_MAX,
} from "./json-writer.js";
import { decodeParameterJson, encodeParameter, type Parameter } from "./parameters.js";

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
// Encoding

function nonEmpty<T>(items: readonly T[] | undefined): readonly T[] | undefined {
  return items !== undefined && items.length > 0 ? items : undefined;
}

function optionalMap(map: Readonly<Record<string, string>> | undefined): string | undefined {
  if (map === undefined) return undefined;
  for (const _ in map) return jsonSortedStringMap(map);
  return undefined;
}

function opt<T>(value: T | undefined, encode: (value: T) => string): string | undefined {
  return value === undefined ? undefined : encode(value);
}

function encodeTimestamp(time: Timestamp): string {
  return jsonObject([
    ["sec", jsonU32(time.sec)],
    ["nsec", jsonU32(time.nsec)],
  ]);
}

/** Encodes one advertised channel with the §7.2 key order and presence rules. */
export function encodeAdvertisedChannel(channel: AdvertisedChannel): string {
  return jsonObject([
    ["id", jsonUint(channel.id)],
    ["topic", jsonString(channel.topic)],
    ["encoding", jsonString(channel.encoding)],
    ["schemaName", jsonString(channel.schemaName)],
    ["schemaEncoding", opt(channel.schemaEncoding, jsonString)],
    ["schema", jsonString(channel.schema)],
    ["metadata", optionalMap(channel.metadata)],
  ]);
}

function encodeMessageSchema(schema: MessageSchema): string {
  return jsonObject([
    ["encoding", jsonString(schema.encoding)],
    ["schemaName", jsonString(schema.schemaName)],
    ["schemaEncoding", jsonString(schema.schemaEncoding)],
    ["schema", jsonString(schema.schema)],
  ]);
}

function encodeService(service: ServiceAdvertisement): string {
  return jsonObject([
    ["id", jsonU32(service.id)],
    ["name", jsonString(service.name)],
    ["type", jsonString(service.type)],
    ["request", opt(service.request, encodeMessageSchema)],
    ["requestSchema", opt(service.requestSchema, jsonString)],
    ["response", opt(service.response, encodeMessageSchema)],
    ["responseSchema", opt(service.responseSchema, jsonString)],
  ]);
}

function encodeStatusLevel(level: number): string {
  if (level !== 0 && level !== 1 && level !== 2) {
    throw new RangeError(`status level must be 0, 1 or 2, got ${String(level)}`);
  }
  return String(level);
}

/**
 * Encodes a server JSON message as compact JSON text: `op` first, then fields in spec order,
 * absent fields omitted. Throws on values that cannot be encoded (e.g. a fractional id).
 */
export function encodeServerJson(message: ServerJsonMessage): string {
  const op: [string, string] = ["op", jsonString(message.op)];
  switch (message.op) {
    case "serverInfo":
      return jsonObject([
        op,
        ["name", jsonString(message.name)],
        ["capabilities", jsonStringArray(message.capabilities)],
        ["supportedEncodings", opt(nonEmpty(message.supportedEncodings), jsonStringArray)],
        ["metadata", optionalMap(message.metadata)],
        ["sessionId", opt(message.sessionId, jsonString)],
        ["dataStartTime", opt(message.dataStartTime, encodeTimestamp)],
        ["dataEndTime", opt(message.dataEndTime, encodeTimestamp)],
      ]);
    case "status":
      return jsonObject([
        op,
        ["level", encodeStatusLevel(message.level)],
        ["message", jsonString(message.message)],
        ["id", opt(message.id, jsonString)],
      ]);
    case "removeStatus":
      return jsonObject([op, ["statusIds", jsonStringArray(message.statusIds)]]);
    case "advertise":
      return jsonObject([
        op,
        ["channels", jsonArray(message.channels.map(encodeAdvertisedChannel))],
      ]);
    case "unadvertise":
      return jsonObject([
        op,
        ["channelIds", jsonArray(message.channelIds.map((id) => jsonUint(id)))],
      ]);
    case "parameterValues":
      return jsonObject([
        op,
        ["parameters", jsonArray(message.parameters.map(encodeParameter))],
        ["id", opt(message.id, jsonString)],
      ]);
    case "advertiseServices":
      return jsonObject([op, ["services", jsonArray(message.services.map(encodeService))]]);
    case "unadvertiseServices":
      return jsonObject([op, ["serviceIds", jsonArray(message.serviceIds.map(jsonU32))]]);
    case "connectionGraphUpdate":
      return jsonObject([
        op,
        [
          "publishedTopics",
          jsonArray(
            message.publishedTopics.map((t) =>
              jsonObject([
                ["name", jsonString(t.name)],
                ["publisherIds", jsonStringArray(t.publisherIds)],
              ]),
            ),
          ),
        ],
        [
          "subscribedTopics",
          jsonArray(
            message.subscribedTopics.map((t) =>
              jsonObject([
                ["name", jsonString(t.name)],
                ["subscriberIds", jsonStringArray(t.subscriberIds)],
              ]),
            ),
          ),
        ],
        [
          "advertisedServices",
          jsonArray(
            message.advertisedServices.map((s) =>
              jsonObject([
                ["name", jsonString(s.name)],
                ["providerIds", jsonStringArray(s.providerIds)],
              ]),
            ),
          ),
        ],
        ["removedTopics", jsonStringArray(message.removedTopics)],
        ["removedServices", jsonStringArray(message.removedServices)],
      ]);
    case "serviceCallFailure":
      return jsonObject([
        op,
        ["serviceId", jsonU32(message.serviceId)],
        ["callId", jsonU32(message.callId)],
        ["message", jsonString(message.message)],
      ]);
  }
}

/** Encodes a server JSON message as a complete Text frame (header + UTF-8 JSON). */
export function encodeServerJsonFrame(message: ServerJsonMessage): Uint8Array {
  return encodeTextFrame(encodeServerJson(message));
}

// ---------------------------------------------------------------------------------------------
// Decoding

function decodeTimestamp(value: JsonValue, path: string): Timestamp {
  const object = expectObject(value, path);
  return {
    sec: requiredUint(object, "sec", path, U32_MAX),
    nsec: requiredUint(object, "nsec", path, U32_MAX),
  };
}

function decodeAdvertisedChannel(value: JsonValue, path: string): AdvertisedChannel {
  const object = expectObject(value, path);
  const channel: Mutable<AdvertisedChannel> = {
    id: requiredUint(object, "id", path, SAFE_MAX),
    topic: requiredString(object, "topic", path),
    encoding: requiredString(object, "encoding", path),
    schemaName: requiredString(object, "schemaName", path),
    schema: "",
  };
  const schemaEncoding = optionalString(object, "schemaEncoding", path);
  if (schemaEncoding !== undefined) channel.schemaEncoding = schemaEncoding;
  channel.schema = requiredString(object, "schema", path);
  const metadata = optionalField(object, "metadata", path);
  if (metadata !== undefined)
    channel.metadata = expectStringMap(metadata, joinPath(path, "metadata"));
  return channel;
}

function decodeMessageSchema(value: JsonValue, path: string): MessageSchema {
  const object = expectObject(value, path);
  return {
    encoding: requiredString(object, "encoding", path),
    schemaName: requiredString(object, "schemaName", path),
    schemaEncoding: requiredString(object, "schemaEncoding", path),
    schema: requiredString(object, "schema", path),
  };
}

function decodeService(value: JsonValue, path: string): ServiceAdvertisement {
  const object = expectObject(value, path);
  const service: Mutable<ServiceAdvertisement> = {
    id: requiredUint(object, "id", path, U32_MAX),
    name: requiredString(object, "name", path),
    type: requiredString(object, "type", path),
  };
  const request = optionalField(object, "request", path);
  if (request !== undefined)
    service.request = decodeMessageSchema(request, joinPath(path, "request"));
  const requestSchema = optionalString(object, "requestSchema", path);
  if (requestSchema !== undefined) service.requestSchema = requestSchema;
  const response = optionalField(object, "response", path);
  if (response !== undefined) {
    service.response = decodeMessageSchema(response, joinPath(path, "response"));
  }
  const responseSchema = optionalString(object, "responseSchema", path);
  if (responseSchema !== undefined) service.responseSchema = responseSchema;
  return service;
}

function decodeNamedIds<K extends string>(
  object: JsonObject,
  key: string,
  idsKey: K,
): Array<{ name: string } & Record<K, string[]>> {
  return mapArray(requiredField(object, key, ""), key, (item, itemPath) => {
    const entry = expectObject(item, itemPath);
    return {
      name: requiredString(entry, "name", itemPath),
      [idsKey]: requiredStringArray(entry, idsKey, itemPath),
    } as { name: string } & Record<K, string[]>;
  });
}

/** Decodes the fields of a server JSON message whose `op` is already known. */
function decodeServerJsonObject(object: JsonObject, op: string): ServerJsonMessage {
  switch (op) {
    case "serverInfo": {
      const info: Mutable<ServerInfo> = {
        op,
        name: requiredString(object, "name", ""),
        capabilities: requiredStringArray(object, "capabilities", ""),
      };
      const supported = optionalField(object, "supportedEncodings", "");
      if (supported !== undefined) {
        info.supportedEncodings = expectStringArray(supported, "supportedEncodings");
      }
      const metadata = optionalField(object, "metadata", "");
      if (metadata !== undefined) info.metadata = expectStringMap(metadata, "metadata");
      const sessionId = optionalString(object, "sessionId", "");
      if (sessionId !== undefined) info.sessionId = sessionId;
      const start = optionalField(object, "dataStartTime", "");
      if (start !== undefined) info.dataStartTime = decodeTimestamp(start, "dataStartTime");
      const end = optionalField(object, "dataEndTime", "");
      if (end !== undefined) info.dataEndTime = decodeTimestamp(end, "dataEndTime");
      return info;
    }
    case "status": {
      const status: Mutable<Status> = {
        op,
        level: requiredUint(object, "level", "", 2) as StatusLevel,
        message: requiredString(object, "message", ""),
      };
      const id = optionalString(object, "id", "");
      if (id !== undefined) status.id = id;
      return status;
    }
    case "removeStatus":
      return { op, statusIds: requiredStringArray(object, "statusIds", "") };
    case "advertise":
      return {
        op,
        channels: mapArray(
          requiredField(object, "channels", ""),
          "channels",
          decodeAdvertisedChannel,
        ),
      };
    case "unadvertise":
      return {
        op,
        channelIds: mapArray(requiredField(object, "channelIds", ""), "channelIds", (v, p) =>
          expectUint(v, p, SAFE_MAX),
        ),
      };
    case "parameterValues": {
      const values: Mutable<ParameterValues> = {
        op,
        parameters: mapArray(
          requiredField(object, "parameters", ""),
          "parameters",
          decodeParameterJson,
        ),
      };
      const id = optionalString(object, "id", "");
      if (id !== undefined) values.id = id;
      return values;
    }
    case "advertiseServices":
      return {
        op,
        services: mapArray(requiredField(object, "services", ""), "services", decodeService),
      };
    case "unadvertiseServices":
      return {
        op,
        serviceIds: mapArray(requiredField(object, "serviceIds", ""), "serviceIds", (v, p) =>
          expectUint(v, p, U32_MAX),
        ),
      };
    case "connectionGraphUpdate":
      return {
        op,
        publishedTopics: decodeNamedIds(object, "publishedTopics", "publisherIds"),
        subscribedTopics: decodeNamedIds(object, "subscribedTopics", "subscriberIds"),
        advertisedServices: decodeNamedIds(object, "advertisedServices", "providerIds"),
        removedTopics: requiredStringArray(object, "removedTopics", ""),
        removedServices: requiredStringArray(object, "removedServices", ""),
      };
    case "serviceCallFailure":
      return {
        op,
        serviceId: requiredUint(object, "serviceId", "", U32_MAX),
        callId: requiredUint(object, "callId", "", U32_MAX),
        message: requiredString(object, "message", ""),
      };
    default:
      return throwDecode("unknown-op", `unknown server op ${JSON.stringify(op)}`, "op");
  }
}

/**
 * Decodes a server → client JSON message from text or UTF-8 bytes. Never throws: failures are
 * `invalid-utf8`, `invalid-json`, `unknown-op`, `missing-field` or `invalid-field`.
 */
export function decodeServerJson(input: string | Uint8Array): ProtocolResult<ServerJsonMessage> {
  return decodeJsonMessage(input, decodeServerJsonObject);
}
