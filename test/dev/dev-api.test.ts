import { TokenVerifier } from "livekit-server-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createDevApi,
  DEV_DEVICE_ID,
  DEV_DEVICE_TOKEN,
  DEV_LIVEKIT_API_KEY,
  DEV_LIVEKIT_API_SECRET,
  DEV_LIVEKIT_URL,
  type DevApi,
  devRoomName,
  startDevApi,
} from "../../src/dev/index.js";

const auth = { authorization: `DeviceToken ${DEV_DEVICE_TOKEN}` };
const DEVICE_INFO = "/internal/platform/v1/device-info";
const CREDENTIALS = `/internal/platform/v1/devices/${DEV_DEVICE_ID}/remote-sessions`;

let api: DevApi;
beforeEach(async () => {
  api = await startDevApi();
});
afterEach(async () => {
  await api.close();
});

async function post(path = CREDENTIALS, headers: Record<string, string> = auth) {
  return fetch(`${api.url}${path}`, { method: "POST", headers });
}

async function credentials(): Promise<{ token: string; url: string }> {
  const response = await post();
  expect(response.status).toBe(200);
  return (await response.json()) as { token: string; url: string };
}

describe("dev API endpoints (spec 3.7)", () => {
  it("serves the spec's device info to the test token", async () => {
    const response = await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      '{"id":"dev_testdevice","name":"test-device","projectId":"prj_testproj","retainRecordingsSeconds":3600}',
    );
  });

  it("answers a wrong or missing token with 401 and an empty body", async () => {
    const attempts: Record<string, string>[] = [{ authorization: "DeviceToken nope" }, {}];
    for (const headers of attempts) {
      const response = await fetch(`${api.url}${DEVICE_INFO}`, { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).toBe("");
    }
    expect((await post(CREDENTIALS, {})).status).toBe(401);
    expect(api.requests.map((r) => r.authorized)).toEqual([false, false, false]);
  });

  it("answers an unknown device id with 404", async () => {
    const response = await post("/internal/platform/v1/devices/dev_other/remote-sessions");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "device not found", code: "not_found" });
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    expect((await fetch(`${api.url}/nope`, { headers: auth })).status).toBe(404);
    expect((await post(DEVICE_INFO)).status).toBe(405);
    expect((await fetch(`${api.url}${CREDENTIALS}`, { headers: auth })).status).toBe(405);
  });

  it("uses a configured device id, name and room", async () => {
    const custom = await startDevApi({ deviceId: "dev_x", deviceName: "X", roomName: "room-x" });
    try {
      const info = await fetch(`${custom.url}${DEVICE_INFO}`, { headers: auth });
      expect(await info.json()).toMatchObject({ id: "dev_x", name: "X" });
      const response = await fetch(
        `${custom.url}/internal/platform/v1/devices/dev_x/remote-sessions`,
        {
          method: "POST",
          headers: auth,
        },
      );
      const { token } = (await response.json()) as { token: string };
      const claims = await new TokenVerifier(DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET).verify(
        token,
      );
      expect(claims.sub).toBe("dev_x");
      expect(claims.video?.room).toBe("room-x");
      expect(custom.roomName).toBe("room-x");
    } finally {
      await custom.close();
    }
  });
});

describe("LiveKit tokens", () => {
  it("mints a token TokenVerifier accepts: identity = device id, room join grant", async () => {
    const { token, url } = await credentials();
    expect(url).toBe(DEV_LIVEKIT_URL);
    const claims = await new TokenVerifier(DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET).verify(
      token,
    );
    expect(claims.sub).toBe(DEV_DEVICE_ID);
    expect(claims.video).toMatchObject({ roomJoin: true, room: devRoomName(DEV_DEVICE_ID) });
    expect(api.roomName).toBe(devRoomName(DEV_DEVICE_ID));
    // Default ttl is one hour.
    const exp = (claims as { exp?: number }).exp ?? 0;
    expect(exp - Date.now() / 1000).toBeGreaterThan(3500);
  });

  it("signs with the configured key and secret", async () => {
    const custom = await startDevApi({ livekitApiKey: "k2", livekitApiSecret: "s2-long-enough" });
    try {
      const response = await fetch(`${custom.url}${CREDENTIALS}`, {
        method: "POST",
        headers: auth,
      });
      const { token } = (await response.json()) as { token: string };
      await expect(new TokenVerifier("k2", "s2-long-enough").verify(token)).resolves.toBeDefined();
      await expect(
        new TokenVerifier(DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET).verify(token),
      ).rejects.toThrow();
    } finally {
      await custom.close();
    }
  });

  it("the expired-token fault mints a token the verifier rejects as expired", async () => {
    api.failNext("remote-sessions", { type: "expired-token" });
    const { token } = await credentials();
    await expect(
      new TokenVerifier(DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET).verify(token),
    ).rejects.toThrow(/exp/);
    // Only the next request was affected.
    const next = await credentials();
    await expect(
      new TokenVerifier(DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET).verify(next.token),
    ).resolves.toBeDefined();
  });

  it("the livekit-url fault points at a port where nothing listens", async () => {
    api.failNext("remote-sessions", { type: "livekit-url" });
    const { url } = await credentials();
    expect(url).not.toBe(DEV_LIVEKIT_URL);
    const refused = await fetch(url).then(
      () => undefined,
      (error: Error) => (error.cause as { code?: string }).code,
    );
    expect(refused).toBe("ECONNREFUSED");
  });

  it("the livekit-url fault can name the URL, and so can the options", async () => {
    api.failNext("remote-sessions", { type: "livekit-url", url: "ws://127.0.0.1:9/x" });
    expect((await credentials()).url).toBe("ws://127.0.0.1:9/x");
    const custom = await startDevApi({ stoppedServerUrl: "ws://stopped.invalid" });
    try {
      custom.failNext("remote-sessions", { type: "livekit-url" });
      const response = await fetch(`${custom.url}${CREDENTIALS}`, {
        method: "POST",
        headers: auth,
      });
      expect(((await response.json()) as { url: string }).url).toBe("ws://stopped.invalid");
    } finally {
      await custom.close();
    }
  });
});

