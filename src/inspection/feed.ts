import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import type { InspectionEvent } from "xstate";
import { redact } from "../redact.js";
import { isLoopbackOrigin, requireLoopbackHost } from "./loopback.js";
import { summarize, toJson } from "./summarize.js";

export interface InspectionFeedOptions {
  /** Port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** Loopback address to bind: `127.0.0.1` (default), `::1` or `localhost`. Anything else is refused. */
  host?: string;
  /**
   * Serve the feed on this (loopback) HTTP server instead of a server of its own, at `path`:
   * how the dashboard shares its port. `port` and `host` are then ignored.
   */
  server?: Server;
  /** The URL path of the feed when it shares a `server`. Default: `/`. */
  path?: string;
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

/**
 * Serves the inspection events of an actor system to local clients, one JSON text message per
 * event (see `InspectionRecord`). It binds to loopback only, and refuses browser connections from
 * pages that are not themselves served from loopback: inspection shows the inner workings of the
 * device and is not meant for the network, nor for whatever website the user has open.
 *
 * @example
 * const feed = await startInspectionFeed({ secrets: [deviceToken] });
 * const actor = createActor(machine, { inspect: feed.inspect });
 */
export async function startInspectionFeed(
  options: InspectionFeedOptions = {},
): Promise<InspectionFeed> {
  const host = options.host ?? "127.0.0.1";
  if (!options.server) requireLoopbackHost(host, "The inspection feed");
  const secrets = options.secrets ?? [];
  const backlogSize = options.backlog ?? 500;
  const backlog: string[] = [];
  // A page on any website could open a WebSocket to loopback; only loopback pages (and clients
  // that are not browsers, which send no Origin) are let in.
  const verifyClient = ({ origin }: { origin?: string }) => !origin || isLoopbackOrigin(origin);
  const httpServer = options.server;
  const server = httpServer
    ? new WebSocketServer({ server: httpServer, path: options.path ?? "/", verifyClient })
    : new WebSocketServer({ host, port: options.port ?? 0, verifyClient });
  if (!httpServer) {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
  }
  server.on("connection", (socket) => {
    for (const message of backlog) socket.send(message);
  });
  const address = (httpServer ?? server).address() as AddressInfo;
  const bound = httpServer ? address.address : host;

  return {
    url: `ws://${bound.includes(":") ? `[${bound}]` : bound}:${address.port}${options.path ?? ""}`,
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
