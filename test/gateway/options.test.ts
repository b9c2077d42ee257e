import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, FIXED_RETRY_POLICY } from "../../machines/retry-policy.js";
import { GatewayConfigError, startGateway } from "../../src/gateway/index.js";
import { resolveOptions } from "../../src/gateway/options.js";

const env = { FOXGLOVE_DEVICE_TOKEN: "from-env" };

describe("gateway options", () => {
  it("a missing token fails at start, naming the environment variable and the option", () => {
    expect(() => startGateway({ env: {}, logger: false })).toThrow(GatewayConfigError);
    expect(() => startGateway({ env: {}, logger: false })).toThrow(
      "No device token provided. Set the FOXGLOVE_DEVICE_TOKEN environment variable or pass the deviceToken option.",
    );
  });

  it("takes each setting from the option, then the environment, then the default", () => {
    const fromEnv = resolveOptions({
      env: { ...env, FOXGLOVE_API_URL: "http://api.local", FOXGLOVE_API_TIMEOUT: "7" },
    });
    expect(fromEnv).toMatchObject({
      deviceToken: "from-env",
      apiUrl: "http://api.local",
      apiTimeoutMs: 7_000,
    });
    const fromOptions = resolveOptions({
      deviceToken: "from-option",
      apiUrl: "http://other",
      apiTimeoutMs: 1_500,
      env: { ...env, FOXGLOVE_API_URL: "http://api.local", FOXGLOVE_API_TIMEOUT: "7" },
    });
    expect(fromOptions).toMatchObject({
      deviceToken: "from-option",
      apiUrl: "http://other",
      apiTimeoutMs: 1_500,
    });
    expect(resolveOptions({ env })).toMatchObject({
      apiUrl: "https://api.foxglove.dev",
      apiTimeoutMs: 30_000,
    });
  });

  it("ignores a FOXGLOVE_API_TIMEOUT that is not a whole number of seconds", () => {
    expect(resolveOptions({ env: { ...env, FOXGLOVE_API_TIMEOUT: "1.5" } }).apiTimeoutMs).toBe(
      30_000,
    );
  });

  it("defaults the session id to the start time and keeps encodings in order without duplicates", () => {
    const before = Date.now();
    const resolved = resolveOptions({ env, supportedEncodings: ["json", "protobuf", "json"] });
    expect(Number(resolved.sessionId)).toBeGreaterThanOrEqual(before);
    expect(Number(resolved.sessionId)).toBeLessThanOrEqual(Date.now());
    expect(resolved.supportedEncodings).toEqual(["json", "protobuf"]);
  });

  it("speaks protocol 2.2 by default, and adds the capabilities that services and handlers imply", () => {
    expect(resolveOptions({ env })).toMatchObject({
      protocol: "2.2",
      capabilities: [],
      maxDataTrackMessageSize: 102_400,
    });
    const service = { name: "/s", type: "S", handler: () => new Uint8Array() };
    const resolved = resolveOptions({
      env,
      capabilities: ["connectionGraph", "services"],
      services: [service],
      parameterHandler: { getParameters: () => [] },
      assetHandler: () => new Uint8Array(),
    });
    expect(resolved.capabilities).toEqual(["connectionGraph", "services", "parameters", "assets"]);
    expect(resolveOptions({ env, protocol: "0.20" }).protocol).toBe("0.20");
  });

  it("refuses the protocol 2.2 methods of a 0.20 gateway, naming the protocol", async () => {
    const gateway = startGateway({
      env,
      protocol: "0.20",
      logger: false,
      apiUrl: "http://127.0.0.1:9",
    });
    expect(() => gateway.publishStatus({ level: 0, message: "hi" })).toThrow(
      "publishStatus() needs protocol 2.2 (this gateway speaks 0.20).",
    );
    expect(() => gateway.addServices([])).toThrow(GatewayConfigError);
    await gateway.stop();
  });

  it("names the retry policies", () => {
    expect(resolveOptions({ env }).retryPolicy).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveOptions({ env, retryPolicy: "fixed" }).retryPolicy).toEqual(FIXED_RETRY_POLICY);
  });

  it.each([
    [{ apiUrl: "not a url" }, 'apiUrl (or FOXGLOVE_API_URL) is not a URL: "not a url"'],
    [{ apiTimeoutMs: 0 }, "apiTimeoutMs must be a positive number"],
    [{ connectTimeoutMs: -1 }, "connectTimeoutMs must be a positive number"],
    [
      { capabilities: ["time"] },
      'Unknown capability "time" for protocol 2.2. Known capabilities: clientPublish, services, parameters, connectionGraph, assets.',
    ],
    [
      { protocol: "0.20", capabilities: ["services"] },
      'Unknown capability "services" for protocol 0.20. Known capabilities: clientPublish.',
    ],
    [
      { protocol: "0.20", qosClassifier: () => "reliable", assetHandler: () => new Uint8Array() },
      'assetHandler, qosClassifier need protocol 2.2: remove them or drop protocol: "0.20".',
    ],
    [{ protocol: "1.0" }, 'protocol must be "2.2" or "0.20", not "1.0".'],
    [{ capabilities: ["assets"] }, 'The "assets" capability needs an assetHandler to serve them.'],
    [
      { maxDataTrackMessageSize: 1_199 },
      "maxDataTrackMessageSize must be a whole number of bytes, at least 1200.",
    ],
    [{ retryPolicy: "sometimes" }, 'retryPolicy must be "exponential", "fixed" or a policy object'],
    [
      { retryPolicy: { kind: "exponential", initialMs: -1, maxMs: 1, minUptimeMs: 0 } },
      "every duration a non-negative",
    ],
  ])("rejects %j with a message that names the fix", (options, message) => {
    expect(() => resolveOptions({ env, ...(options as object) })).toThrow(message);
  });
});
