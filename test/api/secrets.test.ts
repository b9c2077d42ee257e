import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createApiClient,
  createCredentialsProvider,
  type FoxgloveApiError,
} from "../../src/api/index.js";
import { type DevApi, type DevApiFault, startDevApi } from "../../src/dev/index.js";
import { apiFailure, startStalledServer } from "./helpers.js";

// Recognisable canaries. (Shaped so the repository's token scanner does not mistake them for real
// `fox_dt_` tokens or JWTs.)
const DEVICE_TOKEN = "fox_dt_x_SECRET_canary";
const JWT_CANARY = "lk_jwt_x_SECRET_canary";

/** Every rendering of an error a log line or a crash report might use. */
function renderings(error: unknown): string[] {
  const e = error as FoxgloveApiError;
  return [
    String(error),
    e.message,
    e.stack ?? "",
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    inspect(error, { depth: 10, showHidden: true }),
  ];
}

function expectClean(error: unknown): void {
  for (const text of renderings(error)) {
    expect(text).not.toContain(DEVICE_TOKEN);
    expect(text).not.toContain("SECRET_canary");
  }
}

let api: DevApi;
beforeAll(async () => {
  api = await startDevApi({ deviceToken: DEVICE_TOKEN });
});
afterAll(async () => {
  await api.close();
});

const client = (timeoutMs?: number) =>
  createApiClient({ baseUrl: api.url, deviceToken: DEVICE_TOKEN, timeoutMs, env: {} });

describe("secrets never reach errors", () => {
  const faults: [string, DevApiFault][] = [
    ["error-response", { type: "status", status: 403, json: { error: "forbidden" } }],
    ["malformed-error-response", { type: "status", status: 502, body: "<html>bad</html>" }],
    ["error-response-too-large", { type: "oversized-error", chunked: true }],
    ["parse-response", { type: "malformed-json" }],
    ["load-body", { type: "truncated-body" }],
  ];

  it.each(faults)("%s", async (reason, fault) => {
    api.failNext("device-info", fault);
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.reason).toBe(reason);
    expectClean(error);
  });

  it("parse-response of a credentials body holding a JWT does not echo it", async () => {
    api.failNext("remote-sessions", {
      type: "status",
      status: 200,
      json: { token: JWT_CANARY, url: 42 },
    });
    api.failNext("remote-sessions", {
      type: "status",
      status: 200,
      body: `{"token":"${JWT_CANARY}", "url": `,
    });
    for (let i = 0; i < 2; i++) {
      const error = await apiFailure(client().authorizeRemoteVisualization(api.deviceId));
      expect(error.reason).toBe("parse-response");
      expectClean(error);
    }
  });

  it("send error (timeout)", async () => {
    api.failNext("device-info", { type: "delay", ms: 2000 });
    const error = await apiFailure(client(100).fetchDeviceInfo());
    expect(error.timedOut).toBe(true);
    expectClean(error);
  });

  it("send error (connection refused)", async () => {
    const closed = await startDevApi();
    const url = closed.url;
    await closed.close();
    const c = createApiClient({ baseUrl: url, deviceToken: DEVICE_TOKEN, env: {} });
    const error = await apiFailure(c.fetchDeviceInfo());
    expect(error.reason).toBe("send");
    expectClean(error);
  });

  it("aborted, before and during the body", async () => {
    api.failNext("device-info", { type: "delay", ms: 2000 });
    const early = await apiFailure(client().fetchDeviceInfo({ signal: AbortSignal.timeout(50) }));
    expect(early.reason).toBe("aborted");
    expectClean(early);
    const stalled = await startStalledServer();
    try {
      const c = createApiClient({ baseUrl: stalled.url, deviceToken: DEVICE_TOKEN, env: {} });
      const late = await apiFailure(c.fetchDeviceInfo({ signal: AbortSignal.timeout(50) }));
      expect(late.reason).toBe("aborted");
      expectClean(late);
    } finally {
      await stalled.close();
    }
  });

  it("malformed-error-response for a rejected token", async () => {
    const c = createApiClient({ baseUrl: api.url, deviceToken: `${DEVICE_TOKEN}x`, env: {} });
    const error = await apiFailure(c.fetchDeviceInfo());
    expect(error.status).toBe(401);
    expectClean(error);
  });

  it("build-client", () => {
    let thrown: unknown;
    try {
      createApiClient({ baseUrl: api.url, deviceToken: `${DEVICE_TOKEN}\r\nX: y` });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as FoxgloveApiError).reason).toBe("build-client");
    expectClean(thrown);
  });
});

describe("secrets never reach the client, the provider or the dev API log", () => {
  it("JSON and inspect of client and provider show neither token nor JWT", async () => {
    const c = client();
    const provider = createCredentialsProvider(c);
    const { token } = await provider.getCredentials();
    expect(token.length).toBeGreaterThan(20);
    for (const value of [c, provider]) {
      for (const text of [
        JSON.stringify(value),
        inspect(value, { depth: 10, showHidden: true, getters: true }),
        String(value),
      ]) {
        expect(text).not.toContain(DEVICE_TOKEN);
        expect(text).not.toContain(token);
      }
    }
  });

  it("the dev API records the Authorization header redacted", async () => {
    await client().fetchDeviceInfo();
    const log = JSON.stringify(api.requests);
    expect(log).not.toContain(DEVICE_TOKEN);
    expect(api.requests.at(-1)?.headers.authorization).toBe("[redacted]");
  });
});
