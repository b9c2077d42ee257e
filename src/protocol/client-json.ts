/**
 * Client → server JSON messages (§7.4): types, byte-exact encoders and strict decoders
 * (unknown keys ignored; missing/ill-typed fields and unknown `op` are typed errors).
 */

import { type ProtocolResult, throwDecode } from "./errors.js";
import { encodeTextFrame } from "./framing.js";
import {
  expectBool,
  expectObject,
  expectUint,
  joinPath,
  type Mutable,
  mapArray,
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
  jsonBool,
  jsonObject,
  jsonString,
  jsonStringArray,
  jsonU32,
  jsonUint,
  U32_MAX,
} from "./json-writer.js";
import { decodeParameterJson, encodeParameter, type Parameter } from "./parameters.js";

/** One entry of `subscribe`. `requestVideoTrack` defaults to false when absent on input. */
export interface SubscribeChannel {
  /** Channel id (u64 on the wire; always below 2^53). */
  readonly id: number;
  readonly requestVideoTrack: boolean;
}

/** `subscribe`: start receiving channels (as data, or as video when requested). */
export interface ClientSubscribe {
  readonly op: "subscribe";
  readonly channels: readonly SubscribeChannel[];
}

/** `unsubscribe`: stop receiving channels. */
export interface ClientUnsubscribe {
  readonly op: "unsubscribe";
  readonly channelIds: readonly number[];
}

/** A client-published channel (ids are per-participant u32). */
export interface ClientChannel {
  readonly id: number;
  readonly topic: string;
  readonly encoding: string;
  readonly schemaName: string;
  readonly schemaEncoding?: string;
  /** Protocol-encoded schema (base64 for binary schema encodings); see `decodeSchemaData`. */
  readonly schema?: string;
}

/** Client `advertise`. */
export interface ClientAdvertise {
  readonly op: "advertise";
  readonly channels: readonly ClientChannel[];
}

/** Client `unadvertise` (u32 client channel ids). */
export interface ClientUnadvertise {
  readonly op: "unadvertise";
  readonly channelIds: readonly number[];
}

/** `getParameters`. */
export interface GetParameters {
  readonly op: "getParameters";
  readonly parameterNames: readonly string[];
  readonly id?: string;
}

/** `setParameters`. */
export interface SetParameters {
  readonly op: "setParameters";
  readonly parameters: readonly Parameter[];
  readonly id?: string;
}

/** `subscribeParameterUpdates`. */
export interface SubscribeParameterUpdates {
  readonly op: "subscribeParameterUpdates";
  readonly parameterNames: readonly string[];
}

/** `unsubscribeParameterUpdates`. */
export interface UnsubscribeParameterUpdates {
  readonly op: "unsubscribeParameterUpdates";
  readonly parameterNames: readonly string[];
}

/** `subscribeConnectionGraph`. */
export interface SubscribeConnectionGraph {
  readonly op: "subscribeConnectionGraph";
}

/** `unsubscribeConnectionGraph`. */
export interface UnsubscribeConnectionGraph {
  readonly op: "unsubscribeConnectionGraph";
}

/** `fetchAsset`. */
export interface FetchAsset {
  readonly op: "fetchAsset";
  /** u32. */
  readonly requestId: number;
  readonly uri: string;
}

/** Any client → server JSON message, discriminated by `op`. */
export type ClientJsonMessage =
  | ClientSubscribe
  | ClientUnsubscribe
  | ClientAdvertise
  | ClientUnadvertise
  | GetParameters
  | SetParameters
  | SubscribeParameterUpdates
  | UnsubscribeParameterUpdates
  | SubscribeConnectionGraph
  | UnsubscribeConnectionGraph
  | FetchAsset;

/** The `op` values of client JSON messages. */
export type ClientJsonOp = ClientJsonMessage["op"];

// ---------------------------------------------------------------------------------------------
// Encoding

function opt(value: string | undefined): string | undefined {
  return value === undefined ? undefined : jsonString(value);
}

function encodeClientChannel(channel: ClientChannel): string {
  return jsonObject([
    ["id", jsonU32(channel.id)],
    ["topic", jsonString(channel.topic)],
    ["encoding", jsonString(channel.encoding)],
    ["schemaName", jsonString(channel.schemaName)],
    ["schemaEncoding", opt(channel.schemaEncoding)],
    ["schema", opt(channel.schema)],
  ]);
}

/**
 * Encodes a client JSON message as compact JSON (`op` first, spec field order, absent fields
 * omitted). `subscribe` always writes `requestVideoTrack` explicitly, like the reference viewer.
 * Throws on values that cannot be encoded (e.g. a negative id).
 */
