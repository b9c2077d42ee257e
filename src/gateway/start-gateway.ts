import { consola } from "consola";
import { type Actor, createActor } from "xstate";
import { createApiClient, createCredentialsProvider } from "../api/index.js";
import type { Parameter, Status } from "../protocol/index.js";
import { redact } from "../redact.js";
import type { ConnectionGraph } from "../session/v22/connection-graph.js";
import type { Service } from "../session/v22/services.js";
import { GatewayConfigError } from "./config-error.js";
import { type LiveSession, provideLiveImplementations } from "./live-implementations.js";
import {
  type GatewayLogger,
  type GatewayOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import { SessionHub } from "./session-hub.js";
import { describeStatus, type GatewaySnapshot, type GatewayStatus, statusOf } from "./status.js";

export type GatewayMachineWithIo = ReturnType<typeof provideLiveImplementations>;
export type GatewayActor = Actor<GatewayMachineWithIo>;

/** A running gateway. Dropping the handle does not stop it: call `stop()`. */
export interface Gateway {
  /** The XState actor: subscribe to it, `select` from it, or inspect it. */
  readonly actor: GatewayActor;
  /** The current status. */
  readonly status: GatewayStatus;
  /** Calls `listener` on every status change; returns the function that stops it. */
  onStatus(listener: (status: GatewayStatus) => void): () => void;
  /** Skips the wait of `backoff` and tries again now. */
  retryNow(): void;
  /** Stops the gateway: idempotent, resolves once the room is closed (bounded by 5 s). */
  stop(): Promise<void>;
  /**
   * Settles when the gateway has ended, with how: `"stopped"` after `stop()`, `"refused"` when the
   * platform refused the device token (on demand: retrying cannot help, so the gateway ends), or
   * `"failed"` after an internal failure (logged).
   */
  readonly ended: Promise<"stopped" | "refused" | "failed">;
  /**
   * Protocol 2.2: adds services and advertises them to the viewers present and to come.
   *
   * @throws Error when a name is taken
   */
  addServices(services: readonly Service[]): void;
  /** Protocol 2.2: removes services by name and withdraws them from viewers. */
  removeServices(names: readonly string[]): void;
  /** Protocol 2.2: sends parameter values to the viewers subscribed to them. */
  publishParameterValues(parameters: readonly Parameter[]): void;
  /** Protocol 2.2: replaces the connection graph; subscribers get what changed. Kept across sessions. */
  publishConnectionGraph(graph: ConnectionGraph): void;
  /** Protocol 2.2: shows a status message to every viewer present (not replayed to later ones). */
  publishStatus(status: Omit<Status, "op">): void;
  /** Protocol 2.2: withdraws status messages by id from every viewer present. */
  removeStatus(statusIds: readonly string[]): void;
}

/**
 * Builds the gateway statechart with its real I/O, for apps that run it inside their own machine
 * (invoke it with `input: { retryPolicy }`) or create the actor themselves.
 *
 * @throws GatewayConfigError when an option cannot work
 */
export function createGatewayMachine(options: GatewayOptions = {}): GatewayMachineWithIo {
  const resolved = resolveOptions(options);
  return machineFor(resolved, loggerFor(options, resolved), new SessionHub(resolved.services));
}

function machineFor(
  resolved: ResolvedOptions,
  log: GatewayLogger | undefined,
  hub: SessionHub,
  onSession?: (session: LiveSession) => void,
): GatewayMachineWithIo {
  const client = createApiClient({
    deviceToken: resolved.deviceToken,
    baseUrl: resolved.apiUrl,
    timeoutMs: resolved.apiTimeoutMs,
  });
  const quiet = () => {};
  return provideLiveImplementations({
    provider: createCredentialsProvider(client),
    watchClient: client,
    options: resolved,
    log: log ?? { info: quiet, warn: quiet, error: quiet, debug: quiet },
    hub,
    onSession,
  });
}

/** The logger of the options (consola by default), behind the secret scrubber. */
function loggerFor(options: GatewayOptions, resolved: ResolvedOptions): GatewayLogger | undefined {
  if (options.logger === false) return undefined;
  const target = options.logger ?? consola.withTag("foxglove-gateway");
  const scrub = (text: string) => redact(text, [resolved.deviceToken]);
  return {
    info: (message) => target.info(scrub(message)),
    warn: (message) => target.warn(scrub(message)),
    error: (message) => target.error(scrub(message)),
    debug: (message) => target.debug(scrub(message)),
  };
}

/**
 * Starts a gateway: authenticates with the device token, joins the device's LiveKit room and keeps
 * it joined through faults until `stop()`.
 *
 * @throws GatewayConfigError at once when an option cannot work (e.g. no device token)
 * @example
 * const gateway = startGateway({ deviceToken: process.env.FOXGLOVE_DEVICE_TOKEN });
 * gateway.onStatus((status) => console.log(status.state));
 * process.once("SIGINT", () => gateway.stop());
 */
export function startGateway(options: GatewayOptions = {}): Gateway {
  const resolved = resolveOptions(options);
  const logger = loggerFor(options, resolved);
  // Drops are counted per session; the status reports the gateway's total.
  let earlierDrops = 0;
  let session: LiveSession | undefined;
  const onSession = (next: LiveSession) => {
    earlierDrops += session?.droppedMessages ?? 0;
    session = next;
  };
  const hub = new SessionHub(resolved.services);
  // The protocol 2.2 features, refused clearly with the 0.20 profile.
  const v22 = <A extends unknown[]>(name: string, act: (...args: A) => void) => {
    return (...args: A) => {
      if (resolved.protocol !== "2.2")
        throw new GatewayConfigError(`${name}() needs protocol 2.2 (this gateway speaks 0.20).`);
      act(...args);
    };
  };
  const actor = createActor(machineFor(resolved, logger, hub, onSession), {
    // Names the root in inspection records (`actorId: "gateway"`), as dashboards look for it.
    id: "gateway",
    input: { retryPolicy: resolved.retryPolicy },
    ...(options.inspect && { inspect: options.inspect }),
  });

  let backoffStartedAt: number | undefined;
  let lastHeartbeatAt: number | undefined;
  const profile = { protocol: resolved.protocol, connection: resolved.connection };
  let status = statusOf(actor.getSnapshot(), profile);
  const listeners = new Set<(status: GatewayStatus) => void>();
  const onSnapshot = (snapshot: GatewaySnapshot) => {
    const waiting = snapshot.matches("backoff") || snapshot.matches("resuming");
    if (waiting && status.state !== (snapshot.value as string)) backoffStartedAt = Date.now();
    if (snapshot.context.watch.heartbeats > (status.lease?.heartbeats ?? 0)) {
      lastHeartbeatAt = Date.now();
    }
    const next = statusOf(snapshot, { ...profile, backoffStartedAt, lastHeartbeatAt });
    if (JSON.stringify(next) === JSON.stringify(status)) return;
    // A new state, rtc-node resuming, or (on demand) a lease granted or lost is worth a line.
    const stateChanged =
      next.state !== status.state ||
      next.reconnecting !== status.reconnecting ||
      next.lease?.held !== status.lease?.held;
    status = next;
    if (stateChanged && next.state === "refused") logger?.error(describeStatus(next));
    else if (stateChanged) logger?.info(describeStatus(next));
    for (const listener of listeners) listener(next);
  };
  // An actor error with no subscriber would be rethrown and kill the host process.
  const ended = new Promise<"stopped" | "refused" | "failed">((resolve) => {
    actor.subscribe({
      next: onSnapshot,
      error: (error) => {
        logger?.error(`gateway stopped by an internal failure: ${String(error)}`);
        resolve("failed");
      },
      complete: () => resolve(actor.getSnapshot().matches("refused") ? "refused" : "stopped"),
    });
  });
  const stopped = ended.then(() => {});
  actor.start();
  actor.send({ type: "START" });

  return {
    actor,
    ended,
    get status() {
      return {
        ...status,
        viewers: hub.viewers,
        droppedMessages: earlierDrops + (session?.droppedMessages ?? 0),
      };
    },
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    retryNow() {
      if (actor.getSnapshot().status === "active") actor.send({ type: "RETRY_NOW" });
    },
    stop() {
      if (actor.getSnapshot().status === "active") actor.send({ type: "STOP" });
      return stopped;
    },
    addServices: v22("addServices", (services: readonly Service[]) => hub.services.add(services)),
    removeServices: v22("removeServices", (names: readonly string[]) => hub.services.remove(names)),
    publishParameterValues: v22("publishParameterValues", (parameters: readonly Parameter[]) =>
      hub.publishParameterValues(parameters),
    ),
    publishConnectionGraph: v22("publishConnectionGraph", (graph: ConnectionGraph) =>
      hub.publishConnectionGraph(graph),
    ),
    publishStatus: v22("publishStatus", (message: Omit<Status, "op">) =>
      hub.publishStatus(message),
    ),
    removeStatus: v22("removeStatus", (ids: readonly string[]) => hub.removeStatus(ids)),
  };
}
