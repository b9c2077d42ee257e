/**
 * Foxglove platform API layer (spec 3 and 4): the HTTP client for the two device endpoints, its
 * typed error, and the credentials provider. Imports neither LiveKit nor XState.
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
export type { ApiCallOptions, DeviceInfo, RtcCredentials } from "./types.js";
export { joinUrl } from "./url.js";
