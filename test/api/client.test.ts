import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiClient, FoxgloveApiError } from "../../src/api/index.js";
import { DEV_DEVICE_ID, DEV_DEVICE_TOKEN, type DevApi, startDevApi } from "../../src/dev/index.js";
import { apiFailure } from "./helpers.js";

let api: DevApi;
beforeEach(async () => {
  api = await startDevApi();
});
afterEach(async () => {
  await api.close();
});

const client = (options: { baseUrl?: string; deviceToken?: string } = {}) =>
  createApiClient({ baseUrl: api.url, deviceToken: DEV_DEVICE_TOKEN, env: {}, ...options });

describe("requests as the server sees them (spec 3.2)", () => {
  it("GET device-info sends the exact User-Agent and Authorization", async () => {
    await client().fetchDeviceInfo();
    const [request] = api.requests;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/internal/platform/v1/device-info");
    expect(request?.headers["user-agent"]).toBe("foxglove-sdk/typescript (0.1.0)");
    // The dev API compares the header with exactly `DeviceToken <token>`.
    expect(request?.authorized).toBe(true);
  });

  it("the Authorization header is exactly `DeviceToken <token>`", async () => {
    const strict = await startDevApi({ deviceToken: "tok-123" });
    try {
      await createApiClient({ baseUrl: strict.url, deviceToken: "tok-123" }).fetchDeviceInfo();
      const wrong = createApiClient({ baseUrl: strict.url, deviceToken: "tok-1234" });
      const error = await apiFailure(wrong.fetchDeviceInfo());
      expect(error.status).toBe(401);
      expect(strict.requests.map((r) => r.authorized)).toEqual([true, false]);
    } finally {
      await strict.close();
    }
  });

  it("POST remote-sessions has no body and no Content-Type", async () => {
    await client().authorizeRemoteVisualization(DEV_DEVICE_ID);
    const [request] = api.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/internal/platform/v1/devices/dev_testdevice/remote-sessions");
    expect(request?.bodyBytes).toBe(0);
    expect(request?.headers["content-type"]).toBeUndefined();
    expect(request?.headers["user-agent"]).toBe("foxglove-sdk/typescript (0.1.0)");
    expect(request?.authorized).toBe(true);
  });

  it("percent-encodes the device id strictly in the path", async () => {
    const odd = await startDevApi({ deviceId: "it's(1)!* ü/x" });
    try {
      const c = createApiClient({ baseUrl: odd.url, deviceToken: DEV_DEVICE_TOKEN });
      const credentials = await c.authorizeRemoteVisualization("it's(1)!* ü/x");
      expect(credentials.token.length).toBeGreaterThan(0);
      expect(odd.requests[0]?.path).toBe(
        "/internal/platform/v1/devices/it%27s%281%29%21%2A%20%C3%BC%2Fx/remote-sessions",
      );
      expect(odd.requests[0]?.deviceId).toBe("it's(1)!* ü/x");
    } finally {
      await odd.close();
    }
  });

  it("keeps a base path prefix and tolerates trailing slashes on the base", async () => {
    const prefixed = await startDevApi({ basePath: "/prefix" });
    try {
      const c = createApiClient({ baseUrl: `${prefixed.url}//`, deviceToken: DEV_DEVICE_TOKEN });
      const info = await c.fetchDeviceInfo();
      expect(info.id).toBe(DEV_DEVICE_ID);
      expect(prefixed.requests[0]?.path).toBe("/prefix/internal/platform/v1/device-info");
    } finally {
      await prefixed.close();
    }
  });

  it("uses a custom fetch when given one", async () => {
    const seen: string[] = [];
    const c = createApiClient({
      baseUrl: api.url,
      deviceToken: DEV_DEVICE_TOKEN,
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });
    await c.fetchDeviceInfo();
    expect(seen).toEqual([`${api.url}/internal/platform/v1/device-info`]);
  });
});

describe("successful responses", () => {
  it("parses device info (spec 3.4)", async () => {
    expect(await client().fetchDeviceInfo()).toEqual({
      id: "dev_testdevice",
      name: "test-device",
      projectId: "prj_testproj",
      retainRecordingsSeconds: 3600,
    });
  });

  it("accepts a null or absent retainRecordingsSeconds and ignores unknown keys", async () => {
    api.failNext("device-info", {
      type: "status",
      status: 200,
      json: { id: "d", name: "n", projectId: "p", retainRecordingsSeconds: null, extra: [1] },
    });
    api.failNext("device-info", {
      type: "status",
      status: 200,
      json: { id: "d", name: "n", projectId: "p" },
    });
    expect(await client().fetchDeviceInfo()).toEqual({ id: "d", name: "n", projectId: "p" });
    expect(await client().fetchDeviceInfo()).toEqual({ id: "d", name: "n", projectId: "p" });
  });

  it("returns RTC credentials (spec 3.5)", async () => {
    const credentials = await client().authorizeRemoteVisualization(DEV_DEVICE_ID);
    expect(credentials.url).toBe(api.livekitUrl);
    expect(credentials.token.split(".")).toHaveLength(3);
    expect(Object.keys(credentials).sort()).toEqual(["token", "url"]);
  });

  it("treats a non-error status other than 200 as success", async () => {
    api.failNext("remote-sessions", {
      type: "status",
      status: 201,
      json: { token: "t", url: "wss://x", more: true },
    });
    expect(await client().authorizeRemoteVisualization(DEV_DEVICE_ID)).toEqual({
      token: "t",
      url: "wss://x",
    });
  });
});

describe("client construction", () => {
  it("rejects a token that cannot be a header value, without echoing it", () => {
    let thrown: unknown;
    try {
      createApiClient({ baseUrl: "http://127.0.0.1", deviceToken: "line\nbreak-secret" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FoxgloveApiError);
    expect((thrown as FoxgloveApiError).reason).toBe("build-client");
    expect(String(thrown)).not.toContain("break-secret");
    expect(() => createApiClient({ deviceToken: "" })).toThrow(FoxgloveApiError);
  });

  it("exposes the resolved base URL and timeout, with env fallbacks", () => {
    const c = createApiClient({
      deviceToken: "t",
      env: { FOXGLOVE_API_URL: "http://env.example", FOXGLOVE_API_TIMEOUT: "5" },
    });
    expect(c.baseUrl).toBe("http://env.example");
    expect(c.timeoutMs).toBe(5000);
    expect(createApiClient({ deviceToken: "t", env: {} }).baseUrl).toBe("https://api.foxglove.dev");
  });
});
