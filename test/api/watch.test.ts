import { TokenVerifier } from "livekit-server-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ApiClient,
  createApiClient,
  FoxgloveApiError,
  type OpenWatchOptions,
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
import { apiFailure } from "./helpers.js";

const WATCH = "/internal/platform/v1/remote-sessions/watch";
const open: OpenWatchOptions = { protocolVersion: "2.2.0" };

let api: DevApi;
beforeEach(async () => {
  api = await startDevApi({ keepAliveMs: 20 });
});
afterEach(async () => {
  await api.close();
});

const client = (options: { timeoutMs?: number; deviceToken?: string } = {}): ApiClient =>
  createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN, env: {}, ...options });

/** Opens a watch that is closed when the test ends, whatever happens. */
async function watch(options: OpenWatchOptions = open, c = client()): Promise<WatchConnection> {
  const connection = await c.openWatch(options);
  cleanUp(() => connection.close());
  return connection;
}

/** Reads events until `stop` says so (inclusive); returns them. */
async function readUntil(
  connection: WatchConnection,
  stop: (event: WatchEvent, seen: readonly WatchEvent[]) => boolean,
): Promise<WatchEvent[]> {
  const seen: WatchEvent[] = [];
  for await (const event of connection) {
    seen.push(event);
    if (stop(event, seen)) break;
  }
  return seen;
}

