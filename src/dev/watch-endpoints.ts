/**
 * The dev API's side of the on-demand connection (spec 11.4): the watch stream, its heartbeat,
 * and `wake`. The dev API routes requests here once it has matched, authenticated and applied the
 * generic faults; this file owns the leases and the open streams.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";

/** Default `heartbeatIntervalMs` sent in `hello` (the upstream mock's). */
export const DEV_HEARTBEAT_INTERVAL_MS = 5_000;
/** Default `deviceWaitForViewerMs` sent in `hello` (the upstream mock's). */
export const DEV_DEVICE_WAIT_FOR_VIEWER_MS = 300_000;
/** Default interval of keep-alive comments on an open watch: the default heartbeat interval. */
export const DEV_KEEP_ALIVE_MS = 5_000;

/**
 * A way for one watch request to misbehave (`failNext("watch", ...)`). Only `maintenance-page`
 * replaces the response, so it skips the auth check; the others shape a stream the request was
 * entitled to, after auth. The generic faults (`status` for 401/409/410, `delay`) apply too.
 */
export type DevApiWatchFault =
  /** 200 with an HTML maintenance page (`text/html`), not an event stream. */
  | { readonly type: "maintenance-page" }
  /** The stream opens but never says `hello`: keep-alive comments only. */
  | { readonly type: "no-hello" }
  /** The stream opens; `hello` comes after `ms` (keep-alives meanwhile). */
  | { readonly type: "late-hello"; readonly ms: number }
  /**
   * `event` (default `hello`) with `data` that is not the event's JSON (default a truncated
   * object). A malformed `wake` follows a good `hello` at once.
   */
  | { readonly type: "malformed-event"; readonly event?: "hello" | "wake"; readonly data?: string }
  /** After `hello` the server ends the stream cleanly. */
  | { readonly type: "end-after-hello" }
  /** After `hello` not one byte more (no keep-alives); the connection stays open. */
  | { readonly type: "silent-after-hello" }
  /** After `hello` the connection is destroyed: a transport error for the client. */
  | { readonly type: "reset-after-hello" };

/** The query of a watch request, as received (each only when present). */
export interface DevApiWatchQuery {
  readonly protocolVersion?: string;
  readonly remoteAccessSessionId?: string;
  readonly previousWatchLeaseId?: string;
}

/** One heartbeat as the dev API saw it. */
export interface DevApiHeartbeat {
  /** The body's `watchLeaseId`, if the body had one. */
  readonly watchLeaseId: string | undefined;
  /** When it arrived (`Date.now()`). */
  readonly at: number;
  /** The status answered; `undefined` until the answer is sent (or if it never was). */
  readonly status: number | undefined;
}

/** The open watch. */
export interface DevApiWatch {
  /** Its lease; `undefined` until `hello` is sent (`no-hello`, `late-hello`). */
  readonly leaseId: string | undefined;
  readonly query: DevApiWatchQuery;
  /** When it opened (`Date.now()`). */
  readonly openedAt: number;
}

/** Options of `DevApi.wake`. */
export interface DevApiWakeOptions {
  /** LiveKit URL to send; default the dev API's. */
  readonly url?: string;
  /** Session id to send; default the dev API's; `null` leaves the field out. */
  readonly remoteAccessSessionId?: string | null;
  /** Mint a token that expired an hour ago. */
  readonly expiredToken?: boolean;
}

/** What the watch endpoints need from the dev API. */
export interface WatchEndpointsOptions {
  readonly heartbeatIntervalMs: number;
  readonly deviceWaitForViewerMs: number;
  /** 0 sends none. */
  readonly keepAliveMs: number;
  /** A lease not refreshed (by `hello` or an accepted heartbeat) for this long is gone (410). */
  readonly leaseTtlMs: number;
  readonly remoteAccessSessionId: string;
  readonly livekitUrl: string;
  readonly mintToken: (expired: boolean) => Promise<string>;
}

/** A fresh lease id: unique, and recognisable in test output. */
export function newLeaseId(): string {
  return `lease_${randomBytes(12).toString("hex")}`;
}

/** A fresh remote access session id. */
export function newRemoteAccessSessionId(): string {
  return `ras_${randomBytes(8).toString("hex")}`;
}

const MALFORMED_DATA = '{"watchLeaseId":';

interface Lease {
  /** `taken`: a later watch holds the device now (409). A resumed lease is deleted (410). */
  state: "held" | "taken";
  refreshedAt: number;
}

interface OpenWatch {
  readonly res: ServerResponse;
  readonly query: DevApiWatchQuery;
  readonly openedAt: number;
  leaseId: string | undefined;
  keepAlive: NodeJS.Timeout | undefined;
  helloTimer: NodeJS.Timeout | undefined;
}

type Waiter =
  | { readonly kind: "watch"; readonly resolve: () => void }
  | { readonly kind: "heartbeat"; readonly resolve: (heartbeat: DevApiHeartbeat) => void };

