import { fromCallback, fromPromise } from "xstate";
import type { GatewayFailure } from "../../machines/failure.js";
import type { GatewayEvent } from "../../machines/gateway.machine.js";
import type { ApiClient } from "../api/index.js";
import { PROTOCOL_VERSION } from "../session/v22/protocol-version.js";

/** The two watch calls of the Foxglove API, as the actors use them. */
export type WatchClient = Pick<ApiClient, "openWatch" | "sendHeartbeat">;

/**
 * The secrets of the on-demand connection: the lease id and the last `wake`'s LiveKit credentials.
 * Only the live actors see them; the statechart knows whether a lease is held, nothing more.
 */
export class WatchSecrets {
  leaseId?: string;
  #wake?: { url: string; token: string };

  /** The credentials of the last `wake`, handed out once. */
  takeWake(): { url: string; token: string } | undefined {
    const wake = this.#wake;
    this.#wake = undefined;
    return wake;
  }

  setWake(wake: { url: string; token: string }): void {
    this.#wake = wake;
  }

  toJSON(): object {
    return { lease: this.leaseId ? "held" : "none" };
  }
}

/**
 * The live `watch` and `sendHeartbeat` actors: the platform's watch stream turned into `WATCH.*`
 * events, and one heartbeat per invocation. Failures are plain, scrubbed `GatewayFailure`s.
 */
export function watchActors(
  client: WatchClient,
  secrets: WatchSecrets,
  fail: (error: unknown) => GatewayFailure,
) {
  return {
    watch: fromCallback<{ type: string }, { remoteAccessSessionId?: string }>(
      ({ input, sendBack }) => {
        const abort = new AbortController();
        const send = (event: GatewayEvent) => {
          if (!abort.signal.aborted) sendBack(event);
        };
        void (async () => {
          try {
            const stream = await client.openWatch({
              protocolVersion: PROTOCOL_VERSION,
              remoteAccessSessionId: input.remoteAccessSessionId,
              previousWatchLeaseId: secrets.leaseId,
              signal: abort.signal,
            });
            for await (const event of stream) {
              if (event.type === "hello") {
                secrets.leaseId = event.watchLeaseId;
                send({
                  type: "WATCH.HELLO",
                  heartbeatIntervalMs: event.heartbeatIntervalMs,
                  deviceWaitForViewerMs: event.deviceWaitForViewerMs,
                });
              } else if (event.type === "wake") {
                secrets.setWake({ url: event.url, token: event.token });
                send({ type: "WATCH.WAKE", remoteAccessSessionId: event.remoteAccessSessionId });
              } else {
                send({ type: "WATCH.ALIVE" });
              }
            }
            send({ type: "WATCH.ENDED" });
          } catch (error) {
            send({ type: "WATCH.FAILED", failure: fail(error) });
          }
        })();
        return () => abort.abort();
      },
    ),

    sendHeartbeat: fromPromise<void, void>(async ({ signal }) => {
      const leaseId = secrets.leaseId;
      if (!leaseId) throw fail(new Error("no watch lease to keep alive"));
      await client.sendHeartbeat(leaseId, { signal }).catch((error) => Promise.reject(fail(error)));
    }),
  };
}
