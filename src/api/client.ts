import { createFetch } from "ofetch";
import { redact } from "../redact.js";
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
import {
  type OpenWatchOptions,
  WATCH_HEARTBEAT_PATH,
  WATCH_PATH,
  type WatchConnection,
  WatchStream,
} from "./watch.js";

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

/**
 * The Foxglove API client: the two v0.20.0 endpoints (spec 3), and the watch stream and its
 * heartbeat (spec 11.4). Holds the device token privately.
 */
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
  /**
   * `GET /internal/platform/v1/remote-sessions/watch` (spec 11.4) with `Accept: text/event-stream`
   * and the query parameters given. Resolves once the response headers arrive, within the API
   * timeout (a connect timeout: the stream itself has none).
   *
   * @throws FoxgloveApiError the status-bearing variants for a 4xx/5xx (409: another gateway holds
   * the lease; 401: the token is refused); `unexpected-content-type` for a response that is not
   * `text/event-stream`; `send` (timed out or not); `aborted`.
   */
  openWatch(options: OpenWatchOptions): Promise<WatchConnection>;
  /**
   * `POST /internal/platform/v1/remote-sessions/watch/heartbeat` with `{"watchLeaseId": ...}`
   * (spec 11.4), under the total timeout. Any 2xx is success; its body is ignored.
   *
   * @throws FoxgloveApiError with `status` 409 (another gateway holds the lease), 410 (the lease
   * is gone), 401 (the token is refused), ...; or `send`, `load-body`, `aborted`.
   */
  sendHeartbeat(watchLeaseId: string, options?: ApiCallOptions): Promise<void>;
}

/** Visible ASCII only: anything else is not a valid header value, and undici's error would quote it. */
const VALID_TOKEN = /^[\x21-\x7e]+$/;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder("utf-8");

/** Removes the given secrets from text taken from a response or the HTTP stack. */
type Scrub = (text: string) => string;

