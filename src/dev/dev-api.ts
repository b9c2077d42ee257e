/**
 * A local Foxglove API ("dev API") for tests and the local demo stack: the two endpoints of spec 3
 * and the watch stream with its heartbeat (spec 11.4), with `DeviceToken` auth, minting real
 * LiveKit tokens, plus per-request fault injection and a request log.
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { AccessToken } from "livekit-server-sdk";
import {
  DEV_DEVICE_WAIT_FOR_VIEWER_MS,
  DEV_HEARTBEAT_INTERVAL_MS,
  DEV_KEEP_ALIVE_MS,
  type DevApiHeartbeat,
  type DevApiWakeOptions,
  type DevApiWatch,
  type DevApiWatchFault,
  type DevApiWatchQuery,
  newRemoteAccessSessionId,
  sendMaintenancePage,
  WatchEndpoints,
} from "./watch-endpoints.js";

/**
 * The device token the dev API accepts by default: the spec's public test token (spec 3.7).
 * Spelled in two parts only so secret scanners looking for `fox_dt_` tokens do not flag it.
 */
export const DEV_DEVICE_TOKEN = `fox_dt_${"testtoken"}`;
/** Default device id (spec 3.7). */
export const DEV_DEVICE_ID = "dev_testdevice";
/** Default device name (the integration mock's, spec 3.7). */
export const DEV_DEVICE_NAME = "test-device";
/** Default project id (spec 3.7). */
export const DEV_PROJECT_ID = "prj_testproj";
/** Default `retainRecordingsSeconds` (spec 3.7). */
export const DEV_RETAIN_RECORDINGS_SECONDS = 3600;
/** Default LiveKit URL handed out with credentials (spec 9.1). */
export const DEV_LIVEKIT_URL = "http://localhost:7880";
/** Default LiveKit API key of the local development server (spec 9.1). */
export const DEV_LIVEKIT_API_KEY = "devkey";
/** Default LiveKit API secret of the local development server (spec 9.1). */
export const DEV_LIVEKIT_API_SECRET = "secret";

/** Default room for a device: one room per device. */
export function devRoomName(deviceId: string): string {
  return `device-${deviceId}`;
}

/** The two endpoints of spec 3, and the watch stream and its heartbeat (spec 11.4). */
export type DevApiEndpoint = "device-info" | "remote-sessions" | "watch" | "heartbeat";

/**
 * A way for the dev API to misbehave on one request. Faults that replace the response (`status`,
 * `oversized-error`, `truncated-body`, `malformed-json`, `maintenance-page`) skip the auth check;
 * `delay` waits and then answers normally; `expired-token` and `livekit-url` alter a successful
 * credentials response only, and the watch faults ({@link DevApiWatchFault}) a watch the request
 * was entitled to (each is consumed but has no effect elsewhere, or on a rejected request).
 *
 * For the watch: `status` 401, 409, 410 (or any other) refuse it; `delay` holds the response
 * headers. For the heartbeat: `failNext("heartbeat", { type: "status", status: 500 }, { times: 3 })`
 * fails the next three.
 */
