/**
 * The TypeScript gateway for Foxglove remote access.
 *
 * @example
 * import { startGateway } from "@foxglove-gateway/remote-access";
 * const gateway = startGateway({ deviceToken: process.env.FOXGLOVE_DEVICE_TOKEN });
 */
export type { FailureKind, GatewayFailure } from "../machines/failure.js";
export {
  type ConnectionMode,
  type GatewayContext,
  type GatewayEvent,
  gatewayMachine,
  type ParticipantRef,
  type SessionEnd,
} from "../machines/gateway.machine.js";
export { participantMachine } from "../machines/participant.machine.js";
export {
  DEFAULT_RETRY_POLICY,
  FIXED_RETRY_POLICY,
  type RetryPolicy,
  retryDelayMs,
} from "../machines/retry-policy.js";
export * from "./context/index.js";
export * from "./gateway/index.js";
export {
  createStatelyInspector,
  type InspectionFeed,
  type InspectionFeedOptions,
  type InspectionRecord,
  type StatelyBridge,
  type StatelyInspector,
  type StatelyInspectorOptions,
  startInspectionFeed,
  startStatelyBridge,
} from "./inspection/index.js";
export { disposeLivekit } from "./livekit/index.js";
export {
  byteArrayParameter,
  float64Parameter,
  type Parameter,
  type ParameterType,
  type ParameterValue,
  type Status,
  StatusLevel,
} from "./protocol/index.js";
export type { ClientChannelInfo, ClientInfo, GatewayListener } from "./session/listener.js";
export type { AssetHandler } from "./session/v22/assets.js";
export type { ConnectionGraph } from "./session/v22/connection-graph.js";
export type {
  ParameterHandler,
  ParameterSubscriptionListener,
} from "./session/v22/parameters.js";
export { PROTOCOL_VERSION } from "./session/v22/protocol-version.js";
export type { Service, ServiceCall, ServiceMessageSchema } from "./session/v22/services.js";
export type { Reliability } from "./session/v22/session.js";
export { SDK_VERSION } from "./version.js";
