import { createFetch } from "ofetch";
import { type CappedBody, readBodyCapped } from "./body.js";
import { type ApiEnv, resolveApiTimeoutMs, resolveApiUrl } from "./config.js";
import {
  DEVICE_INFO_PATH,
  MAX_ERROR_BODY_BYTES,
  MAX_SUCCESS_BODY_BYTES,
  remoteSessionsPath,
  USER_AGENT,
} from "./constants.js";
import {
  type ApiEndpoint,
  type ApiErrorBody,
  type ApiErrorResponse,
  type ApiRequestTarget,
  FoxgloveApiError,
} from "./errors.js";
import { createRequestSignal, type RequestSignal } from "./request-signal.js";
import { parseDeviceInfo, parseErrorBody, parseRtcCredentials, ShapeError } from "./schemas.js";
import type { ApiCallOptions, DeviceInfo, RtcCredentials } from "./types.js";
import { joinUrl } from "./url.js";

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** The device token (secret). Sent as `Authorization: DeviceToken <token>`. */
  readonly deviceToken: string;
  /** Base URL; defaults to `FOXGLOVE_API_URL`, then `https://api.foxglove.dev` (see {@link resolveApiUrl}). */
  readonly baseUrl?: string;
  /** Total per-request timeout in ms; defaults to `FOXGLOVE_API_TIMEOUT` seconds, then 30 s. */
  readonly timeoutMs?: number;
  /** `fetch` implementation; defaults to the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Environment read for the defaults above; `process.env` unless given. */
  readonly env?: ApiEnv;
}

/** The Foxglove API client: the two v0.20.0 endpoints (spec 3). Holds the device token privately. */
export interface ApiClient {
  /** The resolved base URL. */
  readonly baseUrl: string;
  /** The resolved total per-request timeout in ms. */
  readonly timeoutMs: number;
  /** `GET /internal/platform/v1/device-info` (spec 3.4). @throws FoxgloveApiError */
  fetchDeviceInfo(options?: ApiCallOptions): Promise<DeviceInfo>;
  /**
   * `POST /internal/platform/v1/devices/{deviceId}/remote-sessions` (spec 3.5): asks for LiveKit
   * credentials. `deviceId` is percent-encoded strictly. @throws FoxgloveApiError
   */
  authorizeRemoteVisualization(deviceId: string, options?: ApiCallOptions): Promise<RtcCredentials>;
}

/** Visible ASCII only: anything else is not a valid header value, and undici's error would quote it. */
const VALID_TOKEN = /^[\x21-\x7e]+$/;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder("utf-8");

/**
 * Creates a Foxglove API client on top of ofetch, with ofetch's conveniences switched off where
 * they conflict with spec 3.6: no retries, no automatic JSON parsing, no throwing on 4xx/5xx. The
 * body is read here, with a size cap, and every failure becomes a {@link FoxgloveApiError}.
 *
 * @throws FoxgloveApiError `build-client` if the token cannot be sent as a header value.
 * @throws RangeError if `timeoutMs` is negative.
 *
 * @example
 * const client = createApiClient({ deviceToken: process.env.FOXGLOVE_DEVICE_TOKEN! });
 * const device = await client.fetchDeviceInfo({ signal });
 * const { url, token } = await client.authorizeRemoteVisualization(device.id, { signal });
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const env = options.env ?? process.env;
  const baseUrl = resolveApiUrl(options.baseUrl, env);
  const timeoutMs = resolveApiTimeoutMs(options.timeoutMs, env);
  if (typeof options.deviceToken !== "string" || !VALID_TOKEN.test(options.deviceToken)) {
    throw FoxgloveApiError.buildClient("the device token must be non-empty visible ASCII");
  }
  // The only place the token lives: this closure.
  const headers = {
    "User-Agent": USER_AGENT,
    Authorization: `DeviceToken ${options.deviceToken}`,
  };
  // Belt and braces for error details taken from the HTTP stack (see transportError).
  const scrub = (text: string) => text.replaceAll(options.deviceToken, "[redacted]");
  const $fetch = createFetch({
    // Looked up per call so a global fetch replaced after creation (instrumentation) is used.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });

  async function call<T>(
    endpoint: ApiEndpoint,
    method: "GET" | "POST",
    path: string,
    parse: (json: unknown) => T,
    callerSignal: AbortSignal | undefined,
  ): Promise<T> {
    const url = joinUrl(baseUrl, path);
    const target: ApiRequestTarget = { endpoint, method, url: withoutUserinfo(url) };
    if (callerSignal?.aborted) throw FoxgloveApiError.aborted(target, callerSignal.reason);
    const request = createRequestSignal(timeoutMs, callerSignal);
    const fail = (phase: "send" | "load-body", error: unknown) =>
      transportError(phase, target, request, error, { timeoutMs, callerSignal, scrub });
    try {
      let response: Response;
      try {
        response = await $fetch.raw(url, {
          method,
          headers,
          signal: request.signal,
          retry: false,
          ignoreResponseError: true,
          // "stream" leaves response.body unread, so the size rules can be applied here.
          responseType: "stream",
        });
      } catch (error) {
        throw fail("send", error);
      }
      // The request signal stays armed while the body is read: the timeout is total.
      const load = (maxBytes: number) =>
        readBodyCapped(response.body, maxBytes).catch((error: unknown) => {
          throw fail("load-body", error);
        });
      if (response.status >= 400 && response.status <= 599) {
        throw await errorResponseError(target, response, load);
      }
      return parseSuccessBody(target, await load(MAX_SUCCESS_BODY_BYTES), parse);
    } finally {
      request.dispose();
    }
  }

  return Object.freeze({
    baseUrl,
    timeoutMs,
    fetchDeviceInfo(callOptions?: ApiCallOptions) {
      return call("device-info", "GET", DEVICE_INFO_PATH, parseDeviceInfo, callOptions?.signal);
    },
    authorizeRemoteVisualization(deviceId: string, callOptions?: ApiCallOptions) {
      return call(
        "remote-sessions",
        "POST",
        remoteSessionsPath(deviceId),
        parseRtcCredentials,
        callOptions?.signal,
      );
    },
  });
}

/** Classifies a 4xx/5xx response (spec 3.6 step 2). */
async function errorResponseError(
  target: ApiRequestTarget,
  response: Response,
  load: (maxBytes: number) => Promise<CappedBody>,
): Promise<FoxgloveApiError> {
  const captured: ApiErrorResponse = {
    status: response.status,
    headers: captureHeaders(response.headers),
  };
  if (declaredLength(response.headers) > MAX_ERROR_BODY_BYTES) {
    // Not read: cancelling lets undici drop the connection.
    response.body?.cancel().catch(() => {});
    return FoxgloveApiError.errorResponseTooLarge(target, captured);
  }
  const body = await load(MAX_ERROR_BODY_BYTES);
  if (body.tooLarge) return FoxgloveApiError.errorResponseTooLarge(target, captured);
  const apiError = tryParseErrorBody(body.bytes);
  return apiError === undefined
    ? FoxgloveApiError.malformedErrorResponse(target, captured, lossyUtf8.decode(body.bytes))
    : FoxgloveApiError.errorResponse(target, captured, apiError);
}

