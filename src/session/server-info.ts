/**
 * Builds the `serverInfo` message every participant receives first (spec 5.7).
 */

import type { ServerInfo } from "../protocol/index.js";
import { SDK_LANGUAGE, SDK_VERSION } from "../version.js";

/** The `serverInfo.metadata` key that identifies the library. */
export const FG_LIBRARY_KEY = "fg-library";

/** `foxglove-sdk-<language>/v<version>` (spec 5.7, 14 item 6): `foxglove-sdk-typescript/v0.1.0`. */
export const FG_LIBRARY = `foxglove-sdk-${SDK_LANGUAGE}/v${SDK_VERSION}`;

/** Protocol 2.2 drops the `v` (spec 11.16): `foxglove-sdk-typescript/0.1.0`. */
export const FG_LIBRARY_V22 = `foxglove-sdk-${SDK_LANGUAGE}/${SDK_VERSION}`;

/** A gateway capability as configured (spec 5.7; only `clientPublish` exists in v0.20.0). */
export type ServerCapability =
  | "clientPublish"
  | "services"
  | "parameters"
  | "connectionGraph"
  | "assets";

// Each gateway capability expands to these protocol capabilities (5.7, 11.5-11.9).
const PROTOCOL_CAPABILITIES: Readonly<Record<ServerCapability, readonly string[]>> = {
  clientPublish: ["clientPublish"],
  services: ["services"],
  parameters: ["parameters", "parametersSubscribe"],
  connectionGraph: ["connectionGraph"],
  assets: ["assets"],
};

/** What `serverInfo` is built from. */
export interface ServerInfoInput {
  /** The configured server name; wins over the device name, even when `""`. */
  readonly name?: string;
  /** The device name from the Foxglove API, used when no name is configured. */
  readonly deviceName?: string;
  /** Configured gateway capabilities, in order (duplicates are kept, like the reference). */
  readonly capabilities?: readonly ServerCapability[];
  /** Configured supported encodings; omitted from the message when empty. */
  readonly supportedEncodings?: readonly string[];
  /** Configured server-info metadata; copied, then `fg-library` is set over it. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The session id (spec 2.1); always sent. */
  readonly sessionId: string;
  /** The `fg-library` value. Default: {@link FG_LIBRARY}. */
  readonly library?: string;
}

/** Concatenates the protocol capabilities of each gateway capability, in order, duplicates kept. */
export function protocolCapabilities(capabilities: readonly ServerCapability[]): string[] {
  return capabilities.flatMap((capability) => PROTOCOL_CAPABILITIES[capability] ?? []);
}

/**
 * The `serverInfo` message (spec 5.7). `dataStartTime`/`dataEndTime` are never set. Encode it with
 * `encodeServerJsonFrame`.
 */
export function buildServerInfo(input: ServerInfoInput): ServerInfo {
  // Own entries only (as data, even `__proto__`); `fg-library` comes last, so it wins.
  const metadata: Record<string, string> = Object.fromEntries([
    ...Object.entries(input.metadata ?? {}),
    [FG_LIBRARY_KEY, input.library ?? FG_LIBRARY],
  ]);
  const supportedEncodings = input.supportedEncodings ?? [];
  return {
    op: "serverInfo",
    name: input.name ?? input.deviceName ?? "",
    capabilities: protocolCapabilities(input.capabilities ?? []),
    ...(supportedEncodings.length > 0 ? { supportedEncodings: [...supportedEncodings] } : {}),
    metadata,
    sessionId: input.sessionId,
  };
}
