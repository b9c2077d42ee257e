/** fast-check generators for valid protocol values (used by round-trip properties). */

import fc from "fast-check";
import type {
  AdvertisedChannel,
  ClientBinaryMessage,
  ClientJsonMessage,
  MessageSchema,
  Parameter,
  ParameterValue,
  ServerBinaryMessage,
  ServerJsonMessage,
} from "../../src/protocol/index.js";

/** Any Unicode string (no lone surrogates), short. */
export const text = fc.string({ unit: "binary", maxLength: 10 });
/** u32 as number. */
export const u32 = fc.bigInt({ min: 0n, max: 0xffff_ffffn }).map(Number);
/** u64 as bigint. */
export const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
/** Channel ids: any safe non-negative integer. */
export const channelId = fc.oneof(fc.maxSafeNat(), fc.nat({ max: 1000 }));
/** A float32 value (what survives an f32 field). */
export const f32 = fc.float({ noNaN: true });
/** Arbitrary bytes. */
export const bytes = fc.uint8Array({ maxLength: 40 });

const textArray = fc.array(text, { maxLength: 4 });
const key = fc.oneof(text, fc.nat({ max: 200 }).map(String), fc.constant("__proto__"));
/** A non-empty string map with keys that a plain JS object would misorder. */
export const metadata = fc.dictionary(key, text, { minKeys: 1, maxKeys: 5 });

const integer = fc
  .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  .map((value): ParameterValue => ({ kind: "integer", value }));
const float = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map((value): ParameterValue => ({ kind: "float64", value }));
const bool = fc.boolean().map((value): ParameterValue => ({ kind: "bool", value }));
const string = text.map((value): ParameterValue => ({ kind: "string", value }));

/** Any value allowed below the top level (arrays may mix anything). */
const nestedValue: fc.Arbitrary<ParameterValue> = fc.letrec<{ value: ParameterValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    integer,
    float,
    bool,
    string,
    fc
      .array(tie("value"), { maxLength: 3 })
      .map((value): ParameterValue => ({ kind: "array", value })),
    fc
      .dictionary(key, tie("value"), { maxKeys: 3 })
      .map((value): ParameterValue => ({ kind: "dict", value })),
  ),
})).value;

const nonNumeric = fc.oneof(
  bool,
  string,
  nestedValue.filter((v) => v.kind === "array" || v.kind === "dict"),
);

/**
 * Top-level untyped values: a top-level array is homogeneous (all integers, all floats or no
 * numbers) because mixed arrays are normalized or rejected on decode (§7.6).
 */
const topLevelUntyped: fc.Arbitrary<ParameterValue> = fc.oneof(
  integer,
  float,
  bool,
  string,
  nestedValue.filter((v) => v.kind === "dict"),
  fc.array(integer, { maxLength: 4 }).map((value): ParameterValue => ({ kind: "array", value })),
  fc.array(float, { maxLength: 4 }).map((value): ParameterValue => ({ kind: "array", value })),
  fc.array(nonNumeric, { maxLength: 3 }).map((value): ParameterValue => ({ kind: "array", value })),
);

/** Any valid parameter. */
export const parameter: fc.Arbitrary<Parameter> = fc.oneof(
  fc.record({ name: text, value: topLevelUntyped }, { requiredKeys: ["name"] }),
  fc.record(
    { name: text, type: fc.constant("float64" as const), value: float },
    { requiredKeys: ["name", "type"] },
  ),
  fc.record(
    {
      name: text,
      type: fc.constant("float64_array" as const),
      value: fc
        .array(float, { maxLength: 4 })
        .map((value): ParameterValue => ({ kind: "array", value })),
    },
    { requiredKeys: ["name", "type"] },
  ),
  fc.record(
    {
      name: text,
      type: fc.constant("byte_array" as const),
      value: bytes.map((value): ParameterValue => ({ kind: "byteArray", value })),
    },
    { requiredKeys: ["name", "type"] },
  ),
);

const timestamp = fc.record({ sec: u32, nsec: u32 });

/** A valid server advertise channel. */
export const advertisedChannel: fc.Arbitrary<AdvertisedChannel> = fc.record(
  {
    id: channelId,
    topic: text,
    encoding: text,
    schemaName: text,
    schemaEncoding: text,
    schema: text,
    metadata,
  },
  { requiredKeys: ["id", "topic", "encoding", "schemaName", "schema"] },
);

const messageSchema: fc.Arbitrary<MessageSchema> = fc.record({
  encoding: text,
  schemaName: text,
  schemaEncoding: text,
  schema: text,
});

