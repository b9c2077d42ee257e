import { TokenVerifier } from "livekit-server-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createApiClient,
  type FoxgloveApiError,
  type WatchConnection,
  type WatchEvent,
} from "../../src/api/index.js";
import {
  DEV_DEVICE_ID,
  DEV_DEVICE_TOKEN,
  DEV_LIVEKIT_API_KEY,
  DEV_LIVEKIT_API_SECRET,
  type DevApi,
  type DevApiOptions,
  startDevApi,
} from "../../src/dev/index.js";
import { cleanUp } from "../support/clean-up.js";

const auth = { authorization: `DeviceToken ${DEV_DEVICE_TOKEN}` };
const WATCH = "/internal/platform/v1/remote-sessions/watch";
const HEARTBEAT = "/internal/platform/v1/remote-sessions/watch/heartbeat";

let api: DevApi;
beforeEach(async () => {
  api = await startDevApi({ keepAliveMs: 20, heartbeatIntervalMs: 1_000 });
});
afterEach(async () => {
  await api.close();
  expect(api.openWatches).toBe(0);
  expect(api.connectionCount).toBe(0);
});

/** A dev API with other options, closed when the test ends. */
async function devApi(options: DevApiOptions): Promise<DevApi> {
  const started = await startDevApi(options);
  cleanUp(() => started.close());
  return started;
}

/**
 * A raw watch stream: the text received so far, and waits on it. Read with fetch, not the client,
 * so the bytes are what the dev API sent.
 */
class RawStream {
  text = "";
  /** Settles when the body ends: "end" for a clean end, the error otherwise. */
  readonly ended: Promise<"end" | Error>;
  readonly #controller: AbortController;
  readonly #listeners = new Set<() => void>();

  constructor(
    readonly response: Response,
    controller: AbortController,
  ) {
    this.#controller = controller;
    this.ended = this.#read();
    cleanUp(() => this.close());
  }

  /** Resolves once the text received matches `pattern` (or the stream ended without it). */
  until(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (ended: boolean) => {
        const match = this.text.match(pattern);
        if (match !== null) {
          this.#listeners.delete(listener);
          resolve(match);
        } else if (ended) {
          this.#listeners.delete(listener);
          reject(new Error(`stream ended without ${pattern}: ${JSON.stringify(this.text)}`));
        }
      };
      const listener = () => check(false);
      this.#listeners.add(listener);
      void this.ended.then(() => check(true));
      check(false);
    });
  }

  /** The `hello` received (waits for it). */
  async hello(): Promise<{
    watchLeaseId: string;
    deviceWaitForViewerMs: number;
    heartbeatIntervalMs: number;
  }> {
    const [, data] = await this.until(/event: hello\ndata: (.*)\n\n/);
    return JSON.parse(data ?? "");
  }

  close(): void {
    this.#controller.abort();
  }

  async #read(): Promise<"end" | Error> {
    const decoder = new TextDecoder();
    try {
      const reader = this.response.body?.getReader();
      for (;;) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done) return "end";
        this.text += decoder.decode(chunk.value, { stream: true });
        for (const listener of [...this.#listeners]) listener();
      }
    } catch (error) {
      return error as Error;
    }
  }
}

async function rawWatch(query = "?protocolVersion=2.2.0", headers = auth): Promise<RawStream> {
  const controller = new AbortController();
  const response = await fetch(`${api.url}${WATCH}${query}`, {
    headers,
    signal: controller.signal,
  });
  return new RawStream(response, controller);
}

function heartbeat(body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${api.url}${HEARTBEAT}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const client = () => createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN, env: {} });

/** Opens a watch with the client; closed when the test ends. */
async function clientWatch(): Promise<WatchConnection> {
  const connection = await client().openWatch({ protocolVersion: "2.2.0" });
  cleanUp(() => connection.close());
  return connection;
}

/** Reads the client's events until `stop` holds for one (inclusive). */
async function readUntil(
  connection: WatchConnection,
  stop: (event: WatchEvent) => boolean,
): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of connection) {
    events.push(event);
    if (stop(event)) break;
  }
  return events;
}

