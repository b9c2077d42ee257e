import { describe, expect, it } from "vitest";
import {
  DEFAULT_API_TIMEOUT_MS,
  DEFAULT_API_URL,
  resolveApiTimeoutMs,
  resolveApiUrl,
  resolveDeviceToken,
  USER_AGENT,
} from "../../src/api/index.js";

describe("resolveApiUrl", () => {
  it("prefers the option, then FOXGLOVE_API_URL, then the default", () => {
    const env = { FOXGLOVE_API_URL: "http://env.example" };
    expect(resolveApiUrl("http://option.example", env)).toBe("http://option.example");
    expect(resolveApiUrl(undefined, env)).toBe("http://env.example");
    expect(resolveApiUrl(undefined, {})).toBe(DEFAULT_API_URL);
    expect(DEFAULT_API_URL).toBe("https://api.foxglove.dev");
  });
});

describe("resolveApiTimeoutMs", () => {
  it("prefers the option over the env", () => {
    expect(resolveApiTimeoutMs(1500, { FOXGLOVE_API_TIMEOUT: "7" })).toBe(1500);
  });

  it("reads FOXGLOVE_API_TIMEOUT as integer seconds", () => {
    expect(resolveApiTimeoutMs(undefined, { FOXGLOVE_API_TIMEOUT: "7" })).toBe(7000);
    expect(resolveApiTimeoutMs(undefined, { FOXGLOVE_API_TIMEOUT: "0" })).toBe(0);
  });

  it.each(["", "abc", "-1", "1.5", " 5", "5 ", "+5", "1e3", "0x10", "99999999999999999999"])(
    "ignores the invalid env value %j",
    (value) => {
      expect(resolveApiTimeoutMs(undefined, { FOXGLOVE_API_TIMEOUT: value })).toBe(
        DEFAULT_API_TIMEOUT_MS,
      );
    },
  );

  it("defaults to 30 s", () => {
    expect(resolveApiTimeoutMs(undefined, {})).toBe(30_000);
  });

  it("rejects a negative or non-finite explicit option", () => {
    expect(() => resolveApiTimeoutMs(-1, {})).toThrow(RangeError);
    expect(() => resolveApiTimeoutMs(Number.NaN, {})).toThrow(RangeError);
  });
});

describe("resolveDeviceToken", () => {
  it("prefers the option, then FOXGLOVE_DEVICE_TOKEN; empty means unset", () => {
    const env = { FOXGLOVE_DEVICE_TOKEN: "from-env" };
    expect(resolveDeviceToken("from-option", env)).toBe("from-option");
    expect(resolveDeviceToken(undefined, env)).toBe("from-env");
    expect(resolveDeviceToken("", env)).toBe("from-env");
    expect(resolveDeviceToken(undefined, {})).toBeUndefined();
    expect(resolveDeviceToken(undefined, { FOXGLOVE_DEVICE_TOKEN: "" })).toBeUndefined();
  });
});

it("User-Agent is foxglove-sdk/typescript (<version>)", () => {
  expect(USER_AGENT).toBe("foxglove-sdk/typescript (0.1.0)");
});
