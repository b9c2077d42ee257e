import { consola } from "consola";
import { type Actor, createActor } from "xstate";
import { createApiClient, createCredentialsProvider } from "../api/index.js";
import { redact } from "../redact.js";
import type { RemoteAccessSession } from "../session/session.js";
import { provideLiveImplementations } from "./live-implementations.js";
import {
  type GatewayLogger,
  type GatewayOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
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
}

/**
 * Builds the gateway statechart with its real I/O, for apps that run it inside their own machine
 * (invoke it with `input: { retryPolicy }`) or create the actor themselves.
 *
 * @throws GatewayConfigError when an option cannot work
 */
export function createGatewayMachine(options: GatewayOptions = {}): GatewayMachineWithIo {
  const resolved = resolveOptions(options);
  return machineFor(resolved, loggerFor(options, resolved));
}

function machineFor(
  resolved: ResolvedOptions,
  log: GatewayLogger | undefined,
  onSession?: (session: RemoteAccessSession) => void,
): GatewayMachineWithIo {
  const client = createApiClient({
    deviceToken: resolved.deviceToken,
    baseUrl: resolved.apiUrl,
    timeoutMs: resolved.apiTimeoutMs,
  });
  const quiet = () => {};
  return provideLiveImplementations({
    provider: createCredentialsProvider(client),
    options: resolved,
    log: log ?? { info: quiet, warn: quiet, error: quiet, debug: quiet },
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
  let session: RemoteAccessSession | undefined;
  const onSession = (next: RemoteAccessSession) => {
    earlierDrops += session?.droppedMessages ?? 0;
    session = next;
  };
  const actor = createActor(machineFor(resolved, logger, onSession), {
    // Names the root in inspection records (`actorId: "gateway"`), as dashboards look for it.
    id: "gateway",
    input: { retryPolicy: resolved.retryPolicy },
    ...(options.inspect && { inspect: options.inspect }),
  });

  let backoffStartedAt: number | undefined;
  let status = statusOf(actor.getSnapshot());
  const listeners = new Set<(status: GatewayStatus) => void>();
  const onSnapshot = (snapshot: GatewaySnapshot) => {
    if (snapshot.matches("backoff") && status.state !== "backoff") backoffStartedAt = Date.now();
    const next = statusOf(snapshot, backoffStartedAt);
    if (JSON.stringify(next) === JSON.stringify(status)) return;
    const stateChanged = next.state !== status.state || next.reconnecting !== status.reconnecting;
    status = next;
    if (stateChanged) logger?.info(describeStatus(next));
    for (const listener of listeners) listener(next);
  };
  // An actor error with no subscriber would be rethrown and kill the host process.
  const stopped = new Promise<void>((resolve) => {
    actor.subscribe({
      next: onSnapshot,
      error: (error) => {
        logger?.error(`gateway stopped by an internal failure: ${String(error)}`);
        resolve();
      },
      complete: () => resolve(),
    });
  });
  actor.start();
  actor.send({ type: "START" });

  return {
    actor,
    get status() {
      return { ...status, droppedMessages: earlierDrops + (session?.droppedMessages ?? 0) };
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
  };
}
