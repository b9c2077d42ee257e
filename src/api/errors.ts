import { MAX_ERROR_BODY_BYTES } from "./constants.js";
import { parseRetryAfterMs } from "./retry-after.js";

/**
 * Why a Foxglove API call failed. The first seven are the variants of spec 3.6; `aborted` is added
 * for a caller that cancelled through its `AbortSignal` (the reference simply drops the future);
 * the last two are the watch stream's own (spec 11.4).
 *
 * - `build-client`: the client could not be constructed (e.g. a token that is not a valid header).
 * - `send`: the request could not be sent or no response arrived (DNS, TCP, TLS, timeout).
 * - `load-body`: the response body could not be read (connection dropped, timeout).
 * - `error-response`: 4xx/5xx with a `{"error": string, "code"?: string}` body.
 * - `malformed-error-response`: 4xx/5xx whose body is not that JSON (HTML, empty, ...).
 * - `error-response-too-large`: 4xx/5xx whose body exceeds 16 384 bytes.
 * - `parse-response`: a non-error status whose body does not have the endpoint's shape.
 * - `aborted`: the caller's signal fired.
 * - `unexpected-content-type`: the watch answered 2xx but not `text/event-stream` (what a
 *   maintenance page looks like; upstream backs off a fixed 30 s).
 * - `malformed-event`: the watch stream sent a `hello` or `wake` whose data is not the expected
 *   JSON, or a line or event over the parser's bound.
 */
export type FoxgloveApiErrorReason =
  | "build-client"
  | "send"
  | "load-body"
  | "error-response"
  | "malformed-error-response"
  | "error-response-too-large"
  | "parse-response"
  | "aborted"
  | "unexpected-content-type"
  | "malformed-event";

/** The two endpoints of spec 3.4 and 3.5, and the watch stream and its heartbeat (spec 11.4). */
export type ApiEndpoint = "device-info" | "remote-sessions" | "watch" | "heartbeat";

/** The JSON body of an error response (spec 3.6). */
export interface ApiErrorBody {
  /** Human-readable message from the platform. */
  readonly error: string;
  /** Machine-readable code, when the platform sends one. */
  readonly code?: string;
}

/** Identifies the request an error belongs to. Nothing in it is secret. */
export interface ApiRequestTarget {
  readonly endpoint: ApiEndpoint;
  readonly method: string;
  /** Full request URL, with any userinfo removed (and without the watch's query: it names a lease). */
  readonly url: string;
}

/** A failed HTTP response, as captured for the status-bearing variants. */
export interface ApiErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Why no response (or no body) arrived, for `send` and `load-body`. Never carries raw errors. */
export interface TransportFailure {
  /** The total request timeout expired. */
  readonly timedOut: boolean;
  /** The timeout that expired, for the message. */
  readonly timeoutMs?: number;
  /** System error code (`ECONNREFUSED`, ...). */
  readonly networkCode?: string;
  /** Short, secret-free description when there is no code. */
  readonly detail?: string;
}

interface ErrorInit {
  target?: ApiRequestTarget;
  response?: ApiErrorResponse;
  apiError?: ApiErrorBody;
  body?: string;
  timedOut?: boolean;
  networkCode?: string;
  contentType?: string;
  event?: string;
  cause?: unknown;
}

/** How much of a malformed error body goes into the message (the full text is in `body`). */
const MESSAGE_BODY_SNIPPET = 200;

/**
 * The one error type of the API layer. Inspect `reason` to classify it; the static factories are
 * the only way to build one.
 *
 * Secrets never reach an instance: messages are written here from non-secret facts (endpoint,
 * status, error codes), errors from ofetch or undici are never attached as `cause` (they may carry
 * request headers), and a success body that failed to parse is not echoed (it may hold a JWT).
 *
 * @example
 * try {
 *   await client.fetchDeviceInfo({ signal });
 * } catch (err) {
 *   if (isFoxgloveApiError(err) && err.isAuthFailure) console.warn("device token rejected");
 * }
 */