/** Reads every event until the iteration ends or throws; returns them and the error. */
async function readAll(
  connection: WatchConnection,
): Promise<{ events: WatchEvent[]; error: unknown }> {
  const events: WatchEvent[] = [];
  try {
    for await (const event of connection) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

/** A dev API with other options, closed when the test ends. */
async function devApi(options: DevApiOptions): Promise<DevApi> {
  const started = await startDevApi(options);
  cleanUp(() => started.close());
  return started;
}

/** A stream with exactly `body`, then a clean end (through the generic `status` fault). */
function nextStream(body: string, contentType = "text/event-stream"): void {
  api.failNext("watch", { type: "status", status: 200, body, contentType });
}

const hello = (fields: Record<string, unknown> = {}) =>
  `event: hello\ndata: ${JSON.stringify({
    watchLeaseId: "lease_1",
    deviceWaitForViewerMs: 60_000,
    heartbeatIntervalMs: 5_000,
    ...fields,
  })}\n\n`;

describe("openWatch: the request (spec 11.4)", () => {
  it("GETs the watch with Accept: text/event-stream, the token and the User-Agent", async () => {
    await watch();
    const [request] = api.requests;
    expect(request).toMatchObject({ endpoint: "watch", method: "GET", authorized: true });
    expect(request?.headers.accept).toBe("text/event-stream");
    expect(request?.headers["user-agent"]).toBe("foxglove-sdk/typescript (0.1.0)");
    expect(request?.path).toBe(`${WATCH}?protocolVersion=2.2.0`);
  });

  it("sends the camelCase query parameters given, and only those", async () => {
    await watch({
      protocolVersion: "2.2.0",
      remoteAccessSessionId: "ras_1",
      previousWatchLeaseId: "lease_0",
    });
    await watch({ protocolVersion: "2.2.0", remoteAccessSessionId: "", previousWatchLeaseId: "" });
    await watch({ protocolVersion: "2.2.0", previousWatchLeaseId: "a b&c" });
    expect(api.requests.map((r) => r.query)).toEqual([
      { protocolVersion: "2.2.0", remoteAccessSessionId: "ras_1", previousWatchLeaseId: "lease_0" },
      { protocolVersion: "2.2.0" },
      { protocolVersion: "2.2.0", previousWatchLeaseId: "a b&c" },
    ]);
    expect(api.requests[0]?.path).toBe(
      `${WATCH}?protocolVersion=2.2.0&remoteAccessSessionId=ras_1&previousWatchLeaseId=lease_0`,
    );
  });

  it("keeps a base path prefix", async () => {
    const prefixed = await devApi({ basePath: "/prefix" });
    const c = createApiClient({ baseUrl: `${prefixed.url}/`, deviceToken: DEV_DEVICE_TOKEN });
    await watch(open, c);
    expect(prefixed.requests[0]?.path).toBe(`/prefix${WATCH}?protocolVersion=2.2.0`);
  });
});

describe("openWatch: the events", () => {
  it("yields hello with the server's lease and durations", async () => {
    const custom = await devApi({ heartbeatIntervalMs: 2_500, deviceWaitForViewerMs: 45_000 });
    const c = createApiClient({ baseUrl: custom.url, deviceToken: DEV_DEVICE_TOKEN, env: {} });
    const [first] = await readUntil(await watch(open, c), () => true);
    expect(first).toEqual({
      type: "hello",
      watchLeaseId: custom.currentWatch?.leaseId,
      deviceWaitForViewerMs: 45_000,
      heartbeatIntervalMs: 2_500,
    });
    expect(custom.currentWatch?.leaseId).toMatch(/^lease_[0-9a-f]+$/);
  });

  it("clamps hello: heartbeat at least 1 s, wait for viewer at least 5 s, both at most 2^31-1 ms", async () => {
    nextStream(hello({ heartbeatIntervalMs: 2, deviceWaitForViewerMs: 1 }));
    nextStream(hello({ heartbeatIntervalMs: 0, deviceWaitForViewerMs: 0 }));
    nextStream(hello({ heartbeatIntervalMs: 1_000, deviceWaitForViewerMs: 5_000 }));
    nextStream(hello({ heartbeatIntervalMs: 2 ** 40, deviceWaitForViewerMs: 2 ** 53 + 2 }));
    const durations = [];
    for (let i = 0; i < 4; i++) {
      const { events, error } = await readAll(await watch());
      expect(error).toBeUndefined();
      const [event] = events;
      if (event?.type !== "hello") throw new Error("expected hello");
      durations.push([event.heartbeatIntervalMs, event.deviceWaitForViewerMs]);
    }
    expect(durations).toEqual([
      [1_000, 5_000],
      [1_000, 5_000],
      [1_000, 5_000],
      [2_147_483_647, 2_147_483_647],
    ]);
  });

  it("comments and unknown events are keep-alives; so are events before hello and later hellos", async () => {
    nextStream(
      [
        ": ka\n\n",
        "event: wake\ndata: {}\n\n", // before hello: ignored, even malformed
        "event: other\ndata: {}\n\n",
        "event: hello\ndata: not json\n\n".replace("event: hello", "event: hello2"),
        hello(),
        hello({ watchLeaseId: "lease_2" }), // a later hello is ignored, like upstream
        "event: hello\ndata: {\n\n", // not even parsed
        "data: no name\n\n",
        ":\n",
      ].join(""),
    );
    const { events, error } = await readAll(await watch());
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual([
      "keepalive",
      "keepalive",
      "keepalive",
      "keepalive",
      "hello",
      "keepalive",
      "keepalive",
      "keepalive",
      "keepalive",
    ]);
    expect(events[4]).toMatchObject({ watchLeaseId: "lease_1" });
  });

  it("yields the dev API's keep-alive comments", async () => {
    const events = await readUntil(await watch(), (_, seen) => seen.length === 4);
    expect(events.map((event) => event.type)).toEqual([
      "hello",
      "keepalive",
      "keepalive",
      "keepalive",
    ]);
  });

  it("yields wake with the session id, the URL and a LiveKit token for the device's room", async () => {
    const connection = await watch();
    const events = await readUntil(connection, (event) => {
      if (event.type === "hello") void api.wake();
      return event.type === "wake";
    });
    const wake = events.at(-1);
    if (wake?.type !== "wake") throw new Error("expected wake");
    expect(wake.remoteAccessSessionId).toBe(api.remoteAccessSessionId);
    expect(wake.url).toBe(api.livekitUrl);
    const claims = await new TokenVerifier(DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET).verify(
      wake.token,
    );
    expect(claims.sub).toBe(DEV_DEVICE_ID);
    expect(claims.video).toMatchObject({ roomJoin: true, room: api.roomName });
  });

  it("a wake without a session id (absent or null) has none", async () => {
    const wake = (data: object) => `event: wake\ndata: ${JSON.stringify(data)}\n\n`;
    nextStream(hello() + wake({ url: "wss://x", token: "t" }));
    nextStream(
      hello() + wake({ remoteAccessSessionId: null, url: "wss://x", token: "t", more: 1 }),
    );
    for (let i = 0; i < 2; i++) {
      const { events } = await readAll(await watch());
      expect(events[1]).toEqual({ type: "wake", url: "wss://x", token: "t" });
      expect(events[1]).not.toHaveProperty("remoteAccessSessionId");
    }
  });

  it("accepts a Content-Type with parameters, in any case", async () => {
    nextStream(hello(), "Text/Event-Stream; charset=utf-8");
    const { events, error } = await readAll(await watch());
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(["hello"]);
  });

  it("a clean end of the stream ends the iteration normally", async () => {
    api.failNext("watch", { type: "end-after-hello" });
    const { events, error } = await readAll(await watch());
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(["hello"]);
  });

  it("a transport error makes the iteration throw load-body", async () => {
    api.failNext("watch", { type: "reset-after-hello" });
    const { events, error } = await readAll(await watch());
    expect(events.map((event) => event.type)).toEqual(["hello"]);
    expect(error).toBeInstanceOf(FoxgloveApiError);
    expect((error as FoxgloveApiError).reason).toBe("load-body");
    expect((error as FoxgloveApiError).endpoint).toBe("watch");
    expect((error as FoxgloveApiError).timedOut).toBe(false);
  });

  it("a connection can be iterated once", async () => {
    const connection = await watch();
    await readUntil(connection, () => true);
    await expect(readAll(connection)).resolves.toMatchObject({ error: expect.any(TypeError) });
  });
});

describe("openWatch: malformed events", () => {
  it("a hello whose data is not JSON throws malformed-event, naming the event", async () => {
    api.failNext("watch", { type: "malformed-event" });
    const { events, error } = await readAll(await watch());
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(FoxgloveApiError);
    expect(error).toMatchObject({ reason: "malformed-event", event: "hello", endpoint: "watch" });
    expect((error as Error).message).toContain("not valid JSON");
  });

  it.each([
    [{ watchLeaseId: 5 }, 'field "watchLeaseId" is not a string'],
    [{ watchLeaseId: "" }, 'field "watchLeaseId" is empty'],
    [{ heartbeatIntervalMs: -1 }, "heartbeatIntervalMs"],
    [{ heartbeatIntervalMs: 1.5 }, "heartbeatIntervalMs"],
    [{ deviceWaitForViewerMs: "5000" }, "deviceWaitForViewerMs"],
    [{ deviceWaitForViewerMs: undefined }, "deviceWaitForViewerMs"],
  ])("a hello of the wrong shape %j throws malformed-event", async (fields, detail) => {
    nextStream(hello(fields));
    const { error } = await readAll(await watch());
    expect(error).toMatchObject({ reason: "malformed-event", event: "hello" });
    expect((error as Error).message).toContain(detail);
  });

  it.each([
    ["{", "not valid JSON"],
    ['{"url":"wss://x"}', 'field "token"'],
    ['{"token":"t"}', 'field "url"'],
    ['{"url":"wss://x","token":"t","remoteAccessSessionId":7}', "remoteAccessSessionId"],
    ["[]", "not a JSON object"],
  ])("a wake %s after hello throws malformed-event", async (data, detail) => {
    nextStream(`${hello()}event: wake\ndata: ${data}\n\n`);
    const { events, error } = await readAll(await watch());
    expect(events.map((event) => event.type)).toEqual(["hello"]);
    expect(error).toMatchObject({ reason: "malformed-event", event: "wake" });
    expect((error as Error).message).toContain(detail);
  });

  it("the dev API's malformed wake fault", async () => {
    api.failNext("watch", { type: "malformed-event", event: "wake" });
    const { events, error } = await readAll(await watch());
    expect(events.map((event) => event.type)).toEqual(["hello"]);
    expect(error).toMatchObject({ reason: "malformed-event", event: "wake" });
  });

  it("a line over 1 MiB throws malformed-event", async () => {
    nextStream(`${hello()}: ${"x".repeat(1_048_576)}\n`);
    const { events, error } = await readAll(await watch());
    expect(events.map((event) => event.type)).toEqual(["hello"]);
    expect(error).toMatchObject({ reason: "malformed-event" });
    expect((error as Error).message).toContain("exceeds 1048576 bytes");
  });
});

describe("openWatch: refusals", () => {
  it("401 for a wrong token: malformed-error-response with the status, an auth failure", async () => {
    const error = await apiFailure(client({ deviceToken: "fox_wrong" }).openWatch(open));
    expect(error).toMatchObject({ reason: "malformed-error-response", status: 401 });
    expect(error.endpoint).toBe("watch");
    expect(error.isAuthFailure).toBe(true);
  });

  it.each([409, 410, 401, 503])("a %i is a FoxgloveApiError with that status", async (status) => {
    api.failNext("watch", { type: "status", status, headers: { "retry-after": "30" } });
    const error = await apiFailure(client().openWatch(open));
    expect(error.reason).toBe("error-response");
    expect(error.status).toBe(status);
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.apiError).toEqual({ error: `dev API fault ${status}`, code: "dev_fault" });
  });

  it("an error body over 16 KiB is error-response-too-large", async () => {
    api.failNext("watch", { type: "oversized-error", status: 409, chunked: true });
    const error = await apiFailure(client().openWatch(open));
    expect(error).toMatchObject({ reason: "error-response-too-large", status: 409 });
  });

  it("a 200 maintenance page is unexpected-content-type, with the status and the media type", async () => {
    api.failNext("watch", { type: "maintenance-page" });
    const error = await apiFailure(client().openWatch(open));
    expect(error.reason).toBe("unexpected-content-type");
    expect(error.status).toBe(200);
    expect(error.contentType).toBe("text/html");
    expect(error.isAuthFailure).toBe(false);
    expect(error.message).toContain('content type "text/html"');
  });

  it.each([
    ["application/json", "application/json"],
    ["text/event-streamx", "text/event-streamx"],
    ["", ""],
  ])("Content-Type %j is unexpected-content-type", async (contentType, expected) => {
    nextStream(hello(), contentType);
    const error = await apiFailure(client().openWatch(open));
    expect(error.reason).toBe("unexpected-content-type");
    expect(error.contentType).toBe(expected);
  });

  it("no Content-Type at all is unexpected-content-type without one", async () => {
    api.failNext("watch", { type: "status", status: 200, body: hello() });
    const error = await apiFailure(client().openWatch(open));
    expect(error.reason).toBe("unexpected-content-type");
    expect(error.contentType).toBeUndefined();
    expect(error.message).toContain("no content type");
  });
});

describe("openWatch: timeouts and aborts", () => {
  it("the API timeout bounds the wait for the response headers (a send error)", async () => {
    api.failNext("watch", { type: "delay", ms: 10_000 });
    const started = performance.now();
    const error = await apiFailure(client({ timeoutMs: 200 }).openWatch(open));
    expect(error).toMatchObject({ reason: "send", timedOut: true, endpoint: "watch" });
    expect(performance.now() - started).toBeLessThan(2_000);
    await vi.waitFor(() => expect(api.activeRequests).toBe(0));
  });

  it("no total timeout: the stream outlives the API timeout many times over", async () => {
    const started = performance.now();
    const connection = await watch(open, client({ timeoutMs: 100 }));
    // 20 keep-alives 20 ms apart: well past 100 ms.
    const events = await readUntil(connection, (_, seen) => seen.length === 21);
    expect(events).toHaveLength(21);
    expect(performance.now() - started).toBeGreaterThan(300);
  });

  it("a hello later than the API timeout still arrives", async () => {
    api.failNext("watch", { type: "late-hello", ms: 300 });
    const connection = await watch(open, client({ timeoutMs: 100 }));
    const events = await readUntil(connection, (event) => event.type === "hello");
    expect(events.at(-1)?.type).toBe("hello");
    expect(events.slice(0, -1).every((event) => event.type === "keepalive")).toBe(true);
  });

  it("an aborted signal rejects at once without a request", async () => {
    const error = await apiFailure(client().openWatch({ ...open, signal: AbortSignal.abort() }));
    expect(error.reason).toBe("aborted");
    expect(api.requestCount()).toBe(0);
  });

  it("aborting while the headers are awaited rejects with aborted", async () => {
    api.failNext("watch", { type: "delay", ms: 10_000 });
    const controller = new AbortController();
    const pending = client().openWatch({ ...open, signal: controller.signal });
    await vi.waitFor(() => expect(api.requestCount("watch")).toBe(1));
    const reason = new Error("stop");
    controller.abort(reason);
    const error = await apiFailure(pending);
    expect(error.reason).toBe("aborted");
    expect(error.cause).toBe(reason);
  });

  it("aborting during the stream makes the iteration throw aborted and frees the connection", async () => {
    const controller = new AbortController();
    const connection = await watch({ ...open, signal: controller.signal });
    const events: WatchEvent[] = [];
    let error: unknown;
    try {
      for await (const event of connection) {
        events.push(event);
        if (events.length === 2) controller.abort(new Error("stop"));
      }
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ reason: "aborted" });
    expect(connection.closed).toBe(true);
    await vi.waitFor(() => expect(api.openWatches).toBe(0));
  });

  it("close() ends an iteration waiting for the next frame, quietly", async () => {
    api.failNext("watch", { type: "silent-after-hello" });
    const connection = await watch();
    const reading = readAll(connection);
    await api.watchOpened();
    // Close once hello is in: the reader is then waiting on a silent stream.
    await vi.waitFor(() => expect(api.currentWatch?.leaseId).toBeDefined());
    connection.close();
    const { events, error } = await reading;
    expect(error).toBeUndefined();
    expect(connection.closed).toBe(true);
    expect(events.every((event) => event.type === "hello")).toBe(true);
    await vi.waitFor(() => expect(api.openWatches).toBe(0));
    connection.close(); // idempotent
  });

  it("close() before iterating: the iteration yields nothing", async () => {
    const connection = await watch();
    connection.close();
    expect(await readAll(connection)).toEqual({ events: [], error: undefined });
    await vi.waitFor(() => expect(api.openWatches).toBe(0));
  });

  it("leaving the loop early releases the connection", async () => {
    const connection = await watch();
    await readUntil(connection, (event) => event.type === "hello");
    expect(connection.closed).toBe(true);
    await vi.waitFor(() => expect(api.openWatches).toBe(0));
  });
});

