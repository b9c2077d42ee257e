import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiClient, isFoxgloveApiError } from "../../src/api/index.js";
import { DEV_DEVICE_ID, DEV_DEVICE_TOKEN, type DevApi, startDevApi } from "../../src/dev/index.js";
import { apiFailure } from "./helpers.js";

let api: DevApi;
beforeEach(async () => {
  api = await startDevApi();
});
afterEach(async () => {
  await api.close();
});

const client = (deviceToken = DEV_DEVICE_TOKEN) =>
  createApiClient({ baseUrl: api.url, deviceToken, env: {} });

describe("error classification (spec 3.6)", () => {
  it("401 with an empty body (wrong token) -> malformed-error-response, auth failure", async () => {
    const error = await apiFailure(client("fox_wrong").fetchDeviceInfo());
    expect(error.reason).toBe("malformed-error-response");
    expect(error.status).toBe(401);
    expect(error.body).toBe("");
    expect(error.isAuthFailure).toBe(true);
    expect(error.clearsCredentials).toBe(true);
    expect(error.endpoint).toBe("device-info");
  });

  it("403 with a JSON body -> error-response with the parsed error", async () => {
    api.failNext("device-info", {
      type: "status",
      status: 403,
      json: { error: "Device token revoked", code: "forbidden" },
    });
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.reason).toBe("error-response");
    expect(error.status).toBe(403);
    expect(error.apiError).toEqual({ error: "Device token revoked", code: "forbidden" });
    expect(error.isAuthFailure).toBe(true);
    expect(error.message).toContain("Device token revoked");
    expect(error.headers?.["content-type"]).toBe("application/json");
  });

  it("404 for an unknown device -> error-response, not an auth failure", async () => {
    const error = await apiFailure(client().authorizeRemoteVisualization("dev_unknown"));
    expect(error.reason).toBe("error-response");
    expect(error.status).toBe(404);
    expect(error.apiError?.code).toBe("not_found");
    expect(error.isAuthFailure).toBe(false);
    expect(error.clearsCredentials).toBe(true);
    expect(error.endpoint).toBe("remote-sessions");
  });

  it("429 with Retry-After delta-seconds -> retryAfterMs", async () => {
    api.failNext("remote-sessions", {
      type: "status",
      status: 429,
      json: { error: "slow down" },
      headers: { "retry-after": "7" },
    });
    const error = await apiFailure(client().authorizeRemoteVisualization(DEV_DEVICE_ID));
    expect(error.reason).toBe("error-response");
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.apiError).toEqual({ error: "slow down" });
  });

  it("503 with Retry-After as an HTTP date -> retryAfterMs", async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    api.failNext("device-info", {
      type: "status",
      status: 503,
      body: "",
      headers: { "retry-after": at },
    });
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.status).toBe(503);
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("500 with a JSON error -> error-response, and no automatic retry", async () => {
    api.failNext("device-info", { type: "status", status: 500 });
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.reason).toBe("error-response");
    expect(error.status).toBe(500);
    expect(error.retryAfterMs).toBeUndefined();
    expect(api.requestCount("device-info")).toBe(1);
  });

  it("a POST answered 502 is not retried either", async () => {
    api.failNext("remote-sessions", { type: "status", status: 502 });
    await apiFailure(client().authorizeRemoteVisualization(DEV_DEVICE_ID));
    expect(api.requestCount("remote-sessions")).toBe(1);
  });

  it("502 with an HTML body -> malformed-error-response carrying the text", async () => {
    const html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    api.failNext("device-info", {
      type: "status",
      status: 502,
      body: html,
      contentType: "text/html",
    });
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.reason).toBe("malformed-error-response");
    expect(error.status).toBe(502);
    expect(error.body).toBe(html);
    expect(error.message).toContain("502 Bad Gateway");
  });

  it("an error JSON of the wrong shape -> malformed-error-response", async () => {
    api.failNext("device-info", { type: "status", status: 400, json: { message: "no" } });
    api.failNext("device-info", { type: "status", status: 400, json: { error: "x", code: 5 } });
    expect((await apiFailure(client().fetchDeviceInfo())).reason).toBe("malformed-error-response");
    expect((await apiFailure(client().fetchDeviceInfo())).reason).toBe("malformed-error-response");
  });

  it("decodes a malformed body as UTF-8 with U+FFFD replacement", async () => {
    api.failNext("device-info", {
      type: "status",
      status: 500,
      body: new Uint8Array([0x6f, 0x6b, 0xff, 0x21]),
    });
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.reason).toBe("malformed-error-response");
    expect(error.body).toBe("ok\uFFFD!");
  });

  it.each([
    ["with Content-Length", false],
    ["chunked", true],
  ])("an error body over 16 KiB (%s) -> error-response-too-large", async (_label, chunked) => {
    api.failNext("device-info", { type: "oversized-error", status: 500, chunked });
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.reason).toBe("error-response-too-large");
    expect(error.status).toBe(500);
    expect(error.body).toBeUndefined();
  });

  it("the 16 KiB limit is inclusive: 16384 bytes parse, 16385 do not", async () => {
    api.failNext("device-info", {
      type: "oversized-error",
      status: 500,
      bytes: 16_384,
      chunked: true,
    });
    api.failNext("device-info", {
      type: "oversized-error",
      status: 500,
      bytes: 16_385,
      chunked: true,
    });
    expect((await apiFailure(client().fetchDeviceInfo())).reason).toBe("error-response");
    expect((await apiFailure(client().fetchDeviceInfo())).reason).toBe("error-response-too-large");
  });

  it("malformed JSON on success -> parse-response", async () => {
    api.failNext("device-info", { type: "malformed-json" });
    api.failNext("remote-sessions", { type: "malformed-json" });
    expect((await apiFailure(client().fetchDeviceInfo())).reason).toBe("parse-response");
    const error = await apiFailure(client().authorizeRemoteVisualization(DEV_DEVICE_ID));
    expect(error.reason).toBe("parse-response");
    expect(error.status).toBeUndefined();
  });

  it.each([
    [{ id: "d", name: 5, projectId: "p" }, 'field "name" is not a string'],
    [{ id: "d", name: "n" }, 'field "projectId" is not a string'],
    [
      { id: "d", name: "n", projectId: "p", retainRecordingsSeconds: -1 },
      "retainRecordingsSeconds",
    ],
    [
      { id: "d", name: "n", projectId: "p", retainRecordingsSeconds: 1.5 },
      "retainRecordingsSeconds",
    ],
    [[1, 2], "not a JSON object"],
    [null, "not a JSON object"],
  ])("device info of the wrong shape %j -> parse-response", async (json, detail) => {
    api.failNext("device-info", { type: "status", status: 200, json });
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.reason).toBe("parse-response");
    expect(error.message).toContain(detail);
  });

  it("credentials missing url -> parse-response", async () => {
    api.failNext("remote-sessions", { type: "status", status: 200, json: { token: "t" } });
    const error = await apiFailure(client().authorizeRemoteVisualization(DEV_DEVICE_ID));
    expect(error.reason).toBe("parse-response");
    expect(error.message).toContain('field "url"');
  });

  it("an empty 200 body -> parse-response", async () => {
    api.failNext("device-info", { type: "status", status: 200, body: "" });
    expect((await apiFailure(client().fetchDeviceInfo())).reason).toBe("parse-response");
  });

  it("connection dropped mid-body -> load-body", async () => {
    api.failNext("device-info", { type: "truncated-body" });
    const error = await apiFailure(client().fetchDeviceInfo());
    expect(error.reason).toBe("load-body");
    expect(error.timedOut).toBe(false);
    expect(error.clearsCredentials).toBe(true);
  });

  it("connection refused -> send error with the system code", async () => {
    const port = api.port;
    await api.close();
    const c = createApiClient({ baseUrl: `http://127.0.0.1:${port}`, deviceToken: "t", env: {} });
    const error = await apiFailure(c.fetchDeviceInfo());
    expect(error.reason).toBe("send");
    expect(error.networkCode).toBe("ECONNREFUSED");
    expect(error.timedOut).toBe(false);
    expect(error.status).toBeUndefined();
    expect(error.isAuthFailure).toBe(false);
    expect(error.clearsCredentials).toBe(true);
  });

  it("an unusable base URL -> send error", async () => {
    const c = createApiClient({ baseUrl: "not a url", deviceToken: "t", env: {} });
    const error = await apiFailure(c.fetchDeviceInfo());
    expect(error.reason).toBe("send");
  });

  it("isFoxgloveApiError narrows", async () => {
    const error: unknown = await apiFailure(client("fox_wrong").fetchDeviceInfo());
    expect(isFoxgloveApiError(error)).toBe(true);
    expect(isFoxgloveApiError(new Error("x"))).toBe(false);
  });
});
