/**
 * The platform's watch stream (spec 11.4), as the API client hands it out: a `WatchConnection`
 * turning the server-sent events of `GET /internal/platform/v1/remote-sessions/watch` into typed
 * {@link WatchEvent}s.
 *
 * @module
 */

import { type ApiRequestTarget, FoxgloveApiError } from "./errors.js";
import { parseWatchHello, parseWatchWake, ShapeError } from "./schemas.js";
import { type SseFrame, SseLimitError, SseParser } from "./sse.js";

/** Path of the watch stream (spec 11.4). */
export const WATCH_PATH = "/internal/platform/v1/remote-sessions/watch";
/** Path of the watch lease's heartbeat (spec 11.4). */
export const WATCH_HEARTBEAT_PATH = "/internal/platform/v1/remote-sessions/watch/heartbeat";
/** A `hello`'s heartbeat interval is raised to at least this (spec 11.4). */
export const MIN_HEARTBEAT_INTERVAL_MS = 1_000;
/** A `hello`'s wait for a viewer is raised to at least this (spec 11.4). */
export const MIN_DEVICE_WAIT_FOR_VIEWER_MS = 5_000;
/**
 * A `hello`'s durations are lowered to at most this: the longest delay `setTimeout` honours (about
 * 24.8 days). A larger one would make a timer fire at once.
 */
export const MAX_WATCH_DURATION_MS = 2_147_483_647;

/** The data of a `hello` event as the platform sends it (before clamping). */
export interface WatchHelloData {
  readonly watchLeaseId: string;
  readonly deviceWaitForViewerMs: number;
  readonly heartbeatIntervalMs: number;
}

/** The data of a `wake` event. */
export interface WatchWakeData {
  readonly remoteAccessSessionId?: string;
  readonly url: string;
  readonly token: string;
}

/**
 * The platform granted a watch lease. The durations are clamped: heartbeat interval at least 1 s,
 * wait for a viewer at least 5 s (and both at most {@link MAX_WATCH_DURATION_MS}).
 * `watchLeaseId` is a secret: the object's JSON and `inspect` renderings leave it out.
 */
export interface WatchHelloEvent extends WatchHelloData {
  readonly type: "hello";
}

/**
 * A viewer wants the device: join the LiveKit room at `url` with `token`. `token` (a LiveKit JWT)
 * is a secret: the object's JSON and `inspect` renderings leave it out.
 */
export interface WatchWakeEvent extends WatchWakeData {
  readonly type: "wake";
}

/** Proof of life: a comment line, an event other than `hello` and `wake`, or one ignored. */
export interface WatchKeepAliveEvent {
  readonly type: "keepalive";
}

/**
 * What a watch stream says. Every SSE frame yields exactly one event, so each one proves the
 * stream alive. Events before the first `hello` other than `hello` itself (a `wake` included), and
 * later `hello`s, are ignored as upstream does: they come as `keepalive`.
 */
export type WatchEvent = WatchHelloEvent | WatchWakeEvent | WatchKeepAliveEvent;

/** Arguments of `ApiClient.openWatch`. */
export interface OpenWatchOptions {
  /** The remote-access protocol the gateway speaks, e.g. `"2.2.0"`: the `protocolVersion` query. */
  readonly protocolVersion: string;
  /** The first session id the platform ever sent; omitted when undefined or empty. */
  readonly remoteAccessSessionId?: string;
  /** The lease to resume (a secret); omitted when undefined or empty. */
  readonly previousWatchLeaseId?: string;
  /**
   * Aborting it rejects the pending `openWatch` with reason `aborted`, or makes an iteration in
   * progress throw it.
   */
  readonly signal?: AbortSignal;
}

/**
 * An open watch stream. Iterate it once (`for await`): it yields one {@link WatchEvent} per SSE
 * frame, ends normally at a clean end of the stream, and throws a `FoxgloveApiError` otherwise:
 * `load-body` for a transport error, `malformed-event` for a malformed `hello` or `wake` (or a line
 * or event over 1 MiB), `aborted` when the caller's signal fires.
 *
 * Leaving the loop early (`break`, a throw) releases the connection; so does {@link close}, which
 * also ends an iteration waiting for the next frame, quietly. A connection that is neither iterated
 * to its end nor closed holds its socket.
 */
export interface WatchConnection extends AsyncIterable<WatchEvent> {
  /** Closes the stream; an iteration in progress ends without error. Idempotent. */
  close(): void;
  /** True once closed, by {@link close} or at the end of the iteration. */
  readonly closed: boolean;
}

/** What a {@link WatchStream} needs from the client that opened it. */
export interface WatchStreamHooks {
  /** The request, for error messages. */
  readonly target: ApiRequestTarget;
  /** Classifies a failure of the body stream (transport error, caller's abort). */
  readonly fail: (error: unknown) => FoxgloveApiError;
  /** Aborts the HTTP request. */
  readonly abort: () => void;
  /** Releases the request's timer and listeners; called once, when the stream is done. */
  readonly release: () => void;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** The {@link WatchConnection} of an HTTP response body. */
export class WatchStream implements WatchConnection {
  readonly #body: ReadableStream<Uint8Array>;
  readonly #hooks: WatchStreamHooks;
  #closed = false;
  #iterated = false;
  #released = false;

