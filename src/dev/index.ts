/**
 * The local development stack: a livekit-server on loopback, the Foxglove dev API in front of it,
 * and both together. The CLI's default mode and the test suite stand on these.
 *
 * @module
 */

export * from "./dev-api.js";
export {
  LIVEKIT_SERVER_VERSION,
  type LivekitServerBinary,
  type ProvisionOptions,
  provisionLivekitServer,
} from "./livekit-binary.js";
export {
  DEV_LIVEKIT_KEY,
  DEV_LIVEKIT_SECRET,
  freeTcpPort,
  type LivekitServerOptions,
  LocalLivekitServer,
} from "./livekit-server.js";
export { type LocalStack, type LocalStackOptions, startLocalStack } from "./local-stack.js";
export {
  DEV_DEVICE_WAIT_FOR_VIEWER_MS,
  DEV_HEARTBEAT_INTERVAL_MS,
  DEV_KEEP_ALIVE_MS,
  type DevApiHeartbeat,
  type DevApiWakeOptions,
  type DevApiWatch,
  type DevApiWatchFault,
  type DevApiWatchQuery,
} from "./watch-endpoints.js";