describe("GET watch", () => {
  it("answers text/event-stream and sends hello at once, with the configured durations", async () => {
    const custom = await devApi({ heartbeatIntervalMs: 250, deviceWaitForViewerMs: 7_000 });
    const controller = new AbortController();
    const response = await fetch(`${custom.url}${WATCH}`, {
      headers: auth,
      signal: controller.signal,
    });
    const stream = new RawStream(response, controller);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("content-length")).toBeNull();
    const hello = await stream.hello();
    expect(hello).toEqual({
      watchLeaseId: custom.currentWatch?.leaseId,
      deviceWaitForViewerMs: 7_000,
      heartbeatIntervalMs: 250,
    });
    expect(hello.watchLeaseId).toMatch(/^lease_[0-9a-f]{24}$/);
    expect(stream.text.startsWith("event: hello\n")).toBe(true);
  });

  it("defaults to the upstream mock's durations: 5 s heartbeat, 300 s wait for a viewer", async () => {
    const defaults = await devApi({});
    const connection = await createApiClient({
      baseUrl: defaults.url,
      deviceToken: DEV_DEVICE_TOKEN,
      env: {},
    }).openWatch({ protocolVersion: "2.2.0" });
    cleanUp(() => connection.close());
    const [hello] = await readUntil(connection, () => true);
    expect(hello).toMatchObject({ heartbeatIntervalMs: 5_000, deviceWaitForViewerMs: 300_000 });
  });

  it("sends keep-alive comments every keepAliveMs", async () => {
    const stream = await rawWatch();
    await stream.until(/(: keep-alive\n\n.*){3}/s);
    expect(stream.text).toMatch(/^event: hello\ndata: .*\n\n(: keep-alive\n\n)+$/);
  });

  it("keepAliveMs 0 sends none", async () => {
    const quiet = await devApi({ keepAliveMs: 0 });
    const c = createApiClient({ baseUrl: quiet.url, deviceToken: DEV_DEVICE_TOKEN, env: {} });
    const connection = await c.openWatch({ protocolVersion: "2.2.0" });
    cleanUp(() => connection.close());
    const events = readUntil(connection, (event) => event.type === "wake");
    await quiet.watchOpened();
    // A negative check needs time: five default-test keep-alive intervals of silence, then the
    // first frame after hello is the wake.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await quiet.wake();
    expect((await events).map((event) => event.type)).toEqual(["hello", "wake"]);
  });

  it("gives every watch a fresh lease", async () => {
    const leases = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const stream = await rawWatch();
      leases.add((await stream.hello()).watchLeaseId);
      stream.close();
    }
    expect(leases.size).toBe(5);
  });

  it("records each request's query parameters", async () => {
    const first = await rawWatch("?protocolVersion=2.2.0");
    await first.hello();
    const second = await rawWatch(
      "?protocolVersion=2.2.0&remoteAccessSessionId=ras_x&previousWatchLeaseId=lease_y&other=1",
    );
    await second.hello();
    expect(api.requests.map((request) => request.query)).toEqual([
      { protocolVersion: "2.2.0" },
      { protocolVersion: "2.2.0", remoteAccessSessionId: "ras_x", previousWatchLeaseId: "lease_y" },
    ]);
    expect(api.currentWatch?.query).toEqual({
      protocolVersion: "2.2.0",
      remoteAccessSessionId: "ras_x",
      previousWatchLeaseId: "lease_y",
    });
    expect(api.requestCount("watch")).toBe(2);
  });

  it("authenticates: a wrong or missing token gets 401 with an empty body", async () => {
    const attempts: Record<string, string>[] = [{ authorization: "DeviceToken nope" }, {}];
    for (const headers of attempts) {
      const response = await fetch(`${api.url}${WATCH}`, { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).toBe("");
    }
    expect(api.openWatches).toBe(0);
    expect(api.requests.map((request) => request.authorized)).toEqual([false, false]);
  });

  it("answers other methods with 405", async () => {
    const response = await fetch(`${api.url}${WATCH}`, { method: "POST", headers: auth });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    expect((await fetch(`${api.url}${HEARTBEAT}`, { headers: auth })).status).toBe(405);
  });

  it("a new watch supersedes the open one: its stream ends, its lease answers 409", async () => {
    const first = await rawWatch();
    const { watchLeaseId: firstLease } = await first.hello();
    const second = await rawWatch();
    const { watchLeaseId: secondLease } = await second.hello();
    expect(await first.ended).toBe("end");
    expect(api.currentWatch?.leaseId).toBe(secondLease);
    expect((await heartbeat({ watchLeaseId: firstLease })).status).toBe(409);
    expect((await heartbeat({ watchLeaseId: secondLease })).status).toBe(200);
    await vi.waitFor(() => expect(api.openWatches).toBe(1));
  });

  it("a watch resuming a lease (previousWatchLeaseId) makes it gone: 410, not 409", async () => {
    const first = await rawWatch();
    const { watchLeaseId } = await first.hello();
    first.close();
    const resumed = await rawWatch(`?protocolVersion=2.2.0&previousWatchLeaseId=${watchLeaseId}`);
    await resumed.hello();
    const response = await heartbeat({ watchLeaseId });
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ error: "watch lease gone", code: "lease_gone" });
  });

  it("watchOpened() resolves when a watch opens, at once if one is open; nextWatch() waits for the next", async () => {
    const opened = api.watchOpened();
    const next = api.nextWatch();
    const stream = await rawWatch();
    await opened;
    await next;
    await api.watchOpened();
    const later = api.nextWatch();
    let settled = false;
    void later.then(() => {
      settled = true;
    });
    await stream.hello();
    expect(settled).toBe(false);
    await rawWatch();
    await later;
  });

  it("close() ends open streams: the client's iteration throws, the connections go", async () => {
    const connection = await clientWatch();
    const reading = readUntil(connection, () => false).then(
      () => undefined,
      (error: FoxgloveApiError) => error.reason,
    );
    await api.watchOpened();
    await api.close();
    expect(await reading).toBe("load-body");
    expect(api.openWatches).toBe(0);
  });

  it("endWatch() ends the open watch cleanly, or with a reset", async () => {
    expect(api.endWatch()).toBe(false);
    const clean = await rawWatch();
    await clean.hello();
    expect(api.endWatch()).toBe(true);
    expect(await clean.ended).toBe("end");
    const reset = await rawWatch();
    await reset.hello();
    expect(api.endWatch({ reset: true })).toBe(true);
    expect(await reset.ended).toBeInstanceOf(Error);
    expect(api.currentWatch).toBeUndefined();
  });
});

