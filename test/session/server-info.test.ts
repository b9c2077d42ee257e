import { describe, expect, it } from "vitest";
import {
  encodeServerJson,
  encodeServerJsonFrame,
  encodeTextFrame,
} from "../../src/protocol/index.js";
import {
  buildServerInfo,
  FG_LIBRARY,
  FG_LIBRARY_KEY,
  protocolCapabilities,
} from "../../src/session/server-info.js";
import { SDK_LANGUAGE, SDK_VERSION } from "../../src/version.js";
import { hex, toHex } from "../protocol/helpers.js";

// Spec 10.4, as built by the Rust SDK 0.20.0.
const RUST_VECTOR = hex(`
  0000: 01 aa 00 00 00 7b 22 6f 70 22 3a 22 73 65 72 76
  0010: 65 72 49 6e 66 6f 22 2c 22 6e 61 6d 65 22 3a 22
  0020: 74 65 73 74 2d 64 65 76 69 63 65 22 2c 22 63 61
  0030: 70 61 62 69 6c 69 74 69 65 73 22 3a 5b 5d 2c 22
  0040: 73 75 70 70 6f 72 74 65 64 45 6e 63 6f 64 69 6e
  0050: 67 73 22 3a 5b 22 6a 73 6f 6e 22 5d 2c 22 6d 65
  0060: 74 61 64 61 74 61 22 3a 7b 22 66 67 2d 6c 69 62
  0070: 72 61 72 79 22 3a 22 66 6f 78 67 6c 6f 76 65 2d
  0080: 73 64 6b 2d 72 75 73 74 2f 76 30 2e 32 30 2e 30
  0090: 22 7d 2c 22 73 65 73 73 69 6f 6e 49 64 22 3a 22
  00a0: 31 37 30 30 30 30 30 30 30 30 30 30 30 22 7d`);

describe("FG_LIBRARY", () => {
  it("is foxglove-sdk-<language>/v<version>", () => {
    expect(FG_LIBRARY).toBe(`foxglove-sdk-${SDK_LANGUAGE}/v${SDK_VERSION}`);
    expect(FG_LIBRARY).toBe("foxglove-sdk-typescript/v0.1.0");
    expect(FG_LIBRARY_KEY).toBe("fg-library");
  });
});

describe("buildServerInfo (spec 5.7)", () => {
  it("matches vector 10.4 with the TypeScript library id in place of Rust's", () => {
    expect(RUST_VECTOR.length).toBe(175);
    const rustJson = new TextDecoder().decode(RUST_VECTOR.subarray(5));
    expect(rustJson).toContain('"fg-library":"foxglove-sdk-rust/v0.20.0"');
    // Same bytes except the library string (the header's length follows).
    const expected = encodeTextFrame(
      rustJson.replace("foxglove-sdk-rust/v0.20.0", "foxglove-sdk-typescript/v0.1.0"),
    );
    const frame = encodeServerJsonFrame(
      buildServerInfo({
        name: "test-device",
        capabilities: [],
        supportedEncodings: ["json"],
        sessionId: "1700000000000",
      }),
    );
    expect(toHex(frame)).toBe(toHex(expected));
    expect(frame.length).toBe(175 - "rust/v0.20.0".length + "typescript/v0.1.0".length);
  });

  it("takes the configured name, else the device name, else the empty string", () => {
    const base = { sessionId: "s" };
    expect(buildServerInfo({ ...base, name: "cfg", deviceName: "dev" }).name).toBe("cfg");
    expect(buildServerInfo({ ...base, name: "", deviceName: "dev" }).name).toBe("");
    expect(buildServerInfo({ ...base, deviceName: "dev" }).name).toBe("dev");
    expect(buildServerInfo(base).name).toBe("");
  });

  it("maps capabilities in order, keeping duplicates; always present", () => {
    expect(protocolCapabilities(["clientPublish", "clientPublish"])).toEqual([
      "clientPublish",
      "clientPublish",
    ]);
    const info = buildServerInfo({ sessionId: "s", capabilities: ["clientPublish"] });
    expect(info.capabilities).toEqual(["clientPublish"]);
    expect(encodeServerJson(buildServerInfo({ sessionId: "s" }))).toBe(
      '{"op":"serverInfo","name":"","capabilities":[],"metadata":{"fg-library":"foxglove-sdk-typescript/v0.1.0"},"sessionId":"s"}',
    );
  });

  it("omits supportedEncodings when empty, keeps the configured order otherwise", () => {
    expect(
      "supportedEncodings" in buildServerInfo({ sessionId: "s", supportedEncodings: [] }),
    ).toBe(false);
    const configured = ["protobuf", "json"];
    const info = buildServerInfo({ sessionId: "s", supportedEncodings: configured });
    expect(info.supportedEncodings).toEqual(["protobuf", "json"]);
    expect(info.supportedEncodings).not.toBe(configured);
  });

  it("copies the metadata and sets fg-library over any user value", () => {
    const configured = { site: "lab", "fg-library": "spoofed" };
    const info = buildServerInfo({ sessionId: "s", metadata: configured });
    expect(info.metadata).toEqual({ site: "lab", "fg-library": FG_LIBRARY });
    expect(configured).toEqual({ site: "lab", "fg-library": "spoofed" });
    expect(info.metadata).not.toBe(configured);
  });

  it("keeps an own __proto__ key as plain data", () => {
    const configured = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    const info = buildServerInfo({ sessionId: "s", metadata: configured });
    expect(Object.keys(info.metadata ?? {}).sort()).toEqual(["__proto__", "fg-library"]);
    expect(encodeServerJson(info)).toContain('"__proto__":"x"');
  });

  it("always sends the session id and never the data time range", () => {
    const info = buildServerInfo({ sessionId: "1700000000000" });
    expect(info.sessionId).toBe("1700000000000");
    expect(info).not.toHaveProperty("dataStartTime");
    expect(info).not.toHaveProperty("dataEndTime");
  });
});
