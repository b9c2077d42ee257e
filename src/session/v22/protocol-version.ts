/**
 * Protocol-version negotiation (spec 11.3): viewers say which remote-access protocol they speak in
 * their `protocolVersion` participant attribute; the gateway serves those it is compatible with.
 */

/** The remote-access protocol this profile speaks. */
export const PROTOCOL_VERSION = "2.2.0";

/** The participant attribute that carries a viewer's protocol version. */
export const PROTOCOL_VERSION_ATTRIBUTE = "protocolVersion";

const MINIMUM = { major: 2, minor: 2, patch: 0 };

// Semantic versioning 2.0.0: a pre-release sorts before its release, build metadata is ignored.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Whether a viewer may be served, and if not, the error status text it is sent. */
export type VersionCheck = { ok: true } | { ok: false; message: string };

/**
 * Checks a viewer's `protocolVersion`: missing means 2.2.0; accepted when it parses as semver,
 * has major 2 and is at least 2.2.0.
 *
 * @example
 * checkProtocolVersion("2.3.1"); // { ok: true }
 * checkProtocolVersion("3.0.0"); // { ok: false, message: "Remote access protocol version 3.0.0 is not compatible ..." }
 */
export function checkProtocolVersion(version: string | undefined): VersionCheck {
  if (version === undefined) return { ok: true };
  const match = SEMVER.exec(version);
  if (match && isCompatible(match)) return { ok: true };
  return {
    ok: false,
    message: `Remote access protocol version ${version} is not compatible with this device (supported: ${PROTOCOL_VERSION})`,
  };
}

function isCompatible(match: RegExpExecArray): boolean {
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number) as [
    number,
    number,
    number,
  ];
  const preRelease = match[4] !== undefined;
  if (major !== MINIMUM.major) return false;
  if (minor !== MINIMUM.minor) return minor > MINIMUM.minor;
  if (patch !== MINIMUM.patch) return patch > MINIMUM.patch;
  return !preRelease;
}