  constructor(body: ReadableStream<Uint8Array>, hooks: WatchStreamHooks) {
    this.#body = body;
    this.#hooks = hooks;
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Aborting the request errors the body: a pending read rejects and the socket is released.
    this.#hooks.abort();
    this.#release();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent, void, undefined> {
    if (this.#iterated) throw new TypeError("a watch connection can be iterated only once");
    this.#iterated = true;
    if (this.#closed) return;
    const reader = this.#body.getReader();
    const parser = new SseParser();
    let helloSeen = false;
    const toEvent = (frame: SseFrame): WatchEvent => {
      const event = this.#toEvent(frame, helloSeen);
      if (event.type === "hello") helloSeen = true;
      return event;
    };
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (this.#closed) return;
          throw this.#hooks.fail(error);
        }
        if (this.#closed) return;
        const frames = chunk.done
          ? this.#parse(() => parser.end())
          : this.#parse(() => parser.feed(chunk.value));
        for (const frame of frames) {
          yield toEvent(frame);
          if (this.#closed) return;
        }
        if (chunk.done) return;
      }
    } finally {
      // Done, failed or left early: the connection goes either way.
      this.close();
      reader.releaseLock();
    }
  }

  /** Plain facts only: no lease, no token. */
  toJSON(): object {
    return { endpoint: this.#hooks.target.endpoint, closed: this.#closed };
  }

  [INSPECT](): string {
    return `WatchConnection { closed: ${this.#closed} }`;
  }

  #parse(step: () => SseFrame[]): SseFrame[] {
    try {
      return step();
    } catch (error) {
      if (error instanceof SseLimitError) {
        throw FoxgloveApiError.malformedEvent(this.#hooks.target, undefined, error.message);
      }
      throw error;
    }
  }

  #toEvent(frame: SseFrame, helloSeen: boolean): WatchEvent {
    if (frame.kind === "comment") return KEEPALIVE;
    if (frame.event === "hello" && !helloSeen) {
      return helloEvent(this.#parseData(frame, parseWatchHello));
    }
    if (frame.event === "wake" && helloSeen)
      return wakeEvent(this.#parseData(frame, parseWatchWake));
    return KEEPALIVE;
  }

  #parseData<T>(frame: { event: string; data: string }, parse: (json: unknown) => T): T {
    let json: unknown;
    try {
      json = JSON.parse(frame.data);
    } catch {
      // SyntaxError messages quote the input, which holds a lease id or a JWT: say only what failed.
      throw FoxgloveApiError.malformedEvent(
        this.#hooks.target,
        frame.event,
        `data is not valid JSON (${frame.data.length} characters)`,
      );
    }
    try {
      return parse(json);
    } catch (error) {
      if (error instanceof ShapeError) {
        throw FoxgloveApiError.malformedEvent(this.#hooks.target, frame.event, error.message);
      }
      throw error;
    }
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#hooks.release();
  }
}

const KEEPALIVE: WatchKeepAliveEvent = Object.freeze({ type: "keepalive" });

/** Clamps a `hello`'s durations (spec 11.4) and hides its lease id from JSON and `inspect`. */
export function helloEvent(data: WatchHelloData): WatchHelloEvent {
  const hello: WatchHelloEvent = {
    type: "hello",
    watchLeaseId: data.watchLeaseId,
    deviceWaitForViewerMs: clamp(data.deviceWaitForViewerMs, MIN_DEVICE_WAIT_FOR_VIEWER_MS),
    heartbeatIntervalMs: clamp(data.heartbeatIntervalMs, MIN_HEARTBEAT_INTERVAL_MS),
  };
  const { watchLeaseId: _secret, ...shown } = hello;
  return hideSecrets(hello, { ...shown, watchLeaseId: "[redacted]" });
}

/** A `wake` event whose token is hidden from JSON and `inspect`. */
export function wakeEvent(data: WatchWakeData): WatchWakeEvent {
  const wake: WatchWakeEvent = { type: "wake", ...data };
  const { token: _secret, ...shown } = wake;
  return hideSecrets(wake, { ...shown, token: "[redacted]" });
}

function clamp(ms: number, min: number): number {
  return Math.min(Math.max(ms, min), MAX_WATCH_DURATION_MS);
}

/**
 * Gives `value` non-enumerable `toJSON` and `inspect` renderings showing `shown` instead: a log
 * line or a crash report cannot spill the secret, while code reads the field as usual (and a
 * spread copy, which drops the renderings, is the caller's deliberate choice).
 */
function hideSecrets<T extends object>(value: T, shown: object): T {
  Object.defineProperty(value, "toJSON", { value: () => shown });
  Object.defineProperty(value, INSPECT, {
    value: (
      _depth: number,
      options: object,
      inspect: (value: unknown, options: object) => string,
    ) => inspect(shown, options),
  });
  return Object.freeze(value);
}
