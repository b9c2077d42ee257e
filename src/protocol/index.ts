/**
 * Foxglove remote-access protocol v2: framing, JSON and binary message codecs, and a streaming
 * frame reader. Pure functions on bytes (no I/O); decoders never throw on bad input.
 */

export { decodeBase64, encodeBase64 } from "./base64.js";
export {
  type ClientBinaryMessage,
  ClientBinaryOpcode,
  type ClientMessageData,
  decodeClientBinary,
  encodeClientBinary,
  encodeClientBinaryFrame,
  type Ping,
  type PingAck,
  PLAYBACK_COMMANDS,
  type PlaybackCommand,
  type PlaybackControlRequest,
  type ServiceCallRequest,
} from "./client-binary.js";
export {
  type ClientAdvertise,
  type ClientChannel,
  type ClientJsonMessage,
  type ClientJsonOp,
  type ClientSubscribe,
  type ClientUnadvertise,
  type ClientUnsubscribe,
  decodeClientJson,
  encodeClientJson,
  encodeClientJsonFrame,
  type FetchAsset,
  type GetParameters,
  type SetParameters,
  type SubscribeChannel,
  type SubscribeConnectionGraph,
  type SubscribeParameterUpdates,
  type UnsubscribeConnectionGraph,
  type UnsubscribeParameterUpdates,
} from "./client-json.js";
export {
  DATA_TRACK_HEADER_SIZE,
  type DataTrackFrame,
  DEFAULT_DATA_TRACK_MESSAGE_LIMIT,
  decodeDataTrackFrame,
  encodeDataTrackFrame,
  MIN_DATA_TRACK_MESSAGE_LIMIT,
  nextDataTrackSequence,
} from "./data-track.js";
export type { ProtocolError, ProtocolErrorKind, ProtocolResult } from "./errors.js";
export {
  type FinalStreamEvent,
  type FrameEvent,
  type FrameReadEvent,
  FrameReader,
  isFinalEvent,
  readFrames,
  type StreamEndEvent,
  type StreamStopEvent,
  type StreamTruncatedEvent,
} from "./frame-reader.js";
export {
  allocateFrame,
  encodeBinaryFrame,
  encodeFrame,
  encodeTextFrame,
  FRAME_HEADER_SIZE,
  type Frame,
  FrameOpcode,
  isFrameOpcode,
  MAX_FRAME_PAYLOAD,
} from "./framing.js";
export {
  JsonNumber,
  JsonObject,
  type JsonValue,
  MAX_JSON_DEPTH,
  parseJson,
} from "./json-parser.js";
export {
  compareUtf8,
  type JsonField,
  jsonArray,
  jsonBool,
  jsonFloat64,
  jsonInt64,
  jsonObject,
  jsonSortedMap,
  jsonSortedStringMap,
  jsonString,
  jsonStringArray,
  jsonU32,
  jsonUint,
} from "./json-writer.js";
export {
  encodeServerMessageDataFrame,
  MAX_MESSAGE_DATA_PAYLOAD,
  MESSAGE_DATA_HEADER_SIZE,
  messageDataFrameSize,
} from "./message-data-frame.js";
export {
  type ClientMessage,
  decodeClientFrame,
  decodeServerFrame,
  type MessageReadEvent,
  type MessageSkipEvent,
  readClientMessages,
  readMessages,
  readServerMessages,
  type ServerMessage,
  type StreamEvent,
} from "./messages.js";
export {
  byteArrayParameter,
  encodeParameter,
  float64Parameter,
  type Parameter,
  type ParameterType,
  type ParameterValue,
} from "./parameters.js";
export {
  BASE64_SCHEMA_ENCODINGS,
  type ChannelDescription,
  type ChannelSchema,
  decodeSchemaData,
  encodeSchemaData,
  isBase64SchemaEncoding,
  isSchemaRequired,
  SCHEMA_REQUIRED_MESSAGE_ENCODINGS,
  toAdvertisedChannel,
} from "./schema.js";
export {
  decodeServerBinary,
  encodeServerBinary,
  encodeServerBinaryFrame,
  type FetchAssetResponse,
  PLAYBACK_STATUSES,
  type PlaybackState,
  type PlaybackStatus,
  type Pong,
  type ServerBinaryMessage,
  ServerBinaryOpcode,
  type ServerMessageData,
  type ServerTime,
  type ServiceCallResponse,
} from "./server-binary.js";
export {
  type AdvertisedChannel,
  type AdvertisedService,
  type AdvertiseServices,
  type ConnectionGraphUpdate,
  decodeServerJson,
  encodeAdvertisedChannel,
  encodeServerJson,
  encodeServerJsonFrame,
  type MessageSchema,
  type ParameterValues,
  type PublishedTopic,
  type RemoveStatus,
  type ServerAdvertise,
  type ServerInfo,
  type ServerJsonMessage,
  type ServerJsonOp,
  type ServerUnadvertise,
  type ServiceAdvertisement,
  type ServiceCallFailure,
  type Status,
  StatusLevel,
  type SubscribedTopic,
  type Timestamp,
  timestampFromNanos,
  type UnadvertiseServices,
} from "./server-json.js";
export type { ServiceCallFields } from "./service-call.js";