describe("sendHeartbeat (spec 11.4)", () => {
  async function lease(): Promise<string> {
    const [first] = await readUntil(await watch(), () => true);
    if (first?.type !== "hello") throw new Error("expected hello");
    return first.watchLeaseId;
  }

  it('POSTs {"watchLeaseId": ...} as JSON with the token; 200 resolves', async () => {
    const leaseId = await lease();
    await expect(client().sendHeartbeat(leaseId)).resolves.toBeUndefined();
    const request = api.requests.at(-1);
    expect(request).toMatchObject({ endpoint: "heartbeat", method: "POST", authorized: true });
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.watchLeaseId).toBe(leaseId);
    expect(request?.bodyBytes).toBe(JSON.stringify({ watchLeaseId: leaseId }).length);
    expect(api.heartbeats).toMatchObject([{ watchLeaseId: leaseId, status: 200 }]);
  });

  it("any 2xx is success, whatever its body", async () => {
    api.failNext("heartbeat", { type: "status", status: 204, body: "" });
    api.failNext("heartbeat", { type: "status", status: 200, body: "<html>ok</html>" });
    await client().sendHeartbeat("lease_x");
    await client().sendHeartbeat("lease_x");
  });

  it("410 for a lease the platform does not know", async () => {
    const error = await apiFailure(client().sendHeartbeat("lease_unknown"));
    expect(error).toMatchObject({ reason: "error-response", status: 410, endpoint: "heartbeat" });
    expect(error.apiError?.code).toBe("lease_gone");
  });

  it("409 once another watch took the lease", async () => {
    const first = await lease();
    await lease();
    const error = await apiFailure(client().sendHeartbeat(first));
    expect(error).toMatchObject({ reason: "error-response", status: 409 });
  });

  it("401 for a refused token", async () => {
    const leaseId = await lease();
    const error = await apiFailure(client({ deviceToken: "fox_wrong" }).sendHeartbeat(leaseId));
    expect(error.status).toBe(401);
    expect(error.isAuthFailure).toBe(true);
  });

  it("failing heartbeats (500) reject with the status, then succeed again", async () => {
    const leaseId = await lease();
    api.failNext("heartbeat", { type: "status", status: 500 }, { times: 2 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(
        await client()
          .sendHeartbeat(leaseId)
          .then(
            () => "ok",
            (error: FoxgloveApiError) => error.status,
          ),
      );
    }
    expect(outcomes).toEqual([500, 500, "ok"]);
  });

  it("the total timeout applies", async () => {
    api.failNext("heartbeat", { type: "delay", ms: 10_000 });
    const error = await apiFailure(client({ timeoutMs: 150 }).sendHeartbeat("lease_x"));
    expect(error).toMatchObject({ reason: "send", timedOut: true, endpoint: "heartbeat" });
  });

  it("an abort rejects with aborted", async () => {
    api.failNext("heartbeat", { type: "delay", ms: 10_000 });
    const controller = new AbortController();
    const pending = client().sendHeartbeat("lease_x", { signal: controller.signal });
    await vi.waitFor(() => expect(api.requestCount("heartbeat")).toBe(1));
    controller.abort();
    expect((await apiFailure(pending)).reason).toBe("aborted");
  });
});