describe("faults", () => {
  it("failNext applies to the next `times` requests of one endpoint only", async () => {
    api.failNext("device-info", { type: "status", status: 500 }, { times: 2 });
    expect((await post()).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth })).status);
    }
    expect(statuses).toEqual([500, 500, 200]);
    expect(api.requests.map((r) => r.fault)).toEqual([undefined, "status", "status", undefined]);
  });

  it("queued faults apply in order, before a persistent fault", async () => {
    api.setFault("device-info", { type: "status", status: 503 });
    api.failNext("device-info", { type: "status", status: 429 });
    api.failNext("device-info", { type: "status", status: 404 });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth })).status);
    }
    expect(statuses).toEqual([429, 404, 503, 503]);
    api.setFault("device-info", undefined);
    expect((await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth })).status).toBe(200);
  });

  it("clearFaults removes queued and persistent faults", async () => {
    api.setFault("remote-sessions", { type: "status", status: 500 });
    api.failNext("device-info", { type: "status", status: 500 });
    api.clearFaults();
    expect((await post()).status).toBe(200);
    expect((await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth })).status).toBe(200);
  });

  it("a status fault sends the given headers, body and content type", async () => {
    api.failNext("device-info", {
      type: "status",
      status: 502,
      body: "<html>bad gateway</html>",
      contentType: "text/html",
      headers: { "retry-after": "3" },
    });
    const response = await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth });
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toBe("text/html");
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.text()).toBe("<html>bad gateway</html>");
  });

  it("the oversized error is sent with Content-Length, or chunked without it", async () => {
    api.failNext("device-info", { type: "oversized-error" });
    api.failNext("device-info", { type: "oversized-error", chunked: true, bytes: 30_000 });
    const sized = await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth });
    expect(sized.headers.get("content-length")).toBe("20000");
    expect((await sized.text()).length).toBe(20_000);
    const chunked = await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth });
    expect(chunked.headers.get("content-length")).toBeNull();
    expect(chunked.headers.get("transfer-encoding")).toBe("chunked");
    const body = await chunked.text();
    expect(body.length).toBe(30_000);
    expect(JSON.parse(body)).toHaveProperty("error");
  });

  it("a delay holds the response, then answers normally", async () => {
    api.failNext("device-info", { type: "delay", ms: 150 });
    const started = performance.now();
    const response = await fetch(`${api.url}${DEVICE_INFO}`, { headers: auth });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("close() does not wait for a delayed request, and releases its connection", async () => {
    api.failNext("device-info", { type: "delay", ms: 30_000 });
    const pending = fetch(`${api.url}${DEVICE_INFO}`, { headers: auth }).then(
      () => "answered",
      () => "failed",
    );
    await vi.waitFor(() => expect(api.activeRequests).toBe(1));
    const started = performance.now();
    await api.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await pending).toBe("failed");
    expect(api.connectionCount).toBe(0);
    expect(() => api.url).toThrow(/not started/);
  });
});

describe("request log", () => {
  it("records method, path, redacted headers, auth and body size per endpoint", async () => {
    await fetch(`${api.url}${DEVICE_INFO}`, { headers: { ...auth, "user-agent": "ua/1" } });
    await post();
    await post();
    expect(api.requestCount("device-info")).toBe(1);
    expect(api.requestCount("remote-sessions")).toBe(2);
    expect(api.requestCount()).toBe(3);
    const [first, second] = api.requests;
    expect(first).toMatchObject({
      endpoint: "device-info",
      method: "GET",
      path: DEVICE_INFO,
      authorized: true,
      bodyBytes: 0,
      abandoned: false,
    });
    expect(first?.headers["user-agent"]).toBe("ua/1");
    expect(first?.headers.authorization).toBe("[redacted]");
    expect(second).toMatchObject({ endpoint: "remote-sessions", deviceId: DEV_DEVICE_ID });
    expect(JSON.stringify(api.requests)).not.toContain(DEV_DEVICE_TOKEN);
    api.resetRequests();
    expect(api.requestCount()).toBe(0);
  });

  it("records a request body size", async () => {
    await fetch(`${api.url}${CREDENTIALS}`, { method: "POST", headers: auth, body: "hello" });
    expect(api.requests[0]?.bodyBytes).toBe(5);
  });
});

describe("lifecycle", () => {
  it("listens on 127.0.0.1 on a free port; url and port throw before start", async () => {
    const fresh = createDevApi();
    expect(() => fresh.url).toThrow(/not started/);
    await fresh.start();
    try {
      expect(fresh.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(fresh.port).toBeGreaterThan(0);
      expect(fresh.port).not.toBe(api.port);
      await expect(fresh.start()).rejects.toThrow(/already started/);
    } finally {
      await fresh.close();
      await fresh.close();
    }
  });

  it("mounts under a base path", async () => {
    const prefixed = await startDevApi({ basePath: "/prefix/" });
    try {
      expect(prefixed.url).toMatch(/\/prefix$/);
      expect((await fetch(`${prefixed.url}${DEVICE_INFO}`, { headers: auth })).status).toBe(200);
      const bare = prefixed.url.replace(/\/prefix$/, "");
      expect((await fetch(`${bare}${DEVICE_INFO}`, { headers: auth })).status).toBe(404);
    } finally {
      await prefixed.close();
    }
  });
});
