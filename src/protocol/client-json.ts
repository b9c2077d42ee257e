/**
 * Client → server JSON messages (§7.4): their types and one table that both encodes them
 * byte-exactly and decodes them strictly (unknown keys ignored; missing/ill-typed fields and
 * unknown `op` are typed errors).
 */

import type { ProtocolResult } from "./errors.js";
import { encodeTextFrame } from "./framing.js";
import {
  arrayCodec,
  boolCodec,
  safeUintCodec,
  stringArrayCodec,
  stringCodec,
  u32Codec,
} from "./json-codec.js";
import { jsonMessageCodec } from "./json-message.js";
import { objectCodec, optional, withDefault } from "./json-object-codec.js";
import { type Parameter, parameterCodec } from "./parameters.js";

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
// Wire description

const subscribeChannel = objectCodec<SubscribeChannel>({
  id: safeUintCodec,
  // `#[serde(default)] bool` in the reference; written always, like the reference viewer.
  requestVideoTrack: withDefault(boolCodec, false),
});

const clientChannel = objectCodec<ClientChannel>({
  id: u32Codec,
  topic: stringCodec,
  encoding: stringCodec,
  schemaName: stringCodec,
  schemaEncoding: optional(stringCodec),
  schema: optional(stringCodec),
});

const clientJson = jsonMessageCodec<ClientJsonMessage>("client", {
  subscribe: { channels: arrayCodec(subscribeChannel) },
  unsubscribe: { channelIds: arrayCodec(safeUintCodec) },
  advertise: { channels: arrayCodec(clientChannel) },
  unadvertise: { channelIds: arrayCodec(u32Codec) },
  getParameters: { parameterNames: stringArrayCodec, id: optional(stringCodec) },
  setParameters: { parameters: arrayCodec(parameterCodec), id: optional(stringCodec) },
  subscribeParameterUpdates: { parameterNames: stringArrayCodec },
  unsubscribeParameterUpdates: { parameterNames: stringArrayCodec },
  subscribeConnectionGraph: {},
  unsubscribeConnectionGraph: {},
  fetchAsset: { requestId: u32Codec, uri: stringCodec },
});

/**
 * Encodes a client JSON message as compact JSON (`op` first, spec field order, absent fields
 * omitted). `subscribe` always writes `requestVideoTrack` explicitly, like the reference viewer.
 * Throws on values that cannot be encoded (e.g. a negative id).
 */
export function encodeClientJson(message: ClientJsonMessage): string {
  return clientJson.encode(message);
}

/** Encodes a client JSON message as a complete Text frame. */
export function encodeClientJsonFrame(message: ClientJsonMessage): Uint8Array {
  return encodeTextFrame(clientJson.encode(message));
}

/**
 * Decodes a client → server JSON message from text or UTF-8 bytes. Never throws: failures are
 * `invalid-utf8`, `invalid-json`, `unknown-op`, `missing-field` or `invalid-field`.
 */
export function decodeClientJson(input: string | Uint8Array): ProtocolResult<ClientJsonMessage> {
  return clientJson.decode(input);
}