describe("wake()", () => {
  it("returns false when no watch is open", async () => {
    expect(await api.wake()).toBe(false);
    const stream = await rawWatch();
    await stream.hello();
    stream.close();
    await vi.waitFor(() => expect(api.openWatches).toBe(0));
    expect(await api.wake()).toBe(false);
  });

  it("sends wake with the stable session id, the LiveKit URL and a fresh token for the room", async () => {
    const stream = await rawWatch();
    await stream.hello();
    expect(await api.wake()).toBe(true);
    const [, data] = await stream.until(/event: wake\ndata: (.*)\n\n/);
    const wake = JSON.parse(data ?? "");
    expect(Object.keys(wake)).toEqual(["remoteAccessSessionId", "url", "token"]);
    expect(wake.remoteAccessSessionId).toBe(api.remoteAccessSessionId);
    expect(api.remoteAccessSessionId).toMatch(/^ras_[0-9a-f]{16}$/);
    expect(wake.url).toBe(api.livekitUrl);
    const claims = await new TokenVerifier(DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET).verify(
      wake.token,
    );
    expect(claims.sub).toBe(DEV_DEVICE_ID);
    expect(claims.video).toMatchObject({ roomJoin: true, room: api.roomName });
    // The stream stays open after a wake: the gateway closes it.
    expect(api.openWatches).toBe(1);
  });

  it("keeps the session id across watches; it can be configured", async () => {
    const custom = await devApi({ remoteAccessSessionId: "ras_fixed" });
    const c = createApiClient({ baseUrl: custom.url, deviceToken: DEV_DEVICE_TOKEN, env: {} });
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const connection = await c.openWatch({ protocolVersion: "2.2.0" });
      cleanUp(() => connection.close());
      const events = await readUntil(connection, (event) => {
        if (event.type === "hello") void custom.wake();
        return event.type === "wake";
      });
      const wake = events.at(-1);
      ids.push(wake?.type === "wake" ? wake.remoteAccessSessionId : undefined);
    }
    expect(ids).toEqual(["ras_fixed", "ras_fixed"]);
  });

  it("options: another URL, no session id, an expired token", async () => {
    const stream = await rawWatch();
    await stream.hello();
    await api.wake({ url: "ws://127.0.0.1:9", remoteAccessSessionId: null, expiredToken: true });
    const [, data] = await stream.until(/event: wake\ndata: (.*)\n\n/);
    const wake = JSON.parse(data ?? "");
    expect(wake).not.toHaveProperty("remoteAccessSessionId");
    expect(wake.url).toBe("ws://127.0.0.1:9");
    await expect(
      new TokenVerifier(DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET).verify(wake.token),
    ).rejects.toThrow(/exp/);
  });
});

