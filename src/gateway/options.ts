import type { InspectionEvent, Observer } from "xstate";
import {
  DEFAULT_RETRY_POLICY,
  FIXED_RETRY_POLICY,
  type RetryPolicy,
} from "../../machines/retry-policy.js";
import { resolveApiTimeoutMs, resolveApiUrl, resolveDeviceToken } from "../api/index.js";
import type { ChannelDescriptor } from "../context/channel-descriptor.js";
import { type Context, defaultContext } from "../context/index.js";
import type { GatewayListener } from "../session/listener.js";
import { GatewayConfigError } from "./config-error.js";

/** Gateway capabilities (spec 5.7). */
export type GatewayCapability = "clientPublish";

/** Options of `startGateway()` (spec 2.1, plus what a TypeScript embedder needs). */
export interface GatewayOptions {
  /** `serverInfo.name`. Default: the device name from the Foxglove API. */
  name?: string;
  /** The device token. Default: `FOXGLOVE_DEVICE_TOKEN`. Required. */
  deviceToken?: string;
  /** Foxglove API base URL. Default: `FOXGLOVE_API_URL`, then `https://api.foxglove.dev`. */
  apiUrl?: string;
  /** Total timeout per API request, in ms. Default: `FOXGLOVE_API_TIMEOUT` (seconds), then 30 s. */
  apiTimeoutMs?: number;
  capabilities?: GatewayCapability[];
  /** `serverInfo.supportedEncodings`, in order, duplicates dropped. */
  supportedEncodings?: string[];
  /** `serverInfo.sessionId`. Default: ms since the epoch when the gateway is created. */
  sessionId?: string;
  /** Copied into `serverInfo.metadata` (`fg-library` is always set by the gateway). */
  serverInfoMetadata?: Record<string, string>;
  /** Where channels come from. Default: the process-wide default context. */
  context?: Context;
  /** Channels for which this returns false are never advertised (nor subscribable). */
  channelFilter?: (channel: ChannelDescriptor) => boolean;
  /** Capacity of the data queue: beyond it the oldest messages are dropped. Default: 1024. */
  messageBacklogSize?: number;
  /** Callbacks for what viewers do (subscriptions, client publish). */
  listener?: GatewayListener;
  /** A write to a viewer that takes longer than this fails, in ms. Default: 10 s. */
  writeTimeoutMs?: number;
  /** `"exponential"` (default: full jitter, 500 ms to 30 s), `"fixed"` (upstream's 30 s grid), or your own. */
  retryPolicy?: "exponential" | "fixed" | RetryPolicy;
  /** Per signalling attempt when joining LiveKit, in ms. Default: rtc-node's (5 s). */
  connectTimeoutMs?: number;
  /** Any XState inspector, e.g. `createBrowserInspector().inspect` from `@statelyai/inspect`. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Where the gateway logs (one info line per state change). `false`: nowhere. Default: consola. */
  logger?: GatewayLogger | false;
  /** Environment read for the defaults. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Where the gateway logs: consola (the default), `console`, pino and most loggers fit. */
export interface GatewayLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  name?: string;
  deviceToken: string;
  apiUrl: string;
  apiTimeoutMs: number;
  capabilities: GatewayCapability[];
  supportedEncodings: string[];
  sessionId: string;
  serverInfoMetadata: Record<string, string>;
  context: Context;
  channelFilter?: (channel: ChannelDescriptor) => boolean;
  messageBacklogSize: number;
  listener?: GatewayListener;
  writeTimeoutMs: number;
  retryPolicy: RetryPolicy;
  connectTimeoutMs?: number;
}

/**
 * Applies defaults (option, then environment, then built-in) and rejects what cannot work, with a
 * message that names the fix.
 *
 * @throws GatewayConfigError
 */
export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  const env = options.env ?? process.env;
  const deviceToken = resolveDeviceToken(options.deviceToken, env);
  if (!deviceToken) {
    throw new GatewayConfigError(
      "No device token provided. Set the FOXGLOVE_DEVICE_TOKEN environment variable or pass the deviceToken option.",
    );
  }
  const apiUrl = resolveApiUrl(options.apiUrl, env);
  if (!URL.canParse(apiUrl)) {
    throw new GatewayConfigError(`apiUrl (or FOXGLOVE_API_URL) is not a URL: "${apiUrl}".`);
  }
  if (options.apiTimeoutMs !== undefined && !(options.apiTimeoutMs > 0)) {
    throw new GatewayConfigError("apiTimeoutMs must be a positive number of milliseconds.");
  }
  for (const capability of options.capabilities ?? []) {
    if (capability !== "clientPublish") {
      throw new GatewayConfigError(
        `Unknown capability "${capability}". Known capabilities: clientPublish.`,
      );
    }
  }
  for (const key of ["connectTimeoutMs", "writeTimeoutMs"] as const) {
    const value = options[key];
    if (value !== undefined && !(value > 0)) {
      throw new GatewayConfigError(`${key} must be a positive number of milliseconds.`);
    }
  }
  const backlog = options.messageBacklogSize;
  if (backlog !== undefined && !(Number.isSafeInteger(backlog) && backlog > 0)) {
    throw new GatewayConfigError("messageBacklogSize must be a positive whole number of messages.");
  }
  return {
    name: options.name,
    deviceToken,
    apiUrl,
    apiTimeoutMs: resolveApiTimeoutMs(options.apiTimeoutMs, env),
    capabilities: options.capabilities ?? [],
    supportedEncodings: [...new Set(options.supportedEncodings ?? [])],
    sessionId: options.sessionId ?? String(Date.now()),
    serverInfoMetadata: { ...options.serverInfoMetadata },
    context: options.context ?? defaultContext(),
    channelFilter: options.channelFilter,
    messageBacklogSize: backlog ?? 1024,
    listener: options.listener,
    writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
    retryPolicy: resolveRetryPolicy(options.retryPolicy),
    connectTimeoutMs: options.connectTimeoutMs,
  };
}

function resolveRetryPolicy(policy: GatewayOptions["retryPolicy"]): RetryPolicy {
  if (policy === undefined || policy === "exponential") return DEFAULT_RETRY_POLICY;
  if (policy === "fixed") return FIXED_RETRY_POLICY;
  if (policy === null || typeof policy !== "object") {
    throw new GatewayConfigError(`retryPolicy must be "exponential", "fixed" or a policy object.`);
  }
  const numbers =
    policy.kind === "fixed"
      ? [policy.periodMs, policy.minUptimeMs]
      : [policy.initialMs, policy.maxMs, policy.minUptimeMs];
  if (!["fixed", "exponential"].includes(policy.kind) || numbers.some((n) => !(n >= 0))) {
    throw new GatewayConfigError(
      'retryPolicy: kind must be "exponential" or "fixed" and every duration a non-negative number of ms.',
    );
  }
  return policy;
}