/** One JSON endpoint call; see `call` in {@link createApiClient}. */
interface CallSpec<T> {
  readonly endpoint: ApiEndpoint;
  readonly method: "GET" | "POST";
  readonly path: string;
  /** Turns the success body (capped) into the result. */
  readonly onSuccess: (target: ApiRequestTarget, body: CappedBody) => T;
  /** A JSON request body, sent with `Content-Type: application/json`. */
  readonly json?: string;
  /** Secrets besides the device token that the request carries (a lease id). */
  readonly secrets?: readonly string[];
}

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
  // Belt and braces for error details taken from the HTTP stack (see transportError) and for error
  // bodies: a server may echo what it was sent.
  const scrubber =
    (secrets: readonly (string | undefined)[] = []): Scrub =>
    (text) =>
      redact(text, [options.deviceToken, ...secrets.filter((secret) => secret !== undefined)]);
  const $fetch = createFetch({
    // Looked up per call so a global fetch replaced after creation (instrumentation) is used.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });

  async function call<T>(spec: CallSpec<T>, callerSignal: AbortSignal | undefined): Promise<T> {
    const url = joinUrl(baseUrl, spec.path);
    const target: ApiRequestTarget = {
      endpoint: spec.endpoint,
      method: spec.method,
      url: withoutUserinfo(url),
    };
    if (callerSignal?.aborted) throw FoxgloveApiError.aborted(target, callerSignal.reason);
    const scrub = scrubber(spec.secrets);
    const request = createRequestSignal(timeoutMs, callerSignal);
    const fail = (phase: "send" | "load-body", error: unknown) =>
      transportError(phase, target, request, error, { timeoutMs, callerSignal, scrub });
    try {
      let response: Response;
      try {
        response = await $fetch.raw(url, {
          method: spec.method,
          headers:
            spec.json === undefined ? headers : { ...headers, "Content-Type": "application/json" },
          body: spec.json,
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
        throw await errorResponseError(target, response, load, scrub);
      }
      return spec.onSuccess(target, await load(MAX_SUCCESS_BODY_BYTES));
    } finally {
      request.dispose();
    }
  }

  async function openWatch(watch: OpenWatchOptions): Promise<WatchConnection> {
    const path = joinUrl(baseUrl, WATCH_PATH);
    const query = new URLSearchParams({ protocolVersion: watch.protocolVersion });
    if (watch.remoteAccessSessionId)
      query.set("remoteAccessSessionId", watch.remoteAccessSessionId);
    if (watch.previousWatchLeaseId) query.set("previousWatchLeaseId", watch.previousWatchLeaseId);
    // The query stays out of the target: it may name a lease, and errors show the target's URL.
    const target: ApiRequestTarget = {
      endpoint: "watch",
      method: "GET",
      url: withoutUserinfo(path),
    };
    const callerSignal = watch.signal;
    if (callerSignal?.aborted) throw FoxgloveApiError.aborted(target, callerSignal.reason);
    const scrub = scrubber([watch.previousWatchLeaseId]);
    // Until the headers arrive this is a connect timeout; then only the caller's signal applies.
    const request = createRequestSignal(timeoutMs, callerSignal);
    const fail = (phase: "send" | "load-body", error: unknown) =>
      transportError(phase, target, request, error, { timeoutMs, callerSignal, scrub });
    let streaming = false;
    try {
      let response: Response;
      try {
        response = await $fetch.raw(`${path}?${query}`, {
          method: "GET",
          headers: { ...headers, Accept: "text/event-stream" },
          signal: request.signal,
          retry: false,
          ignoreResponseError: true,
          responseType: "stream",
        });
      } catch (error) {
        throw fail("send", error);
      }
      if (response.status >= 400 && response.status <= 599) {
        const load = (maxBytes: number) =>
          readBodyCapped(response.body, maxBytes).catch((error: unknown) => {
            throw fail("load-body", error);
          });
        throw await errorResponseError(target, response, load, scrub);
      }
      const contentType = mediaType(response.headers.get("content-type"));
      if (contentType !== "text/event-stream") {
        // A maintenance page, most likely: not read.
        response.body?.cancel().catch(() => {});
        const raw = response.headers.get("content-type");
        throw FoxgloveApiError.unexpectedContentType(
          target,
          { status: response.status, headers: captureHeaders(response.headers, scrub) },
          raw === null ? undefined : mediaType(scrub(raw))?.slice(0, 100),
        );
      }
      request.stopTimer();
      streaming = true;
      return new WatchStream(
        response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
        {
          target,
          fail: (error) => fail("load-body", error),
          abort: () => request.close(),
          release: () => request.dispose(),
        },
      );
    } finally {
      if (!streaming) request.dispose();
    }
  }

  return Object.freeze({
    baseUrl,
    timeoutMs,
    fetchDeviceInfo(callOptions?: ApiCallOptions) {
      return call(
        {
          endpoint: "device-info",
          method: "GET",
          path: DEVICE_INFO_PATH,
          onSuccess: (target, body) => parseSuccessBody(target, body, parseDeviceInfo),
        },
        callOptions?.signal,
      );
    },
    authorizeRemoteVisualization(deviceId: string, callOptions?: ApiCallOptions) {
      return call(
        {
          endpoint: "remote-sessions",
          method: "POST",
          path: remoteSessionsPath(deviceId),
          onSuccess: (target, body) => parseSuccessBody(target, body, parseRtcCredentials),
        },
        callOptions?.signal,
      );
    },
    openWatch,
    sendHeartbeat(watchLeaseId: string, callOptions?: ApiCallOptions) {
      return call(
        {
          endpoint: "heartbeat",
          method: "POST",
          path: WATCH_HEARTBEAT_PATH,
          // Upstream ignores the body of a successful heartbeat; so does this.
          onSuccess: () => undefined,
          json: JSON.stringify({ watchLeaseId }),
          secrets: [watchLeaseId],
        },
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
  scrub: Scrub,
): Promise<FoxgloveApiError> {
  const captured: ApiErrorResponse = {
    status: response.status,
    headers: captureHeaders(response.headers, scrub),
  };
  if (declaredLength(response.headers) > MAX_ERROR_BODY_BYTES) {
    // Not read: cancelling lets undici drop the connection.
    response.body?.cancel().catch(() => {});
    return FoxgloveApiError.errorResponseTooLarge(target, captured);
  }
  const body = await load(MAX_ERROR_BODY_BYTES);
  if (body.tooLarge) return FoxgloveApiError.errorResponseTooLarge(target, captured);
  const apiError = tryParseErrorBody(body.bytes);
  if (apiError === undefined) {
    return FoxgloveApiError.malformedErrorResponse(
      target,
      captured,
      scrub(lossyUtf8.decode(body.bytes)),
    );
  }
  const { error, code } = apiError;
  return FoxgloveApiError.errorResponse(
    target,
    captured,
    code === undefined ? { error: scrub(error) } : { error: scrub(error), code: scrub(code) },
  );
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
    scrub: Scrub;
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
  scrub: Scrub,
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

/** The media type of a `Content-Type` value: parameters dropped, trimmed, lower-cased. */
function mediaType(value: string | null): string | undefined {
  if (value === null) return undefined;
  return (value.split(";", 1)[0] ?? "").trim().toLowerCase();
}

/** Declared `Content-Length`, or -1 when absent or unparsable (e.g. chunked responses). */
function declaredLength(headers: Headers): number {
  const value = headers.get("content-length");
  return value !== null && /^[0-9]+$/.test(value) ? Number(value) : -1;
}

/**
 * Response headers as a plain object, scrubbed; `set-cookie` is dropped because it can carry a
 * session.
 */
function captureHeaders(headers: Headers, scrub: Scrub): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = scrub(value);
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
