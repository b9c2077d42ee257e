import type { InspectionEvent, Observer } from "xstate";
import type { ConnectionMode } from "../../machines/gateway.machine.js";
import {
  DEFAULT_RETRY_POLICY,
  FIXED_RETRY_POLICY,
  type RetryPolicy,
} from "../../machines/retry-policy.js";
import { resolveApiTimeoutMs, resolveApiUrl, resolveDeviceToken } from "../api/index.js";
import type { ChannelDescriptor } from "../context/channel-descriptor.js";
import { type Context, defaultContext } from "../context/index.js";
import {
  DEFAULT_DATA_TRACK_MESSAGE_LIMIT,
  MIN_DATA_TRACK_MESSAGE_LIMIT,
} from "../protocol/index.js";
import type { GatewayListener } from "../session/listener.js";
import type { ServerCapability } from "../session/server-info.js";
import type { AssetHandler } from "../session/v22/assets.js";
import type { ParameterHandler } from "../session/v22/parameters.js";
import type { Service } from "../session/v22/services.js";
import type { Reliability } from "../session/v22/session.js";
import { GatewayConfigError } from "./config-error.js";

/**
 * Gateway capabilities (spec 5.7, 11.5-11.9). Only `clientPublish` exists with protocol 0.20.
 * `services`, `parameters` and `assets` are added for you when you pass services or handlers.
 */
export type GatewayCapability = ServerCapability;

/**
 * The wire protocol spoken to viewers: `"2.2"` (today's Foxglove app: `control` topic, data tracks,
 * services, parameters, ...) or `"0.20"` (upstream SDK 0.20.0's, byte for byte).
 */
export type ProtocolProfile = "2.2" | "0.20";

const PROFILES: readonly ProtocolProfile[] = ["2.2", "0.20"];
const CAPABILITIES: Readonly<Record<ProtocolProfile, readonly GatewayCapability[]>> = {
  "2.2": ["clientPublish", "services", "parameters", "connectionGraph", "assets"],
  "0.20": ["clientPublish"],
};