describe("POST heartbeat", () => {
  it("accepts the open watch's lease with 200 and records it", async () => {
    const stream = await rawWatch();
    const { watchLeaseId } = await stream.hello();
    const before = Date.now();
    const next = api.nextHeartbeat();
    const response = await heartbeat({ watchLeaseId });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    const recorded = await next;
    expect(recorded).toEqual({ watchLeaseId, at: expect.any(Number), status: 200 });
    expect(recorded.at).toBeGreaterThanOrEqual(before);
    expect(api.heartbeats).toEqual([recorded]);
    expect(api.requests.at(-1)).toMatchObject({ endpoint: "heartbeat", watchLeaseId });
  });

  it("410 for a lease never issued", async () => {
    const response = await heartbeat({ watchLeaseId: "lease_never" });
    expect(response.status).toBe(410);
    expect(api.heartbeats).toMatchObject([{ watchLeaseId: "lease_never", status: 410 }]);
  });

  it("410 for a lease not refreshed within leaseTtlMs; a heartbeat refreshes it", async () => {
    // Expiry is about time passing, so this test waits for given instants (with wide margins).
    const at = (time: number) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
    const custom = await devApi({ leaseTtlMs: 600 });
    const c = createApiClient({ baseUrl: custom.url, deviceToken: DEV_DEVICE_TOKEN, env: {} });
    const connection = await c.openWatch({ protocolVersion: "2.2.0" });
    cleanUp(() => connection.close());
    const [hello] = await readUntil(connection, () => true);
    if (hello?.type !== "hello") throw new Error("expected hello");
    const issuedAt = Date.now();
    await at(issuedAt + 400);
    await c.sendHeartbeat(hello.watchLeaseId);
    // Past the lease's first expiry, alive thanks to that heartbeat.
    await at(issuedAt + 700);
    await c.sendHeartbeat(hello.watchLeaseId);
    const lastRefresh = Date.now();
    await at(lastRefresh + 700);
    const error = await c.sendHeartbeat(hello.watchLeaseId).catch((e: FoxgloveApiError) => e);
    expect(error).toMatchObject({ status: 410 });
  });

  it("400 for a body without a lease; 401 without the token, recorded all the same", async () => {
    expect((await heartbeat("not json")).status).toBe(400);
    expect((await heartbeat({ watchLeaseId: 5 })).status).toBe(400);
    expect((await heartbeat({ watchLeaseId: "lease_x" }, {})).status).toBe(401);
    expect(api.heartbeats.map((h) => [h.watchLeaseId, h.status])).toEqual([
      [undefined, 400],
      [undefined, 400],
      ["lease_x", 401],
    ]);
  });
});

