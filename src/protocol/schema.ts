/**
 * Schema encoding rules for channel advertisements (§8.2): binary schema encodings travel as
 * base64, all others as UTF-8 text; some message encodings cannot be advertised without a schema.
 */

import { decodeBase64, encodeBase64 } from "./base64.js";
import { fail, ok, type ProtocolResult } from "./errors.js";
import type { AdvertisedChannel } from "./server-json.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";

/** Message encodings that cannot be advertised without a schema. */
export const SCHEMA_REQUIRED_MESSAGE_ENCODINGS: readonly string[] = [
  "protobuf",
  "flatbuffer",
  "ros1",
  "cdr",
];

/** Schema encodings whose schema data is sent as standard base64 (exact, case-sensitive match). */
export const BASE64_SCHEMA_ENCODINGS: readonly string[] = ["protobuf", "flatbuffer"];

/** True when a channel with this message encoding must have a schema. */
export function isSchemaRequired(messageEncoding: string): boolean {
  return SCHEMA_REQUIRED_MESSAGE_ENCODINGS.includes(messageEncoding);
}

/** True when schema data of this encoding is sent as base64. */
export function isBase64SchemaEncoding(schemaEncoding: string): boolean {
  return BASE64_SCHEMA_ENCODINGS.includes(schemaEncoding);
}

/**
 * Encodes schema bytes for the `schema` field: base64 for `protobuf`/`flatbuffer`, otherwise
 * the bytes as UTF-8 text (`invalid-utf8` if they are not; the channel must then be skipped).
 */
export function encodeSchemaData(schemaEncoding: string, data: Uint8Array): ProtocolResult<string> {
  if (isBase64SchemaEncoding(schemaEncoding)) return ok(encodeBase64(data));
  const text = decodeUtf8(data);
  if (text === undefined) {
    return fail("invalid-utf8", `schema data for encoding "${schemaEncoding}" is not valid UTF-8`);
  }
  return ok(text);
}

/** Inverse of {@link encodeSchemaData}: recovers schema bytes from an advertised `schema` string. */
export function decodeSchemaData(
  schemaEncoding: string,
  schema: string,
): ProtocolResult<Uint8Array> {
  if (!isBase64SchemaEncoding(schemaEncoding)) return ok(encodeUtf8(schema));
  const bytes = decodeBase64(schema);
  if (bytes === undefined) {
    return fail("invalid-base64", `schema for encoding "${schemaEncoding}" is not valid base64`);
  }
  return ok(bytes);
}

/** A schema as a logging channel holds it. */
export interface ChannelSchema {
  readonly name: string;
  readonly encoding: string;
  readonly data: Uint8Array;
}

/** What the advertiser needs to know about a logging channel. */
export interface ChannelDescription {
  readonly id: number;
  readonly topic: string;
  readonly messageEncoding: string;
  readonly schema?: ChannelSchema;
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Builds a channel's `advertise` entry per §8.2 step 2: `missing-schema` when the encoding
 * requires a schema and there is none, `invalid-utf8` for a text schema that is not UTF-8
 * (in both cases the channel is skipped). Metadata is copied as given (it is sorted on output).
 */
export function toAdvertisedChannel(
  channel: ChannelDescription,
): ProtocolResult<AdvertisedChannel> {
  const metadata =
    channel.metadata !== undefined && Object.keys(channel.metadata).length > 0
      ? { metadata: channel.metadata }
      : {};
  const schema = channel.schema;
  if (schema === undefined) {
    if (isSchemaRequired(channel.messageEncoding)) {
      return fail(
        "missing-schema",
        `channel ${channel.id} (${channel.topic}): message encoding "${channel.messageEncoding}" requires a schema`,
      );
    }
    return ok({
      id: channel.id,
      topic: channel.topic,
      encoding: channel.messageEncoding,
      schemaName: "",
      schema: "",
      ...metadata,
    });
  }
  const data = encodeSchemaData(schema.encoding, schema.data);
  if (!data.ok) return data;
  return ok({
    id: channel.id,
    topic: channel.topic,
    encoding: channel.messageEncoding,
    schemaName: schema.name,
    schemaEncoding: schema.encoding,
    schema: data.value,
    ...metadata,
  });
}