/** Options of `startGateway()` (spec 2.1, plus what a TypeScript embedder needs). */
export interface GatewayOptions {
  /** The protocol spoken to viewers. Default: `"2.2"`, what today's Foxglove app speaks. */
  protocol?: ProtocolProfile;
  /**
   * How the gateway reaches LiveKit. `"on-demand"` (the default with protocol 2.2): dormant on the
   * platform's watch stream, in the room only while a viewer wants it. `"always"` (the only mode of
   * protocol 0.20): credentials from the API, and in the room all the time.
   */
  connection?: ConnectionMode;
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
  /**
   * Protocol 0.20: capacity of the data queue. Protocol 2.2: capacity of each viewer's control
   * queue and of its Reliable data queue. Beyond it the oldest messages are dropped. Default: 1024.
   */
  messageBacklogSize?: number;
  /** Callbacks for what viewers do (subscriptions, client publish, parameter and graph subscriptions). */
  listener?: GatewayListener;
  /**
   * Protocol 2.2: how each channel travels. `"lossy"` (the default): a LiveKit data track, newest
   * data first, messages over `maxDataTrackMessageSize` dropped. `"reliable"`: every message, in
   * order, on each subscriber's control stream (for low-rate channels that must not lose anything).
   */
  qosClassifier?: (channel: ChannelDescriptor) => Reliability;
  /** Protocol 2.2: larger Lossy messages are dropped (viewers get a warning). Default: 102 400 bytes; minimum 1 200. */
  maxDataTrackMessageSize?: number;
  /** Protocol 2.2: services viewers can call; more can be added with `gateway.addServices()`. */
  services?: Service[];
  /** Protocol 2.2: answers viewers' parameter requests (adds the `parameters` capability). */
  parameterHandler?: ParameterHandler;
  /** Protocol 2.2: serves assets viewers fetch by URI (adds the `assets` capability). */
  assetHandler?: AssetHandler;
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
  protocol: ProtocolProfile;
  connection: ConnectionMode;
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
  qosClassifier?: (channel: ChannelDescriptor) => Reliability;
  maxDataTrackMessageSize: number;
  services: Service[];
  parameterHandler?: ParameterHandler;
  assetHandler?: AssetHandler;
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
  const protocol = options.protocol ?? "2.2";
  if (!PROFILES.includes(protocol)) {
    throw new GatewayConfigError(`protocol must be "2.2" or "0.20", not "${String(protocol)}".`);
  }
  const capabilities = resolveCapabilities(options, protocol);
  const connection = options.connection ?? (protocol === "2.2" ? "on-demand" : "always");
  if (connection !== "on-demand" && connection !== "always") {
    throw new GatewayConfigError(
      `connection must be "on-demand" or "always", not "${String(connection)}".`,
    );
  }
  if (protocol === "0.20" && connection === "on-demand") {
    throw new GatewayConfigError(
      'connection: "on-demand" needs protocol 2.2: drop protocol: "0.20", or use connection: "always".',
    );
  }
  const limit = options.maxDataTrackMessageSize;
  if (
    limit !== undefined &&
    !(Number.isSafeInteger(limit) && limit >= MIN_DATA_TRACK_MESSAGE_LIMIT)
  ) {
    throw new GatewayConfigError(
      `maxDataTrackMessageSize must be a whole number of bytes, at least ${MIN_DATA_TRACK_MESSAGE_LIMIT}.`,
    );
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
    protocol,
    connection,
    name: options.name,
    deviceToken,
    apiUrl,
    apiTimeoutMs: resolveApiTimeoutMs(options.apiTimeoutMs, env),
    capabilities,
    supportedEncodings: [...new Set(options.supportedEncodings ?? [])],
    sessionId: options.sessionId ?? String(Date.now()),
    serverInfoMetadata: { ...options.serverInfoMetadata },
    context: options.context ?? defaultContext(),
    channelFilter: options.channelFilter,
    messageBacklogSize: backlog ?? 1024,
    listener: options.listener,
    qosClassifier: options.qosClassifier,
    maxDataTrackMessageSize: limit ?? DEFAULT_DATA_TRACK_MESSAGE_LIMIT,
    services: [...(options.services ?? [])],
    parameterHandler: options.parameterHandler,
    assetHandler: options.assetHandler,
    writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
    retryPolicy: resolveRetryPolicy(options.retryPolicy),
    connectTimeoutMs: options.connectTimeoutMs,
  };
}

/**
 * The capabilities asked for, plus those implied by services and handlers (as upstream), checked
 * against the profile: 0.20 has client publish only.
 */
function resolveCapabilities(
  options: GatewayOptions,
  protocol: ProtocolProfile,
): GatewayCapability[] {
  const known = CAPABILITIES[protocol];
  const asked = options.capabilities ?? [];
  for (const capability of asked) {
    if (!known.includes(capability)) {
      throw new GatewayConfigError(
        `Unknown capability "${capability}" for protocol ${protocol}. Known capabilities: ${known.join(", ")}.`,
      );
    }
  }
  const v22Only = (
    [
      "services",
      "parameterHandler",
      "assetHandler",
      "qosClassifier",
      "maxDataTrackMessageSize",
    ] as const
  ).filter((key) => options[key] !== undefined);
  if (protocol === "0.20" && v22Only.length > 0) {
    throw new GatewayConfigError(
      `${v22Only.join(", ")} need protocol 2.2: remove them or drop protocol: "0.20".`,
    );
  }
  if (asked.includes("assets") && !options.assetHandler) {
    throw new GatewayConfigError('The "assets" capability needs an assetHandler to serve them.');
  }
  const implied: GatewayCapability[] = [
    ...(options.services?.length ? (["services"] as const) : []),
    ...(options.parameterHandler ? (["parameters"] as const) : []),
    ...(options.assetHandler ? (["assets"] as const) : []),
  ];
  return [...new Set([...asked, ...implied])];
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