/**
 * The leases and streams of one dev API. One device, one holder: a new watch ends the open one's
 * stream, and its `hello` displaces the lease held before: that lease answers 409 from then on
 * (another holder took it), or 410 if the new watch named it as `previousWatchLeaseId` (the same
 * holder resumed).
 */
export class WatchEndpoints {
  readonly #options: WatchEndpointsOptions;
  readonly #leases = new Map<string, Lease>();
  readonly #open = new Set<OpenWatch>();
  #current: OpenWatch | undefined;
  readonly #heartbeats: { -readonly [K in keyof DevApiHeartbeat]: DevApiHeartbeat[K] }[] = [];
  #waiters: Waiter[] = [];
  #closed = false;

  constructor(options: WatchEndpointsOptions) {
    this.#options = options;
  }

  /** The remote access session id `wake` sends. */
  get remoteAccessSessionId(): string {
    return this.#options.remoteAccessSessionId;
  }

  /** Streams not yet closed (a superseded one counts until its connection is gone). */
  get openWatches(): number {
    return this.#open.size;
  }

  get currentWatch(): DevApiWatch | undefined {
    const current = this.#current;
    if (current === undefined) return undefined;
    return { leaseId: current.leaseId, query: current.query, openedAt: current.openedAt };
  }

  get heartbeats(): readonly DevApiHeartbeat[] {
    return this.#heartbeats.map((heartbeat) => ({ ...heartbeat }));
  }

