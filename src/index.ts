/**
 * The TypeScript gateway for Foxglove remote access.
 *
 * @example
 * import { startGateway } from "@foxglove-gateway/remote-access";
 * const gateway = startGateway({ deviceToken: process.env.FOXGLOVE_DEVICE_TOKEN });
 */
export type { FailureKind, GatewayFailure } from "../machines/failure.js";
export {
  type GatewayContext,
  type GatewayEvent,
  gatewayMachine,
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
  type InspectionFeed,
  type InspectionFeedOptions,
  type InspectionRecord,
  startInspectionFeed,
} from "./inspection/index.js";
export { disposeLivekit } from "./livekit/index.js";
export type { ClientChannelInfo, ClientInfo, GatewayListener } from "./session/listener.js";
export { SDK_VERSION } from "./version.js";
