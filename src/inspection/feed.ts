import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import type { InspectionEvent } from "xstate";
import { redact } from "../redact.js";
import { summarize, toJson } from "./summarize.js";

export interface InspectionFeedOptions {
  /** Port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** Loopback address to bind: `127.0.0.1` (default), `::1` or `localhost`. Anything else is refused. */
  host?: string;
  /** Strings never to send (the device token); JWT-shaped strings are always scrubbed. */
  secrets?: readonly string[];
  /** How many recent events a newly connected client receives first. Default: 500. */
  backlog?: number;
}

/** A WebSocket feed of redacted inspection events, for a local dashboard. */
export interface InspectionFeed {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  /** Pass as (or call from) an XState `inspect` option. */
  readonly inspect: (event: InspectionEvent) => void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * Serves the inspection events of an actor system to local clients, one JSON text message per
 * event (see `InspectionRecord`). It binds to loopback only: inspection shows the inner workings
 * of the device and is not meant for the network.
 *
 * @example
 * const feed = await startInspectionFeed({ secrets: [deviceToken] });
 * const actor = createActor(machine, { inspect: feed.inspect });
 */
export async function startInspectionFeed(
  options: InspectionFeedOptions = {},
): Promise<InspectionFeed> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host)) {
    throw new Error(
      `The inspection feed only listens on loopback (127.0.0.1, ::1, localhost), not on "${host}".`,
    );
  }
  const secrets = options.secrets ?? [];
  const backlogSize = options.backlog ?? 500;
  const backlog: string[] = [];
  const server = new WebSocketServer({ host, port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  server.on("connection", (socket) => {
    for (const message of backlog) socket.send(message);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://${host.includes(":") ? `[${host}]` : host}:${port}`,
    inspect(event) {
      const message = redact(toJson(summarize(event)), secrets);
      backlog.push(message);
      if (backlog.length > backlogSize) backlog.shift();
      for (const client of server.clients) client.send(message);
    },
    close() {
      for (const client of server.clients) client.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