export class FoxgloveApiError extends Error {
  override readonly name = "FoxgloveApiError";
  /** Discriminant; see {@link FoxgloveApiErrorReason}. */
  readonly reason: FoxgloveApiErrorReason;
  /** Which request failed; absent for `build-client` and for an abort that happened before sending. */
  declare readonly endpoint?: ApiEndpoint;
  /** HTTP method of the failed request. */
  declare readonly method?: string;
  /** URL of the failed request (userinfo removed). */
  declare readonly url?: string;
  /**
   * HTTP status, on `error-response`, `malformed-error-response` and `error-response-too-large`
   * (and the 2xx of `unexpected-content-type`).
   */
  declare readonly status?: number;
  /** Response headers (lower-case names, `set-cookie` dropped), on the status-bearing variants. */
  declare readonly headers?: Readonly<Record<string, string>>;
  /** Delay requested by a `Retry-After` header (delta-seconds or HTTP-date), in milliseconds. */
  declare readonly retryAfterMs?: number;
  /** The parsed error body, on `error-response`. */
  declare readonly apiError?: ApiErrorBody;
  /** The body decoded as UTF-8 with U+FFFD replacement, on `malformed-error-response`. */
  declare readonly body?: string;
  /** On `send` / `load-body`: whether the total request timeout expired. */
  declare readonly timedOut?: boolean;
  /** On `send` / `load-body`: the system error code when known (`ECONNREFUSED`, `ENOTFOUND`, ...). */
  declare readonly networkCode?: string;
  /** On `unexpected-content-type`: the media type received (lower-case, no parameters), if any. */
  declare readonly contentType?: string;
  /** On `malformed-event`: the SSE event that was malformed (`hello`, `wake`), if one was. */
  declare readonly event?: string;