  /** Resolves at once if a watch is open, else when one opens. */
  watchOpened(): Promise<void> {
    if (this.#current !== undefined) return Promise.resolve();
    return this.nextWatch();
  }

  /** Resolves when the next watch opens (not the one open now). */
  nextWatch(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ kind: "watch", resolve }));
  }

  /** Resolves with the next heartbeat, once it has been answered. */
  nextHeartbeat(): Promise<DevApiHeartbeat> {
    return new Promise((resolve) => this.#waiters.push({ kind: "heartbeat", resolve }));
  }

  /** Serves an authorized watch request: opens the stream, shaped by `fault` if given. */
  serveWatch(res: ServerResponse, query: DevApiWatchQuery, fault?: DevApiWatchFault): void {
    if (fault?.type === "maintenance-page") return sendMaintenancePage(res);
    const watch: OpenWatch = {
      res,
      query,
      openedAt: Date.now(),
      leaseId: undefined,
      keepAlive: undefined,
      helloTimer: undefined,
    };
    this.#supersede();
    this.#current = watch;
    this.#open.add(watch);
    res.on("close", () => {
      this.#stopTimers(watch);
      this.#open.delete(watch);
      if (this.#current === watch) this.#current = undefined;
    });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
    res.flushHeaders();

    if (fault?.type === "malformed-event" && fault.event !== "wake") {
      write(watch, sseEvent("hello", fault.data ?? MALFORMED_DATA));
    } else if (fault?.type === "late-hello") {
      watch.helloTimer = setTimeout(() => this.#hello(watch), fault.ms);
    } else if (fault?.type !== "no-hello") {
      this.#hello(watch);
    }
    switch (fault?.type) {
      case "end-after-hello":
        this.#current = undefined;
        res.end();
        break;
      case "reset-after-hello":
        // Let `hello` leave first, so the client sees it before the reset.
        setImmediate(() => res.socket?.destroy());
        break;
      case "silent-after-hello":
        break;
      default:
        if (fault?.type === "malformed-event" && fault.event === "wake") {
          write(watch, sseEvent("wake", fault.data ?? MALFORMED_DATA));
        }
        if (this.#options.keepAliveMs > 0) {
          const keepAlive = () => write(watch, ": keep-alive\n\n");
          watch.keepAlive = setInterval(keepAlive, this.#options.keepAliveMs);
        }
    }
    // Every stream counts as a watch that opened, even one a fault ends at once.
    this.#notify({ kind: "watch" });
  }

  /**
   * Records a heartbeat request as it arrives (before faults and auth), so that every one is seen.
   * Returns the lease id its body names, if any.
   */
  recordHeartbeat(body: Buffer, res: ServerResponse): string | undefined {
    const watchLeaseId = leaseIdOf(body);
    const record = { watchLeaseId, at: Date.now(), status: undefined as number | undefined };
    this.#heartbeats.push(record);
    res.on("finish", () => {
      record.status = res.statusCode;
      this.#notify({ kind: "heartbeat", heartbeat: { ...record } });
    });
    return watchLeaseId;
  }

  /** Answers an authorized heartbeat: 200, or 409/410 for a lease taken or gone, 400 without one. */
  answerHeartbeat(res: ServerResponse, watchLeaseId: string | undefined): void {
    if (watchLeaseId === undefined) {
      return sendJson(res, 400, { error: 'body must be {"watchLeaseId": string}' });
    }
    const lease = this.#leases.get(watchLeaseId);
    const now = Date.now();
    const expired = lease?.state === "held" && now - lease.refreshedAt > this.#options.leaseTtlMs;
    if (lease === undefined || expired) {
      return sendJson(res, 410, { error: "watch lease gone", code: "lease_gone" });
    }
    if (lease.state === "taken") {
      return sendJson(res, 409, {
        error: "another gateway holds the lease",
        code: "lease_conflict",
      });
    }
    lease.refreshedAt = now;
    res.writeHead(200, { "content-length": "0" });
    res.end();
  }

  /** Sends `wake` on the open watch; false if none is open. */
  async wake(options: DevApiWakeOptions = {}): Promise<boolean> {
    const watch = this.#current;
    if (watch === undefined) return false;
    const token = await this.#options.mintToken(options.expiredToken ?? false);
    // The watch may have gone while the token was minted.
    if (this.#current !== watch || !writable(watch.res)) return false;
    const sessionId =
      options.remoteAccessSessionId === undefined
        ? this.#options.remoteAccessSessionId
        : options.remoteAccessSessionId;
    const data = {
      ...(sessionId !== null && { remoteAccessSessionId: sessionId }),
      url: options.url ?? this.#options.livekitUrl,
      token,
    };
    return write(watch, sseEvent("wake", JSON.stringify(data)));
  }

  /** Ends the open watch: cleanly, or by destroying its connection (`reset`). False if none. */
  endWatch(options: { reset?: boolean } = {}): boolean {
    const watch = this.#current;
    if (watch === undefined) return false;
    this.#current = undefined;
    this.#stopTimers(watch);
    if (options.reset) watch.res.socket?.destroy();
    else watch.res.end();
    return true;
  }

  /**
   * Stops every timer. The streams are not ended cleanly: the dev API destroys their sockets next,
   * as a server going away would (a transport error for the clients).
   */
  close(): void {
    this.#closed = true;
    for (const watch of this.#open) this.#stopTimers(watch);
    // Their "close" events come a tick after the sockets go: forget them now.
    this.#open.clear();
    this.#current = undefined;
    this.#waiters = [];
  }

  #hello(watch: OpenWatch): void {
    watch.helloTimer = undefined;
    const leaseId = newLeaseId();
    watch.leaseId = leaseId;
    // One lease per device: the one held before is taken by this watch (409 from now on), or gone
    // (410) if this watch resumed it, being the same holder.
    for (const [id, lease] of this.#leases) {
      if (id === watch.query.previousWatchLeaseId) this.#leases.delete(id);
      else lease.state = "taken";
    }
    this.#leases.set(leaseId, { state: "held", refreshedAt: Date.now() });
    const hello = {
      watchLeaseId: leaseId,
      deviceWaitForViewerMs: this.#options.deviceWaitForViewerMs,
      heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
    };
    write(watch, sseEvent("hello", JSON.stringify(hello)));
  }

  /** A new watch takes the device: the open one's stream ends (its lease goes at `hello`). */
  #supersede(): void {
    const previous = this.#current;
    if (previous === undefined) return;
    this.#current = undefined;
    this.#stopTimers(previous);
    previous.res.end();
  }

  #stopTimers(watch: OpenWatch): void {
    clearInterval(watch.keepAlive);
    clearTimeout(watch.helloTimer);
    watch.keepAlive = undefined;
    watch.helloTimer = undefined;
  }

  #notify(news: { kind: "watch" } | { kind: "heartbeat"; heartbeat: DevApiHeartbeat }): void {
    if (this.#closed) return;
    const ready = this.#waiters.filter((waiter) => waiter.kind === news.kind);
    this.#waiters = this.#waiters.filter((waiter) => waiter.kind !== news.kind);
    for (const waiter of ready) {
      if (waiter.kind === "heartbeat" && news.kind === "heartbeat") waiter.resolve(news.heartbeat);
      else if (waiter.kind === "watch") waiter.resolve();
    }
  }
}

/** A 200 HTML maintenance page: what a platform behind a load balancer answers while it is down. */
export function sendMaintenancePage(res: ServerResponse): void {
  const page = "<!doctype html><html><body><h1>Down for maintenance</h1></body></html>";
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": String(Buffer.byteLength(page)),
  });
  res.end(page);
}

function sseEvent(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

function writable(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded;
}

/** Writes to the stream if it is still open; true if written. */
function write(watch: OpenWatch, text: string): boolean {
  if (!writable(watch.res)) return false;
  watch.res.write(text);
  return true;
}

function leaseIdOf(body: Buffer): string | undefined {
  try {
    const json: unknown = JSON.parse(body.toString("utf8"));
    if (typeof json !== "object" || json === null) return undefined;
    const { watchLeaseId } = json as { watchLeaseId?: unknown };
    return typeof watchLeaseId === "string" ? watchLeaseId : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, json: unknown): void {
  const body = JSON.stringify(json);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}
