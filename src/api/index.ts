/**
 * Foxglove platform API layer (spec 3, 4 and 11.4): the HTTP client for the two device endpoints
 * and the watch stream with its heartbeat, its typed error, the SSE parser and the credentials
 * provider. Imports neither LiveKit nor XState.
 *
 * @module
 */

export { type ApiClient, type ApiClientOptions, createApiClient } from "./client.js";
export { type ApiEnv, resolveApiTimeoutMs, resolveApiUrl, resolveDeviceToken } from "./config.js";
export {
  DEFAULT_API_TIMEOUT_MS,
  DEFAULT_API_URL,
  DEVICE_INFO_PATH,
  ENV_API_TIMEOUT,
  ENV_API_URL,
  ENV_DEVICE_TOKEN,
  MAX_ERROR_BODY_BYTES,
  remoteSessionsPath,
  USER_AGENT,
} from "./constants.js";
export { type CredentialsProvider, createCredentialsProvider } from "./credentials-provider.js";
export {
  type ApiEndpoint,
  type ApiErrorBody,
  type ApiErrorResponse,
  type ApiRequestTarget,
  FoxgloveApiError,
  type FoxgloveApiErrorReason,
  isFoxgloveApiError,
  type TransportFailure,
} from "./errors.js";
export { encodePathSegment } from "./percent-encode.js";
export { parseRetryAfterMs } from "./retry-after.js";
export {
  parseSse,
  SSE_MAX_BYTES,
  type SseFrame,
  SseLimitError,
  SseParser,
  type SseParserOptions,
} from "./sse.js";
export type { ApiCallOptions, DeviceInfo, RtcCredentials } from "./types.js";
export { joinUrl } from "./url.js";
export {
  MAX_WATCH_DURATION_MS,
  MIN_DEVICE_WAIT_FOR_VIEWER_MS,
  MIN_HEARTBEAT_INTERVAL_MS,
  type OpenWatchOptions,
  WATCH_HEARTBEAT_PATH,
  WATCH_PATH,
  type WatchConnection,
  type WatchEvent,
  type WatchHelloEvent,
  type WatchKeepAliveEvent,
  type WatchWakeEvent,
} from "./watch.js";