  private constructor(reason: FoxgloveApiErrorReason, message: string, init: ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.reason = reason;
    const fields: Record<string, unknown> = {
      endpoint: init.target?.endpoint,
      method: init.target?.method,
      url: init.target?.url,
      status: init.response?.status,
      headers: init.response?.headers,
      retryAfterMs: parseRetryAfterMs(init.response?.headers["retry-after"]),
      apiError: init.apiError,
      body: init.body,
      timedOut: init.timedOut,
      networkCode: init.networkCode,
      contentType: init.contentType,
      event: init.event,
    };
    // Only defined fields become own properties, so logs and JSON stay short.
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true });
    }
  }

  /** `build-client`: the client could not be constructed. `detail` must not contain secrets. */
  static buildClient(detail: string): FoxgloveApiError {
    return new FoxgloveApiError(
      "build-client",
      `Foxglove API client could not be built: ${detail}`,
    );
  }

  /** `send`: no response was received. */
  static send(target: ApiRequestTarget, failure: TransportFailure): FoxgloveApiError {
    const why = describeFailure(failure);
    return new FoxgloveApiError("send", `failed to send request ${describe(target)}: ${why}`, {
      target,
      timedOut: failure.timedOut,
      networkCode: failure.networkCode,
    });
  }

  /** `load-body`: the response arrived but its body could not be read. */
  static loadBody(target: ApiRequestTarget, failure: TransportFailure): FoxgloveApiError {
    const why = describeFailure(failure);
    return new FoxgloveApiError(
      "load-body",
      `failed to load response body ${describe(target)}: ${why}`,
      { target, timedOut: failure.timedOut, networkCode: failure.networkCode },
    );
  }

  /** `error-response`: 4xx/5xx with a well-formed error body. */
  static errorResponse(
    target: ApiRequestTarget,
    response: ApiErrorResponse,
    apiError: ApiErrorBody,
  ): FoxgloveApiError {
    const code = apiError.code === undefined ? "" : ` [${apiError.code}]`;
    return new FoxgloveApiError(
      "error-response",
      `Foxglove API error ${response.status} ${describe(target)}: ${apiError.error}${code}`,
      { target, response, apiError },
    );
  }

  /** `malformed-error-response`: 4xx/5xx whose body is not the error JSON. */
  static malformedErrorResponse(
    target: ApiRequestTarget,
    response: ApiErrorResponse,
    body: string,
  ): FoxgloveApiError {
    return new FoxgloveApiError(
      "malformed-error-response",
      `Foxglove API error ${response.status} ${describe(target)} with a malformed body: ${snippet(body)}`,
      { target, response, body },
    );
  }

  /** `error-response-too-large`: 4xx/5xx whose body exceeds 16 384 bytes (declared or actual). */
  static errorResponseTooLarge(
    target: ApiRequestTarget,
    response: ApiErrorResponse,
  ): FoxgloveApiError {
    return new FoxgloveApiError(
      "error-response-too-large",
      `Foxglove API error ${response.status} ${describe(target)} with a body over ${MAX_ERROR_BODY_BYTES} bytes`,
      { target, response },
    );
  }

  /**
   * `parse-response`: a non-error status with an unexpected body. `detail` names what was wrong
   * (e.g. `field "name" is not a string`) and must never quote the body.
   */
  static parseResponse(target: ApiRequestTarget, detail: string): FoxgloveApiError {
    return new FoxgloveApiError(
      "parse-response",
      `unexpected response ${describe(target)}: ${detail}`,
      { target },
    );
  }

  /**
   * `unexpected-content-type`: the watch answered `response.status` (2xx) with another media type
   * than `text/event-stream`. `contentType` is that type without parameters, lower-cased and
   * shortened; `undefined` when the header was missing.
   */
  static unexpectedContentType(
    target: ApiRequestTarget,
    response: ApiErrorResponse,
    contentType: string | undefined,
  ): FoxgloveApiError {
    const what = contentType === undefined ? "no content type" : `content type "${contentType}"`;
    return new FoxgloveApiError(
      "unexpected-content-type",
      `unexpected response ${describe(target)}: status ${response.status} with ${what}, not text/event-stream`,
      { target, response, contentType },
    );
  }

  /**
   * `malformed-event`: the watch stream sent something unusable. `event` names the SSE event when
   * one was malformed; `detail` says what was wrong and must never quote the data (a `wake` holds a
   * LiveKit token, a `hello` the lease id).
   */
  static malformedEvent(
    target: ApiRequestTarget,
    event: string | undefined,
    detail: string,
  ): FoxgloveApiError {
    const what = event === undefined ? "malformed watch stream" : `malformed \`${event}\` event`;
    return new FoxgloveApiError("malformed-event", `${what} ${describe(target)}: ${detail}`, {
      target,
      event,
    });
  }

  /**
   * `aborted`: the caller's signal fired. Its `reason` becomes `cause`: it comes from the caller,
   * not from the HTTP stack.
   */
  static aborted(target: ApiRequestTarget | undefined, signalReason: unknown): FoxgloveApiError {
    const where = target === undefined ? "" : ` ${describe(target)}`;
    return new FoxgloveApiError("aborted", `Foxglove API request aborted${where}`, {
      target,
      cause: signalReason,
    });
  }

  /** True when the platform rejected the device token (HTTP 401 or 403). */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /**
   * True when the connection loop should clear cached RTC credentials (spec 5.3): every API error
   * is of class Auth, which clears them. An abort is not a failure of the API and returns false.
   */
  get clearsCredentials(): boolean {
    return this.reason !== "aborted";
  }

  /** True for an abort by the caller's signal. */
  get isAbort(): boolean {
    return this.reason === "aborted";
  }
}

/** Type guard for {@link FoxgloveApiError}. */
export function isFoxgloveApiError(value: unknown): value is FoxgloveApiError {
  return value instanceof FoxgloveApiError;
}

function describe(target: ApiRequestTarget): string {
  return `(${target.endpoint}: ${target.method} ${target.url})`;
}

function describeFailure(failure: TransportFailure): string {
  if (failure.timedOut) {
    return failure.timeoutMs === undefined
      ? "timed out"
      : `timed out after ${failure.timeoutMs} ms`;
  }
  return failure.networkCode ?? failure.detail ?? "network error";
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  if (flat === "") return "<empty body>";
  return flat.length > MESSAGE_BODY_SNIPPET ? `${flat.slice(0, MESSAGE_BODY_SNIPPET)}...` : flat;
}