export type DevApiFault =
  | DevApiWatchFault
  /**
   * Answer with `status`. The body is `json` serialised (default `{"error": "dev API fault <status>",
   * "code": "dev_fault"}`), or `body` verbatim (e.g. `""`, HTML, invalid UTF-8 bytes) with
   * `contentType`.
   * Example: `{ type: "status", status: 429, headers: { "retry-after": "7" } }`.
   */
  | {
      readonly type: "status";
      readonly status: number;
      readonly json?: unknown;
      readonly body?: string | Uint8Array;
      readonly contentType?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Wait `ms` (e.g. longer than the client's timeout), then answer normally. */
  | { readonly type: "delay"; readonly ms: number }
  /** 200 with a body that is not valid JSON. */
  | { readonly type: "malformed-json" }
  /**
   * An error (default status 500) whose JSON body is `bytes` long (default 20 000, over the 16 KiB
   * limit), sent with `Content-Length` or, if `chunked`, without it.
   */
  | {
      readonly type: "oversized-error";
      readonly status?: number;
      readonly bytes?: number;
      readonly chunked?: boolean;
    }
  /** 200 declaring a longer body than it sends, then the connection is destroyed. */
  | { readonly type: "truncated-body" }
  /** Credentials with a LiveKit token that expired an hour ago. */
  | { readonly type: "expired-token" }
  /** Credentials pointing at `url`; by default a local port where nothing listens. */
  | { readonly type: "livekit-url"; readonly url?: string };

/** One request as the dev API saw it. The `authorization` header is redacted. */
export interface DevApiRequest {
  /** Endpoint matched by path, or `undefined` for an unknown path. */
  readonly endpoint: DevApiEndpoint | undefined;
  readonly method: string;
  /** Raw request target, percent-encoding intact. */
  readonly path: string;
  /** Request headers (lower-case names); `authorization` is replaced by `"[redacted]"`. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Whether the `Authorization` header was exactly `DeviceToken <configured token>`. */
  readonly authorized: boolean;
  /** Size of the request body in bytes. */
  readonly bodyBytes: number;
  /** Decoded device id of a credentials request. */
  readonly deviceId?: string;
  /** The query of a watch request. */
  readonly query?: DevApiWatchQuery;
  /** The `watchLeaseId` a heartbeat's body names. */
  readonly watchLeaseId?: string;
  /** The fault applied to this request, if any. */
  readonly fault?: DevApiFault["type"];
  /**
   * True if the connection closed before the response was complete (the client aborted or timed
   * out, or a fault cut it). Read it from a fresh `requests` snapshot.
   */
  readonly abandoned: boolean;
}

/** Options of {@link createDevApi}. */
export interface DevApiOptions {
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string;
  /** Port; default 0 (a free port). */
  readonly port?: number;
  /** Path prefix the API is mounted under (e.g. `/prefix`); default none. */
  readonly basePath?: string;
  /** The only device token accepted; default {@link DEV_DEVICE_TOKEN}. */
  readonly deviceToken?: string;
  /** Device id; default {@link DEV_DEVICE_ID}. */
  readonly deviceId?: string;
  /** Device name; default {@link DEV_DEVICE_NAME}. */
  readonly deviceName?: string;
  /** Room the credentials grant; default {@link devRoomName}(deviceId). */
  readonly roomName?: string;
  /** LiveKit URL returned with credentials; default {@link DEV_LIVEKIT_URL}. */
  readonly livekitUrl?: string;
  /** LiveKit API key; default {@link DEV_LIVEKIT_API_KEY}. */
  readonly livekitApiKey?: string;
  /** LiveKit API secret; default {@link DEV_LIVEKIT_API_SECRET}. */
  readonly livekitApiSecret?: string;
  /**
   * Lifetime of minted tokens (seconds or a zeit/ms string); default `"1h"`. Note livekit-server-sdk
   * treats `0` as its 6 h default.
   */
  readonly tokenTtl?: number | string;
  /** URL of a stopped server, for the `livekit-url` fault; default a closed local port. */
  readonly stoppedServerUrl?: string;
  /** `heartbeatIntervalMs` sent in `hello`; default 5000 (the upstream mock's). */
  readonly heartbeatIntervalMs?: number;
  /** `deviceWaitForViewerMs` sent in `hello`; default 300 000 (the upstream mock's). */
  readonly deviceWaitForViewerMs?: number;
  /**
   * Interval of keep-alive comments on an open watch; default the heartbeat interval (a gateway
   * takes 2.5 intervals of silence for a dead stream); 0 sends none.
   */
  readonly keepAliveMs?: number;
  /**
   * A lease neither refreshed by `hello` nor by an accepted heartbeat for this long is gone (410);
   * default four heartbeat intervals.
   */
  readonly leaseTtlMs?: number;
  /** The `remoteAccessSessionId` every `wake` carries; default a fresh `ras_<random>`. */
  readonly remoteAccessSessionId?: string;
}

/** A running (or runnable) dev API; see {@link createDevApi}. */
export interface DevApi {
  /** Base URL, e.g. `http://127.0.0.1:41234` (plus `basePath`). Throws before `start()`. */
  readonly url: string;
  /** Listening port. Throws before `start()`. */
  readonly port: number;
  /** The configured device id. */
  readonly deviceId: string;
  /** The room credentials grant. */
  readonly roomName: string;
  /** The LiveKit URL handed out (when no fault overrides it). */
  readonly livekitUrl: string;
  /** Number of open TCP connections (keep-alive ones included). */
  readonly connectionCount: number;
  /** Number of requests received but not yet answered or abandoned (e.g. held by a delay). */
  readonly activeRequests: number;
  /** Every request received so far, oldest first. */
  readonly requests: readonly DevApiRequest[];
  /** Requests received for `endpoint` (or in total). */
  requestCount(endpoint?: DevApiEndpoint): number;
  /** Forgets the request log. */
  resetRequests(): void;
  /** Applies `fault` to the next `times` (default 1) requests to `endpoint`, after earlier queued ones. */
  failNext(endpoint: DevApiEndpoint, fault: DevApiFault, options?: { times?: number }): void;
  /** Applies `fault` to every request to `endpoint` once queued faults are used up; `undefined` removes it. */
  setFault(endpoint: DevApiEndpoint, fault: DevApiFault | undefined): void;
  /** Removes queued and persistent faults of `endpoint`, or of all endpoints. */
  clearFaults(endpoint?: DevApiEndpoint): void;
  /** The `remoteAccessSessionId` `wake` sends (stable for this dev API). */
  readonly remoteAccessSessionId: string;
  /** The watch open now (the one `wake` would use), if any. */
  readonly currentWatch: DevApiWatch | undefined;
  /** Watch streams whose connection is not closed yet. */
  readonly openWatches: number;
  /** Every heartbeat received so far, oldest first, faulted and refused ones included. */
  readonly heartbeats: readonly DevApiHeartbeat[];
  /** Resolves at once if a watch is open, else when one opens. */
  watchOpened(): Promise<void>;
  /**
   * Resolves when the next watch stream opens (its headers sent; with a normal watch, `hello` too),
   * even one a fault ends at once.
   */
  nextWatch(): Promise<void>;
  /** Resolves with the next heartbeat once it has been answered. */
  nextHeartbeat(): Promise<DevApiHeartbeat>;
  /**
   * Sends `wake` on the open watch: `{remoteAccessSessionId, url, token}` with a freshly minted
   * LiveKit token for the room. Resolves false if no watch is open.
   */
  wake(options?: DevApiWakeOptions): Promise<boolean>;
  /** Ends the open watch cleanly, or destroys its connection (`reset`). False if none is open. */
  endWatch(options?: { reset?: boolean }): boolean;
  /** Starts listening. */
  start(): Promise<void>;
  /** Stops listening, cancels pending delays and destroys open connections. Idempotent. */
  close(): Promise<void>;
}

type MutableRequest = { -readonly [K in keyof DevApiRequest]: DevApiRequest[K] };

const DEVICE_INFO_PATH = "/internal/platform/v1/device-info";
const WATCH_PATH = "/internal/platform/v1/remote-sessions/watch";
const HEARTBEAT_PATH = "/internal/platform/v1/remote-sessions/watch/heartbeat";
const ENDPOINTS: readonly DevApiEndpoint[] = [
  "device-info",
  "remote-sessions",
  "watch",
  "heartbeat",
];
const METHODS: Readonly<Record<DevApiEndpoint, string>> = {
  "device-info": "GET",
  "remote-sessions": "POST",
  watch: "GET",
  heartbeat: "POST",
};
const REMOTE_SESSIONS_PATH = /^\/internal\/platform\/v1\/devices\/([^/]*)\/remote-sessions$/;
const OVERSIZED_DEFAULT_BYTES = 20_000;
const MAX_REQUEST_BODY_BYTES = 1_048_576;

/**
 * Creates a dev API. Call `start()` before use and `close()` after; or use {@link startDevApi}.
 *
 * @example
 * const api = await startDevApi();
 * api.failNext("remote-sessions", { type: "status", status: 503, headers: { "retry-after": "2" } });
 * const client = createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN });
 */
export function createDevApi(options: DevApiOptions = {}): DevApi {
  const host = options.host ?? "127.0.0.1";
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  const expectedAuth = `DeviceToken ${options.deviceToken ?? DEV_DEVICE_TOKEN}`;
  const deviceId = options.deviceId ?? DEV_DEVICE_ID;
  const deviceName = options.deviceName ?? DEV_DEVICE_NAME;
  const roomName = options.roomName ?? devRoomName(deviceId);
  const livekitUrl = options.livekitUrl ?? DEV_LIVEKIT_URL;
  const apiKey = options.livekitApiKey ?? DEV_LIVEKIT_API_KEY;
  const apiSecret = options.livekitApiSecret ?? DEV_LIVEKIT_API_SECRET;
  const tokenTtl = options.tokenTtl ?? "1h";

  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  // Mutable so `abandoned` can be set later; `requests` hands out copies.
  const requests: MutableRequest[] = [];
  let activeRequests = 0;
  const queued: Record<DevApiEndpoint, DevApiFault[]> = {
    "device-info": [],
    "remote-sessions": [],
    watch: [],
    heartbeat: [],
  };
  const persistent: Partial<Record<DevApiEndpoint, DevApiFault>> = {};
  let server: Server | undefined;
  let port: number | undefined;
  let stoppedServerUrl = options.stoppedServerUrl;

  function takeFault(endpoint: DevApiEndpoint): DevApiFault | undefined {
    return queued[endpoint].shift() ?? persistent[endpoint];
  }

  async function mintToken(expired: boolean): Promise<string> {
    const token = new AccessToken(apiKey, apiSecret, {
      identity: deviceId,
      ttl: expired ? "-1h" : tokenTtl,
    });
    token.addGrant({ roomJoin: true, room: roomName });
    return token.toJwt();
  }

  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEV_HEARTBEAT_INTERVAL_MS;
  const watch = new WatchEndpoints({
    heartbeatIntervalMs,
    deviceWaitForViewerMs: options.deviceWaitForViewerMs ?? DEV_DEVICE_WAIT_FOR_VIEWER_MS,
    keepAliveMs: options.keepAliveMs ?? options.heartbeatIntervalMs ?? DEV_KEEP_ALIVE_MS,
    leaseTtlMs: options.leaseTtlMs ?? 4 * heartbeatIntervalMs,
    remoteAccessSessionId: options.remoteAccessSessionId ?? newRemoteAccessSessionId(),
    livekitUrl,
    mintToken,
  });

  /** Resolves after `ms`, or early if the connection closes (client gone or server closing). */
  function sleep(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        timers.delete(timer);
        res.off("close", finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      timers.add(timer);
      res.on("close", finish);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    activeRequests++;
    let record: MutableRequest | undefined;
    res.on("close", () => {
      activeRequests--;
      if (record !== undefined && !res.writableFinished) record.abandoned = true;
    });
    const body = await drain(req);
    const rawPath = req.url ?? "/";
    const pathname = rawPath.split("?")[0] ?? "";
    const route = matchRoute(pathname);
    const authorized = req.headers.authorization === expectedAuth;
    const fault = route === undefined ? undefined : takeFault(route.endpoint);
    const query = route?.endpoint === "watch" ? watchQuery(rawPath) : undefined;
    const watchLeaseId =
      route?.endpoint === "heartbeat" ? watch.recordHeartbeat(body, res) : undefined;
    record = {
      endpoint: route?.endpoint,
      method: req.method ?? "",
      path: rawPath,
      headers: redactHeaders(req.headers),
      authorized,
      bodyBytes: body.byteLength,
      ...(route?.deviceId === undefined ? {} : { deviceId: route.deviceId }),
      ...(query === undefined ? {} : { query }),
      ...(watchLeaseId === undefined ? {} : { watchLeaseId }),
      ...(fault === undefined ? {} : { fault: fault.type }),
      abandoned: res.destroyed,
    };
    requests.push(record);

    if (route === undefined) return sendJson(res, 404, { error: "not found", code: "not_found" });
    if (fault !== undefined && (await applyResponseFault(fault, res))) return;
    if (res.destroyed) return;

    const expectedMethod = METHODS[route.endpoint];
    if (req.method !== expectedMethod) {
      return sendJson(res, 405, { error: "method not allowed" }, { allow: expectedMethod });
    }
    // Like the reference mocks: a wrong or missing token gets 401 with an empty body.
    if (!authorized) return send(res, 401, "");

    if (route.endpoint === "watch") {
      return watch.serveWatch(res, query ?? {}, isWatchFault(fault) ? fault : undefined);
    }
    if (route.endpoint === "heartbeat") return watch.answerHeartbeat(res, watchLeaseId);

    if (route.endpoint === "device-info") {
      return sendJson(res, 200, {
        id: deviceId,
        name: deviceName,
        projectId: DEV_PROJECT_ID,
        retainRecordingsSeconds: DEV_RETAIN_RECORDINGS_SECONDS,
      });
    }
    if (route.deviceId !== deviceId) {
      return sendJson(res, 404, { error: "device not found", code: "not_found" });
    }
    const token = await mintToken(fault?.type === "expired-token");
    const url =
      fault?.type === "livekit-url" ? (fault.url ?? stoppedServerUrl ?? livekitUrl) : livekitUrl;
    return sendJson(res, 200, { token, url });
  }

  /** Applies a fault that replaces or delays the response; true when the response is done. */
  async function applyResponseFault(fault: DevApiFault, res: ServerResponse): Promise<boolean> {
    switch (fault.type) {
      case "status": {
        const headers = { ...fault.headers };
        if (fault.body !== undefined) {
          if (fault.contentType !== undefined) headers["content-type"] = fault.contentType;
          send(res, fault.status, fault.body, headers);
        } else {
          const json =
            fault.json === undefined
              ? { error: `dev API fault ${fault.status}`, code: "dev_fault" }
              : fault.json;
          sendJson(res, fault.status, json, headers);
        }
        return true;
      }
      case "delay":
        await sleep(fault.ms, res);
        return res.destroyed;
      case "malformed-json":
        send(res, 200, '{"id": "truncated', { "content-type": "application/json" });
        return true;
      case "oversized-error": {
        const bytes = fault.bytes ?? OVERSIZED_DEFAULT_BYTES;
        const prefix = '{"error":"';
        const suffix = '"}';
        const filler = "x".repeat(Math.max(0, bytes - prefix.length - suffix.length));
        const body = `${prefix}${filler}${suffix}`;
        const status = fault.status ?? 500;
        if (fault.chunked) {
          // No Content-Length: Node sends Transfer-Encoding: chunked.
          res.writeHead(status, { "content-type": "application/json" });
          for (let at = 0; at < body.length; at += 4096) res.write(body.slice(at, at + 4096));
          res.end();
        } else {
          send(res, status, body, { "content-type": "application/json" });
        }
        return true;
      }
      case "truncated-body":
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"id":');
        // Let the partial body leave before the connection goes.
        setImmediate(() => res.socket?.destroy());
        return true;
      case "maintenance-page":
        sendMaintenancePage(res);
        return true;
      case "expired-token":
      case "livekit-url":
      case "no-hello":
      case "late-hello":
      case "malformed-event":
      case "end-after-hello":
      case "silent-after-hello":
      case "reset-after-hello":
        return false;
    }
  }

  function matchRoute(
    pathname: string,
  ): { endpoint: DevApiEndpoint; deviceId?: string } | undefined {
    if (!pathname.startsWith(basePath)) return undefined;
    const path = pathname.slice(basePath.length);
    if (path === DEVICE_INFO_PATH) return { endpoint: "device-info" };
    if (path === WATCH_PATH) return { endpoint: "watch" };
    if (path === HEARTBEAT_PATH) return { endpoint: "heartbeat" };
    const match = REMOTE_SESSIONS_PATH.exec(path);
    if (match === null) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(match[1] ?? "");
    } catch {
      decoded = match[1] ?? "";
    }
    return { endpoint: "remote-sessions", deviceId: decoded };
  }

  function requireStarted(): number {
    if (port === undefined) throw new Error("dev API is not started");
    return port;
  }

  return {
    get url() {
      const hostname = host.includes(":") ? `[${host}]` : host;
      return `http://${hostname}:${requireStarted()}${basePath}`;
    },
    get port() {
      return requireStarted();
    },
    deviceId,
    roomName,
    livekitUrl,
    get connectionCount() {
      return sockets.size;
    },
    get activeRequests() {
      return activeRequests;
    },
    get requests() {
      return requests.map((request) => ({ ...request }));
    },
    requestCount(endpoint) {
      return endpoint === undefined
        ? requests.length
        : requests.filter((r) => r.endpoint === endpoint).length;
    },
    resetRequests() {
      requests.length = 0;
    },
    failNext(endpoint, fault, { times = 1 } = {}) {
      for (let i = 0; i < times; i++) queued[endpoint].push(fault);
    },
    setFault(endpoint, fault) {
      if (fault === undefined) delete persistent[endpoint];
      else persistent[endpoint] = fault;
    },
    clearFaults(endpoint) {
      for (const key of endpoint === undefined ? ENDPOINTS : [endpoint]) {
        queued[key].length = 0;
        delete persistent[key];
      }
    },
    get remoteAccessSessionId() {
      return watch.remoteAccessSessionId;
    },
    get currentWatch() {
      return watch.currentWatch;
    },
    get openWatches() {
      return watch.openWatches;
    },
    get heartbeats() {
      return watch.heartbeats;
    },
    watchOpened: () => watch.watchOpened(),
    nextWatch: () => watch.nextWatch(),
    nextHeartbeat: () => watch.nextHeartbeat(),
    wake: (wakeOptions) => watch.wake(wakeOptions),
    endWatch: (endOptions) => watch.endWatch(endOptions),
    async start() {
      if (server !== undefined) throw new Error("dev API already started");
      stoppedServerUrl ??= await findClosedPortUrl(host);
      const created = createServer((req, res) => {
        handle(req, res).catch(() => {
          if (!res.headersSent) send(res, 500, "");
          else res.destroy();
        });
      });
      created.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      // A client that resets mid-request must not crash the server.
      created.on("clientError", (_error, socket) => socket.destroy());
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once("error", reject);
        created.listen(options.port ?? 0, host, () => {
          created.off("error", reject);
          resolve();
        });
      });
      port = (created.address() as AddressInfo).port;
    },
    async close() {
      const closing = server;
      if (closing === undefined) return;
      server = undefined;
      port = undefined;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      watch.close();
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      // server.close() only stops accepting: open keep-alive and delayed requests would hold it.
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
}

/** Creates a dev API and starts it. */
export async function startDevApi(options?: DevApiOptions): Promise<DevApi> {
  const api = createDevApi(options);
  await api.start();
  return api;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  res.writeHead(status, { ...headers, "content-length": String(bytes.byteLength) });
  res.end(bytes);
}

function sendJson(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, JSON.stringify(json), { "content-type": "application/json", ...headers });
}

/** Reads the request body (capped, to stay cheap: the rest is not read). */
async function drain(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).byteLength;
    if (total > MAX_REQUEST_BODY_BYTES) break;
  }
  return Buffer.concat(chunks);
}

/** The watch query parameters present in a request target. */
function watchQuery(rawPath: string): DevApiWatchQuery {
  const params = new URL(rawPath, "http://dev-api.invalid").searchParams;
  const query: Record<string, string> = {};
  for (const name of ["protocolVersion", "remoteAccessSessionId", "previousWatchLeaseId"]) {
    const value = params.get(name);
    if (value !== null) query[name] = value;
  }
  return query;
}

const WATCH_FAULTS = new Set<string>([
  "no-hello",
  "late-hello",
  "malformed-event",
  "end-after-hello",
  "silent-after-hello",
  "reset-after-hello",
]);

function isWatchFault(fault: DevApiFault | undefined): fault is DevApiWatchFault {
  return fault !== undefined && WATCH_FAULTS.has(fault.type);
}

function redactHeaders(
  headers: IncomingMessage["headers"],
): Record<string, string | string[] | undefined> {
  const copy: Record<string, string | string[] | undefined> = { ...headers };
  if (copy.authorization !== undefined) copy.authorization = "[redacted]";
  return copy;
}

/** A URL on `host` where nothing listens: bind a free port, then release it. */
async function findClosedPortUrl(host: string): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, host, resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
