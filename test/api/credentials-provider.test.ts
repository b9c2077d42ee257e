import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, createApiClient, createCredentialsProvider } from "../../src/api/index.js";
import { DEV_DEVICE_TOKEN, type DevApi, startDevApi } from "../../src/dev/index.js";
import { apiFailure, timed } from "./helpers.js";

let api: DevApi;
let client: ApiClient;
beforeEach(async () => {
  api = await startDevApi();
  client = createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN, env: {} });
});
afterEach(async () => {
  await api.close();
});

describe("credentials provider (spec 4)", () => {
  it("is uninitialised until first used, then exposes device info and name", async () => {
    const provider = createCredentialsProvider(client);
    expect(provider.initialized).toBe(false);
    expect(provider.deviceName).toBeUndefined();
    expect(api.requestCount()).toBe(0);
    const info = await provider.init();
    expect(info.id).toBe("dev_testdevice");
    expect(provider.initialized).toBe(true);
    expect(provider.deviceName).toBe("test-device");
    expect(provider.deviceInfo).toEqual(info);
  });

  it("fetches device info once across many calls and across clear()", async () => {
    const provider = createCredentialsProvider(client);
    await provider.getCredentials();
    await provider.init();
    provider.clear();
    await provider.getCredentials();
    provider.clear();
    await provider.getCredentials();
    await provider.init();
    expect(api.requestCount("device-info")).toBe(1);
    expect(api.requestCount("remote-sessions")).toBe(3);
  });

  it("returns cached credentials without HTTP", async () => {
    const provider = createCredentialsProvider(client);
    const first = await provider.getCredentials();
    const second = await provider.getCredentials();
    expect(second).toBe(first);
    expect(provider.hasCredentials).toBe(true);
    expect(api.requestCount("remote-sessions")).toBe(1);
  });

  it("concurrent getCredentials calls cause one POST (and one device-info GET)", async () => {
    api.failNext("remote-sessions", { type: "delay", ms: 100 });
    const provider = createCredentialsProvider(client);
    const results = await Promise.all(Array.from({ length: 5 }, () => provider.getCredentials()));
    expect(new Set(results.map((c) => c.token)).size).toBe(1);
    expect(api.requestCount("device-info")).toBe(1);
    expect(api.requestCount("remote-sessions")).toBe(1);
  });

  it("clear() empties the cache: the next call POSTs again", async () => {
    const provider = createCredentialsProvider(client);
    await provider.getCredentials();
    provider.clear();
    expect(provider.hasCredentials).toBe(false);
    await provider.getCredentials();
    expect(api.requestCount("remote-sessions")).toBe(2);
    expect(provider.hasCredentials).toBe(true);
  });

  it("a device-info failure leaves it uninitialised and is retried on the next call", async () => {
    api.failNext("device-info", { type: "status", status: 500 });
    const provider = createCredentialsProvider(client);
    const error = await apiFailure(provider.getCredentials());
    expect(error.reason).toBe("error-response");
    expect(error.endpoint).toBe("device-info");
    expect(provider.initialized).toBe(false);
    expect(api.requestCount("remote-sessions")).toBe(0);
    await provider.getCredentials();
    expect(provider.initialized).toBe(true);
    expect(api.requestCount("device-info")).toBe(2);
  });

  it("a credentials failure leaves the cache empty; the next call POSTs again", async () => {
    api.failNext("remote-sessions", { type: "status", status: 403 });
    const provider = createCredentialsProvider(client);
    const error = await apiFailure(provider.getCredentials());
    expect(error.status).toBe(403);
    expect(provider.hasCredentials).toBe(false);
    expect(provider.initialized).toBe(true);
    await provider.getCredentials();
    expect(api.requestCount("remote-sessions")).toBe(2);
    expect(api.requestCount("device-info")).toBe(1);
  });

  it("one caller's abort does not fail the shared POST for the others", async () => {
    api.failNext("remote-sessions", { type: "delay", ms: 300 });
    const provider = createCredentialsProvider(client);
    await provider.init();
    const controller = new AbortController();
    const leaving = provider.getCredentials({ signal: controller.signal });
    const staying = provider.getCredentials();
    await vi.waitFor(() => expect(api.requestCount("remote-sessions")).toBe(1));
    controller.abort();
    expect(await timed(leaving)).toBeLessThan(250);
    expect((await apiFailure(leaving)).reason).toBe("aborted");
    const credentials = await staying;
    expect(credentials.token.length).toBeGreaterThan(0);
    expect(provider.hasCredentials).toBe(true);
    expect(api.requestCount("remote-sessions")).toBe(1);
    expect(api.requests.at(-1)?.abandoned).toBe(false);
  });

  it("a lone caller's abort cancels the HTTP request; the next call starts a new one", async () => {
    api.failNext("remote-sessions", { type: "delay", ms: 10_000 });
    const provider = createCredentialsProvider(client);
    const controller = new AbortController();
    const pending = provider.getCredentials({ signal: controller.signal });
    await vi.waitFor(() => expect(api.requestCount("remote-sessions")).toBe(1));
    controller.abort();
    expect((await apiFailure(pending)).reason).toBe("aborted");
    await vi.waitFor(() => expect(api.activeRequests).toBe(0));
    expect(api.requests.at(-1)?.abandoned).toBe(true);
    await provider.getCredentials();
    expect(api.requestCount("remote-sessions")).toBe(2);
  });

  it("clear() during a refresh: its callers get the result, the cache stays empty", async () => {
    api.failNext("remote-sessions", { type: "delay", ms: 200 });
    const provider = createCredentialsProvider(client);
    await provider.init();
    const inFlight = provider.getCredentials();
    await vi.waitFor(() => expect(api.requestCount("remote-sessions")).toBe(1));
    provider.clear();
    // A call after clear() does not join the refresh that started before it.
    const afterClear = provider.getCredentials();
    const [old, fresh] = await Promise.all([inFlight, afterClear]);
    expect(old.token.length).toBeGreaterThan(0);
    expect(api.requestCount("remote-sessions")).toBe(2);
    expect(await provider.getCredentials()).toBe(fresh);
    expect(api.requestCount("remote-sessions")).toBe(2);
  });

  it("clear() during a refresh with no later caller leaves the cache empty", async () => {
    api.failNext("remote-sessions", { type: "delay", ms: 100 });
    const provider = createCredentialsProvider(client);
    const inFlight = provider.getCredentials();
    await vi.waitFor(() => expect(api.requestCount("remote-sessions")).toBe(1));
    provider.clear();
    await inFlight;
    expect(provider.hasCredentials).toBe(false);
  });
});