/** Every server JSON message type. */
export const serverJsonMessage: fc.Arbitrary<ServerJsonMessage> = fc.oneof(
  fc.record(
    {
      op: fc.constant("serverInfo" as const),
      name: text,
      capabilities: textArray,
      supportedEncodings: fc.array(text, { minLength: 1, maxLength: 3 }),
      metadata,
      sessionId: text,
      dataStartTime: timestamp,
      dataEndTime: timestamp,
    },
    { requiredKeys: ["op", "name", "capabilities"] },
  ),
  fc.record(
    {
      op: fc.constant("status" as const),
      level: fc.constantFrom(0 as const, 1 as const, 2 as const),
      message: text,
      id: text,
    },
    { requiredKeys: ["op", "level", "message"] },
  ),
  fc.record({ op: fc.constant("removeStatus" as const), statusIds: textArray }),
  fc.record({
    op: fc.constant("advertise" as const),
    channels: fc.array(advertisedChannel, { maxLength: 3 }),
  }),
  fc.record({
    op: fc.constant("unadvertise" as const),
    channelIds: fc.array(channelId, { maxLength: 4 }),
  }),
  fc.record(
    {
      op: fc.constant("parameterValues" as const),
      parameters: fc.array(parameter, { maxLength: 3 }),
      id: text,
    },
    { requiredKeys: ["op", "parameters"] },
  ),
  fc.record({
    op: fc.constant("advertiseServices" as const),
    services: fc.array(
      fc.record(
        {
          id: u32,
          name: text,
          type: text,
          request: messageSchema,
          requestSchema: text,
          response: messageSchema,
          responseSchema: text,
        },
        { requiredKeys: ["id", "name", "type"] },
      ),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    op: fc.constant("unadvertiseServices" as const),
    serviceIds: fc.array(u32, { maxLength: 4 }),
  }),
  fc.record({
    op: fc.constant("connectionGraphUpdate" as const),
    publishedTopics: fc.array(fc.record({ name: text, publisherIds: textArray }), { maxLength: 2 }),
    subscribedTopics: fc.array(fc.record({ name: text, subscriberIds: textArray }), {
      maxLength: 2,
    }),
    advertisedServices: fc.array(fc.record({ name: text, providerIds: textArray }), {
      maxLength: 2,
    }),
    removedTopics: textArray,
    removedServices: textArray,
  }),
  fc.record({
    op: fc.constant("serviceCallFailure" as const),
    serviceId: u32,
    callId: u32,
    message: text,
  }),
);

/** Every client JSON message type. */
export const clientJsonMessage: fc.Arbitrary<ClientJsonMessage> = fc.oneof(
  fc.record({
    op: fc.constant("subscribe" as const),
    channels: fc.array(fc.record({ id: channelId, requestVideoTrack: fc.boolean() }), {
      maxLength: 4,
    }),
  }),
  fc.record({
    op: fc.constant("unsubscribe" as const),
    channelIds: fc.array(channelId, { maxLength: 4 }),
  }),
  fc.record({
    op: fc.constant("advertise" as const),
    channels: fc.array(
      fc.record(
        {
          id: u32,
          topic: text,
          encoding: text,
          schemaName: text,
          schemaEncoding: text,
          schema: text,
        },
        { requiredKeys: ["id", "topic", "encoding", "schemaName"] },
      ),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    op: fc.constant("unadvertise" as const),
    channelIds: fc.array(u32, { maxLength: 4 }),
  }),
  fc.record(
    { op: fc.constant("getParameters" as const), parameterNames: textArray, id: text },
    { requiredKeys: ["op", "parameterNames"] },
  ),
  fc.record(
    {
      op: fc.constant("setParameters" as const),
      parameters: fc.array(parameter, { maxLength: 3 }),
      id: text,
    },
    { requiredKeys: ["op", "parameters"] },
  ),
  fc.record({ op: fc.constant("subscribeParameterUpdates" as const), parameterNames: textArray }),
  fc.record({ op: fc.constant("unsubscribeParameterUpdates" as const), parameterNames: textArray }),
  fc.record({ op: fc.constant("subscribeConnectionGraph" as const) }),
  fc.record({ op: fc.constant("unsubscribeConnectionGraph" as const) }),
  fc.record({ op: fc.constant("fetchAsset" as const), requestId: u32, uri: text }),
);

/** Every server binary message type. */
export const serverBinaryMessage: fc.Arbitrary<ServerBinaryMessage> = fc.oneof(
  fc.record({ op: fc.constant("messageData" as const), channelId: u64, logTime: u64, data: bytes }),
  fc.record({ op: fc.constant("time" as const), timestamp: u64 }),
  fc.record({
    op: fc.constant("serviceCallResponse" as const),
    serviceId: u32,
    callId: u32,
    encoding: text,
    payload: bytes,
  }),
  fc.record({
    op: fc.constant("fetchAssetResponse" as const),
    requestId: u32,
    status: fc.constant("success" as const),
    data: bytes,
  }),
  fc.record({
    op: fc.constant("fetchAssetResponse" as const),
    requestId: u32,
    status: fc.constant("error" as const),
    errorMessage: text,
  }),
  fc.record(
    {
      op: fc.constant("playbackState" as const),
      status: fc.constantFrom(
        "playing" as const,
        "paused" as const,
        "buffering" as const,
        "ended" as const,
      ),
      currentTime: u64,
      playbackSpeed: f32,
      didSeek: fc.boolean(),
      requestId: fc.string({ unit: "binary", minLength: 1, maxLength: 10 }),
    },
    { requiredKeys: ["op", "status", "currentTime", "playbackSpeed", "didSeek"] },
  ),
  fc.record({ op: fc.constant("pong" as const), appTimestamp: u64, deviceTimeMs: u64 }),
);

/** Every client binary message type. */
export const clientBinaryMessage: fc.Arbitrary<ClientBinaryMessage> = fc.oneof(
  fc.record({ op: fc.constant("messageData" as const), channelId: u32, data: bytes }),
  fc.record({
    op: fc.constant("serviceCallRequest" as const),
    serviceId: u32,
    callId: u32,
    encoding: text,
    payload: bytes,
  }),
  fc.record(
    {
      op: fc.constant("playbackControlRequest" as const),
      command: fc.constantFrom("play" as const, "pause" as const),
      playbackSpeed: f32,
      seekTime: u64,
      requestId: text,
    },
    { requiredKeys: ["op", "command", "playbackSpeed", "requestId"] },
  ),
  fc.record(
    {
      op: fc.constant("ping" as const),
      appTimestamp: u64,
      trailer: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    },
    { requiredKeys: ["op", "appTimestamp"] },
  ),
  fc.record({ op: fc.constant("pingAck" as const), deviceTimestamp: u64 }),
);
