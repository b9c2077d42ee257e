import { describe, expect, it } from "vitest";
import { checkProtocolVersion } from "../../../src/session/v22/protocol-version.js";

describe("protocol-version negotiation (spec 11.3)", () => {
  it.each([undefined, "2.2.0", "2.2.1", "2.3.0", "2.10.0", "2.2.0+build.5"])(
    "serves a viewer that says %s",
    (version) => {
      expect(checkProtocolVersion(version)).toEqual({ ok: true });
    },
  );

  it.each(["2.1.9", "2.2.0-beta.1", "1.9.0", "3.0.0", "2.2", "v2.2.0", "", "02.2.0", "banana"])(
    "turns away a viewer that says %j, with the exact status text",
    (version) => {
      expect(checkProtocolVersion(version)).toEqual({
        ok: false,
        message: `Remote access protocol version ${version} is not compatible with this device (supported: 2.2.0)`,
      });
    },
  );
});