/** Parses a non-error response body (spec 3.6 step 3). */
function parseSuccessBody<T>(
  target: ApiRequestTarget,
  body: CappedBody,
  parse: (json: unknown) => T,
): T {
  if (body.tooLarge) {
    throw FoxgloveApiError.parseResponse(target, `body exceeds ${MAX_SUCCESS_BODY_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fatalUtf8.decode(body.bytes));
  } catch {
    // SyntaxError messages quote the input, which may contain a JWT: say only what failed.
    throw FoxgloveApiError.parseResponse(
      target,
      `body is not valid UTF-8 JSON (${body.bytes.byteLength} bytes)`,
    );
  }
  try {
    return parse(json);
  } catch (error) {
    throw error instanceof ShapeError
      ? FoxgloveApiError.parseResponse(target, error.message)
      : error;
  }
}

/**
 * Turns a failure of fetch or of the body stream into a send / load-body / aborted error. The
 * original error is only mined for a system error code or a short detail, never attached: ofetch's
 * errors expose the request options, headers included.
 */
function transportError(
  phase: "send" | "load-body",
  target: ApiRequestTarget,
  request: RequestSignal,
  error: unknown,
  context: {
    timeoutMs: number;
    callerSignal: AbortSignal | undefined;
    scrub: (text: string) => string;
  },
): FoxgloveApiError {
  const { timeoutMs, callerSignal, scrub } = context;
  if (request.firedBy === "caller") return FoxgloveApiError.aborted(target, callerSignal?.reason);
  const failure =
    request.firedBy === "timeout"
      ? { timedOut: true, timeoutMs }
      : { timedOut: false, ...describeNetworkError(error, scrub) };
  return phase === "send"
    ? FoxgloveApiError.send(target, failure)
    : FoxgloveApiError.loadBody(target, failure);
}

/**
 * Walks the `cause` chain (ofetch FetchError -> undici TypeError -> system error) for a Node/undici
 * error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...); without one, the innermost message (e.g.
 * "bad port"), scrubbed and shortened.
 */
function describeNetworkError(
  error: unknown,
  scrub: (text: string) => string,
): { networkCode?: string; detail?: string } {
  let current = error;
  let innermost: string | undefined;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code)) return { networkCode: code };
    if (typeof message === "string" && message !== "") innermost = message;
    current = cause;
  }
  return innermost === undefined ? {} : { detail: scrub(innermost).slice(0, 200) };
}

function tryParseErrorBody(bytes: Uint8Array): ApiErrorBody | undefined {
  try {
    return parseErrorBody(JSON.parse(fatalUtf8.decode(bytes)));
  } catch {
    return undefined;
  }
}

/** Declared `Content-Length`, or -1 when absent or unparsable (e.g. chunked responses). */
function declaredLength(headers: Headers): number {
  const value = headers.get("content-length");
  return value !== null && /^[0-9]+$/.test(value) ? Number(value) : -1;
}

/** Response headers as a plain object; `set-cookie` is dropped because it can carry a session. */
function captureHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = value;
  });
  return out;
}

function withoutUserinfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url;
  }
}