export function encodeClientJson(message: ClientJsonMessage): string {
  const op: [string, string] = ["op", jsonString(message.op)];
  switch (message.op) {
    case "subscribe":
      return jsonObject([
        op,
        [
          "channels",
          jsonArray(
            message.channels.map((c) =>
              jsonObject([
                ["id", jsonUint(c.id)],
                ["requestVideoTrack", jsonBool(c.requestVideoTrack)],
              ]),
            ),
          ),
        ],
      ]);
    case "unsubscribe":
      return jsonObject([
        op,
        ["channelIds", jsonArray(message.channelIds.map((id) => jsonUint(id)))],
      ]);
    case "advertise":
      return jsonObject([op, ["channels", jsonArray(message.channels.map(encodeClientChannel))]]);
    case "unadvertise":
      return jsonObject([op, ["channelIds", jsonArray(message.channelIds.map(jsonU32))]]);
    case "getParameters":
      return jsonObject([
        op,
        ["parameterNames", jsonStringArray(message.parameterNames)],
        ["id", opt(message.id)],
      ]);
    case "setParameters":
      return jsonObject([
        op,
        ["parameters", jsonArray(message.parameters.map(encodeParameter))],
        ["id", opt(message.id)],
      ]);
    case "subscribeParameterUpdates":
    case "unsubscribeParameterUpdates":
      return jsonObject([op, ["parameterNames", jsonStringArray(message.parameterNames)]]);
    case "subscribeConnectionGraph":
    case "unsubscribeConnectionGraph":
      return jsonObject([op]);
    case "fetchAsset":
      return jsonObject([
        op,
        ["requestId", jsonU32(message.requestId)],
        ["uri", jsonString(message.uri)],
      ]);
  }
}

/** Encodes a client JSON message as a complete Text frame. */
export function encodeClientJsonFrame(message: ClientJsonMessage): Uint8Array {
  return encodeTextFrame(encodeClientJson(message));
}

// ---------------------------------------------------------------------------------------------
// Decoding

function decodeSubscribeChannel(value: JsonValue, path: string): SubscribeChannel {
  const object = expectObject(value, path);
  const id = requiredUint(object, "id", path, SAFE_MAX);
  // `#[serde(default)] bool` in the reference: absent means false, but null is a type error.
  const raw = object.duplicates?.has("requestVideoTrack")
    ? requiredField(object, "requestVideoTrack", path)
    : object.entries.get("requestVideoTrack");
  const requestVideoTrack =
    raw === undefined ? false : expectBool(raw, joinPath(path, "requestVideoTrack"));
  return { id, requestVideoTrack };
}

function decodeClientChannel(value: JsonValue, path: string): ClientChannel {
  const object = expectObject(value, path);
  const channel: Mutable<ClientChannel> = {
    id: requiredUint(object, "id", path, U32_MAX),
    topic: requiredString(object, "topic", path),
    encoding: requiredString(object, "encoding", path),
    schemaName: requiredString(object, "schemaName", path),
  };
  const schemaEncoding = optionalString(object, "schemaEncoding", path);
  if (schemaEncoding !== undefined) channel.schemaEncoding = schemaEncoding;
  const schema = optionalString(object, "schema", path);
  if (schema !== undefined) channel.schema = schema;
  return channel;
}

function uintList(object: JsonObject, key: string, max: number): number[] {
  return mapArray(requiredField(object, key, ""), key, (v, p) => expectUint(v, p, max));
}

function decodeClientJsonObject(object: JsonObject, op: string): ClientJsonMessage {
  switch (op) {
    case "subscribe":
      return {
        op,
        channels: mapArray(
          requiredField(object, "channels", ""),
          "channels",
          decodeSubscribeChannel,
        ),
      };
    case "unsubscribe":
      return { op, channelIds: uintList(object, "channelIds", SAFE_MAX) };
    case "advertise":
      return {
        op,
        channels: mapArray(requiredField(object, "channels", ""), "channels", decodeClientChannel),
      };
    case "unadvertise":
      return { op, channelIds: uintList(object, "channelIds", U32_MAX) };
    case "getParameters": {
      const message: Mutable<GetParameters> = {
        op,
        parameterNames: requiredStringArray(object, "parameterNames", ""),
      };
      const id = optionalString(object, "id", "");
      if (id !== undefined) message.id = id;
      return message;
    }
    case "setParameters": {
      const message: Mutable<SetParameters> = {
        op,
        parameters: mapArray(
          requiredField(object, "parameters", ""),
          "parameters",
          decodeParameterJson,
        ),
      };
      const id = optionalString(object, "id", "");
      if (id !== undefined) message.id = id;
      return message;
    }
    case "subscribeParameterUpdates":
    case "unsubscribeParameterUpdates":
      return { op, parameterNames: requiredStringArray(object, "parameterNames", "") };
    case "subscribeConnectionGraph":
    case "unsubscribeConnectionGraph":
      return { op };
    case "fetchAsset":
      return {
        op,
        requestId: requiredUint(object, "requestId", "", U32_MAX),
        uri: requiredString(object, "uri", ""),
      };
    default:
      return throwDecode("unknown-op", `unknown client op ${JSON.stringify(op)}`, "op");
  }
}

/**
 * Decodes a client → server JSON message from text or UTF-8 bytes. Never throws: failures are
 * `invalid-utf8`, `invalid-json`, `unknown-op`, `missing-field` or `invalid-field`.
 */
export function decodeClientJson(input: string | Uint8Array): ProtocolResult<ClientJsonMessage> {
  return decodeJsonMessage(input, decodeClientJsonObject);
}
