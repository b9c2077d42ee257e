import { SDK_LANGUAGE, SDK_VERSION } from "../version.js";
import { encodePathSegment } from "./percent-encode.js";

/** Base URL of the Foxglove API when neither the option nor `FOXGLOVE_API_URL` is set (spec 12). */
export const DEFAULT_API_URL = "https://api.foxglove.dev";

/** Total per-request timeout when neither the option nor `FOXGLOVE_API_TIMEOUT` is set (spec 3.3). */
export const DEFAULT_API_TIMEOUT_MS = 30_000;

/** Error bodies longer than this are rejected without being parsed (spec 3.6). */
export const MAX_ERROR_BODY_BYTES = 16_384;

/**
 * Success bodies longer than this are a parse-response error.
 *
 * The spec sets no limit on success bodies; both endpoints answer with a few hundred bytes, so a
 * generous bound only protects the gateway from buffering a runaway response.
 */
export const MAX_SUCCESS_BODY_BYTES = 1_048_576;

/** Environment variable holding the device token (spec 2.1). */
export const ENV_DEVICE_TOKEN = "FOXGLOVE_DEVICE_TOKEN";
/** Environment variable overriding the API base URL (spec 2.1). */
export const ENV_API_URL = "FOXGLOVE_API_URL";
/** Environment variable overriding the API timeout, in integer seconds (spec 2.1). */
export const ENV_API_TIMEOUT = "FOXGLOVE_API_TIMEOUT";

/** Path of the device-info endpoint (spec 3.4). */
export const DEVICE_INFO_PATH = "/internal/platform/v1/device-info";

/** `User-Agent` sent on every request (spec 3.2, 14.6): `foxglove-sdk/typescript (<version>)`. */
export const USER_AGENT = `foxglove-sdk/${SDK_LANGUAGE} (${SDK_VERSION})`;

/** Path of the authorize-remote-visualization endpoint for one device id (spec 3.5). */
export function remoteSessionsPath(deviceId: string): string {
  return `/internal/platform/v1/devices/${encodePathSegment(deviceId)}/remote-sessions`;
}
