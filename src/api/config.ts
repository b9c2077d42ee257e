import {
  DEFAULT_API_TIMEOUT_MS,
  DEFAULT_API_URL,
  ENV_API_TIMEOUT,
  ENV_API_URL,
  ENV_DEVICE_TOKEN,
} from "./constants.js";

/** The environment the resolvers read; `process.env` unless a test passes its own. */
export type ApiEnv = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the API base URL: explicit option, then `FOXGLOVE_API_URL`, then
 * `https://api.foxglove.dev` (spec 2.1). The value is not validated, as in the reference; an
 * unusable URL surfaces as a send error on the first request.
 */
export function resolveApiUrl(option?: string, env: ApiEnv = process.env): string {
  return option ?? env[ENV_API_URL] ?? DEFAULT_API_URL;
}

/**
 * Resolves the total per-request timeout in milliseconds: explicit option, then
 * `FOXGLOVE_API_TIMEOUT` (integer seconds), then 30 s (spec 2.1, 3.3).
 *
 * An env value that is not a non-negative decimal integer is silently ignored, like the reference.
 *
 * @throws RangeError if the explicit option is negative or not a finite number (a programming
 * error, unlike a bad env value).
 */
export function resolveApiTimeoutMs(optionMs?: number, env: ApiEnv = process.env): number {
  if (optionMs !== undefined) {
    if (!Number.isFinite(optionMs) || optionMs < 0) {
      throw new RangeError(`API timeout must be a non-negative number of milliseconds`);
    }
    return optionMs;
  }
  const raw = env[ENV_API_TIMEOUT];
  // Digits only: the reference parses a u64, which rejects signs, spaces, fractions and exponents.
  if (raw !== undefined && /^[0-9]+$/.test(raw)) {
    const ms = Number(raw) * 1000;
    if (Number.isSafeInteger(ms)) return ms;
  }
  return DEFAULT_API_TIMEOUT_MS;
}

/**
 * Resolves the device token: explicit option, then `FOXGLOVE_DEVICE_TOKEN` (spec 2.1). Returns
 * `undefined` when neither is set (the gateway turns that into its configuration error); an empty
 * string counts as unset.
 */
export function resolveDeviceToken(option?: string, env: ApiEnv = process.env): string | undefined {
  const token = option || env[ENV_DEVICE_TOKEN];
  return token ? token : undefined;
}