describe("watch faults", () => {
  it.each([401, 409, 410])("status %i refuses the watch", async (status) => {
    api.failNext("watch", { type: "status", status });
    const response = await fetch(`${api.url}${WATCH}`, { headers: auth });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: `dev API fault ${status}`, code: "dev_fault" });
    expect(api.openWatches).toBe(0);
    expect(api.requests[0]?.fault).toBe("status");
  });

  it("maintenance-page: a 200 HTML page, even without a token", async () => {
    api.failNext("watch", { type: "maintenance-page" });
    const response = await fetch(`${api.url}${WATCH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("Down for maintenance");
    expect(api.openWatches).toBe(0);
  });

  it("no-hello: the stream opens but carries keep-alives only", async () => {
    api.failNext("watch", { type: "no-hello" });
    const stream = await rawWatch();
    await api.watchOpened();
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream");
    await stream.until(/(: keep-alive\n\n){4}/);
    expect(stream.text).toMatch(/^(: keep-alive\n\n)+$/);
    expect(api.currentWatch?.leaseId).toBeUndefined();
  });

  it("late-hello: keep-alives, then hello after the given time", async () => {
    api.failNext("watch", { type: "late-hello", ms: 150 });
    const started = performance.now();
    const stream = await rawWatch();
    await stream.until(/: keep-alive\n\n/);
    expect(stream.text).not.toContain("hello");
    const hello = await stream.hello();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(stream.text).toMatch(/^(: keep-alive\n\n)+event: hello\n/);
    expect(api.currentWatch?.leaseId).toBe(hello.watchLeaseId);
  });

  it("malformed-event: hello with bad JSON (default), or given data", async () => {
    api.failNext("watch", { type: "malformed-event" });
    api.failNext("watch", { type: "malformed-event", data: "[1,2]" });
    const first = await rawWatch();
    await first.until(/^event: hello\ndata: \{"watchLeaseId":\n\n/);
    const second = await rawWatch();
    await second.until(/^event: hello\ndata: \[1,2\]\n\n/);
  });

  it("malformed-event wake: a good hello, then a wake with bad JSON", async () => {
    api.failNext("watch", { type: "malformed-event", event: "wake" });
    const stream = await rawWatch();
    const hello = await stream.hello();
    expect(hello.watchLeaseId).toMatch(/^lease_/);
    await stream.until(/event: wake\ndata: \{"watchLeaseId":\n\n/);
  });

  it("end-after-hello: the server ends the stream cleanly after hello", async () => {
    api.failNext("watch", { type: "end-after-hello" });
    const stream = await rawWatch();
    expect(await stream.ended).toBe("end");
    expect(stream.text).toMatch(/^event: hello\ndata: .*\n\n$/);
    // The lease stays valid: a clean end is not a loss of the lease.
    const { watchLeaseId } = JSON.parse(stream.text.split("data: ")[1] ?? "");
    expect((await heartbeat({ watchLeaseId })).status).toBe(200);
  });

  it("silent-after-hello: nothing after hello, and the connection stays open", async () => {
    api.failNext("watch", { type: "silent-after-hello" });
    const stream = await rawWatch();
    await stream.hello();
    const afterHello = stream.text;
    // Ten keep-alive intervals of silence; then a wake shows the stream is still open.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.text).toBe(afterHello);
    expect(api.openWatches).toBe(1);
    expect(await api.wake()).toBe(true);
    await stream.until(/event: wake\n/);
    expect(stream.text.slice(afterHello.length)).toMatch(/^event: wake\ndata: .*\n\n$/);
  });

  it("reset-after-hello: hello, then the connection is destroyed", async () => {
    api.failNext("watch", { type: "reset-after-hello" });
    const stream = await rawWatch();
    const ended = await stream.ended;
    expect(ended).toBeInstanceOf(Error);
    expect(stream.text).toMatch(/^event: hello\n/);
  });

  it("a delay holds the headers, then the watch opens normally", async () => {
    api.failNext("watch", { type: "delay", ms: 100 });
    const started = performance.now();
    const stream = await rawWatch();
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    await stream.hello();
  });

  it("stream faults come after auth: an unauthenticated request still gets 401", async () => {
    api.failNext("watch", { type: "no-hello" });
    const response = await fetch(`${api.url}${WATCH}`);
    expect(response.status).toBe(401);
    expect(api.requests[0]?.fault).toBe("no-hello");
  });

  it("setFault applies to every watch until removed", async () => {
    api.setFault("watch", { type: "status", status: 409 });
    for (let i = 0; i < 2; i++) {
      expect((await fetch(`${api.url}${WATCH}`, { headers: auth })).status).toBe(409);
    }
    api.clearFaults("watch");
    const stream = await rawWatch();
    await stream.hello();
  });

  it("watch faults do nothing to other endpoints", async () => {
    api.failNext("device-info", { type: "no-hello" });
    const response = await fetch(`${api.url}/internal/platform/v1/device-info`, { headers: auth });
    expect(response.status).toBe(200);
  });
});

describe("heartbeat faults", () => {
  it("failNext('heartbeat', 500, { times: N }) fails the next N heartbeats, recorded", async () => {
    const stream = await rawWatch();
    const { watchLeaseId } = await stream.hello();
    api.failNext("heartbeat", { type: "status", status: 500 }, { times: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await heartbeat({ watchLeaseId })).status);
    expect(statuses).toEqual([500, 500, 500, 200]);
    expect(api.heartbeats.map((h) => [h.watchLeaseId, h.status])).toEqual([
      [watchLeaseId, 500],
      [watchLeaseId, 500],
      [watchLeaseId, 500],
      [watchLeaseId, 200],
    ]);
  });

  it.each([409, 410, 401])("status %i for one heartbeat, through the client", async (status) => {
    const connection = await clientWatch();
    const [hello] = await readUntil(connection, () => true);
    if (hello?.type !== "hello") throw new Error("expected hello");
    api.failNext("heartbeat", { type: "status", status });
    const error = await client()
      .sendHeartbeat(hello.watchLeaseId)
      .catch((e: FoxgloveApiError) => e);
    expect(error).toMatchObject({ status });
    await client().sendHeartbeat(hello.watchLeaseId);
  });
});
