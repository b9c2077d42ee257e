import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { InspectionEvent } from "xstate";
import { type Context, defaultContext } from "../context/index.js";
import type { LocalStack } from "../dev/local-stack.js";
import type { Gateway } from "../gateway/index.js";
import { startInspectionFeed } from "../inspection/feed.js";
import { requireLoopbackHost } from "../inspection/loopback.js";
import { redact } from "../redact.js";
import { PROTOCOL_VERSION } from "../session/v22/protocol-version.js";
import { renderGatewayStatechartSvg } from "../statechart/svg.js";
import { browserScript } from "./browser-script.js";
import { watchChannels } from "./channel-list.js";
import { DASHBOARD_PAGE } from "./page.js";
import { refusal } from "./request-guard.js";
import type { ChannelSummary, DashboardStatus, ViewerGrant } from "./wire.js";

/** How often the viewers' round-trip times are looked at: they change without a status event. */
const ROUND_TRIP_CHECK_MS = 1_000;

export interface DashboardOptions {
  /** Port on loopback. Default: 0, a free one. */
  port?: number;
  /** Loopback address to bind: `127.0.0.1` (default), `::1` or `localhost`. Anything else is refused. */
  host?: string;
  /** Whose channels to list. Default: `defaultContext()`. */
  context?: Context;
  /** Strings never to show (the device token); JWT-shaped strings are always scrubbed. */
  secrets?: readonly string[];
}

export interface Dashboard {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Pass as the gateway's `inspect` option: it feeds the live statechart. */
  readonly inspect: (event: InspectionEvent) => void;
  /**
   * Shows this gateway from now on. With the local stack it runs against, the page also gets the
   * in-browser viewer (the dashboard mints its LiveKit tokens) and the livekit-server restart button.
   */
  attach(gateway: Gateway, stack?: LocalStack): void;
  close(): Promise<void>;
}

/**
 * Serves a local dashboard: the live statechart (from the redacted inspection feed), the status,
 * participants and channels, and, against the local stack, an in-browser viewer and a button that
 * restarts livekit-server. Loopback only.
 *
 * @example
 * const dashboard = await startDashboard({ port: 8090 }); // first: a port in use fails fast
 * const stack = await startLocalStack();
 * const gateway = startGateway({
 *   deviceToken: stack.deviceToken,
 *   apiUrl: stack.api.url,
 *   inspect: dashboard.inspect, // the statechart sees every transition from the start
 * });
 * dashboard.attach(gateway, stack);
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const host = options.host ?? "127.0.0.1";
  requireLoopbackHost(host, "The dashboard");
  const secrets = options.secrets ?? [];
  const [script, statechart] = await Promise.all([browserScript(), renderGatewayStatechartSvg()]);

  const listeners = new Set<ServerResponse>();
  let gateway: Gateway | undefined;
  let stack: LocalStack | undefined;
  let restarting: Promise<void> | undefined;
  let channels: ChannelSummary[] = [];
  /** The viewers (with their round trips) as last sent to the page. */
  let viewersSent = "[]";
  const current = (): DashboardStatus => {
    const status = gateway?.status;
    viewersSent = JSON.stringify(status?.viewers ?? []);
    return {
      ...(status && { gateway: status }),
      channels,
      ...(stack && {
        livekit: {
          url: stack.livekit.url,
          running: stack.livekit.isRunning,
          restarting: restarting !== undefined,
        },
      }),
    };
  };
  const event = () => `data: ${redact(JSON.stringify(current()), secrets)}\n\n`;
  const broadcast = () => {
    const message = event();
    for (const response of listeners) response.write(message);
  };
  const roundTripCheck = setInterval(() => {
    if (gateway && JSON.stringify(gateway.status.viewers) !== viewersSent) broadcast();
  }, ROUND_TRIP_CHECK_MS);
  roundTripCheck.unref();
  const stopWatchingChannels = watchChannels(options.context ?? defaultContext(), (open) => {
    channels = open;
    broadcast();
  });

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: redact(String(error), secrets) });
      else response.end();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://dashboard").pathname;
    const action = request.method === "POST";
    const refused = refusal(request, action);
    if (refused) return send(response, 403, { error: refused });
    switch (`${request.method} ${path}`) {
      case "GET /":
        return reply(response, "text/html; charset=utf-8", DASHBOARD_PAGE);
      case "GET /dashboard.js":
        return reply(response, "text/javascript; charset=utf-8", script);
      case "GET /statechart.svg":
        return reply(response, "image/svg+xml", statechart);
      case "GET /api/status":
        response.writeHead(200, {
          "content-type": "text/event-stream",
          "cache-control": "no-store",
        });
        response.write(event());
        listeners.add(response);
        response.once("close", () => listeners.delete(response));
        return;
      case "POST /api/viewer":
        if (!stack)
          return send(response, 404, {
            error: "no local stack: open the device in the Foxglove app",
          });
        return send(response, 200, await grantFor(stack));
      case "POST /api/wake":
        if (!stack) return send(response, 404, { error: "no local stack to wake the device" });
        return send(response, 200, { woken: await wakeIfDormant(stack) });
      case "POST /api/livekit/restart":
        if (!stack) return send(response, 404, { error: "no local livekit-server to restart" });
        await restartLivekit(stack);
        return send(response, 200, { restarted: true });
      default:
        return send(response, 404, { error: `no ${request.method} ${path}` });
    }
  }

  /** A viewer wants the device: on demand, that is what makes the platform wake it. */
  async function wakeIfDormant(stack: LocalStack): Promise<boolean> {
    const status = gateway?.status;
    if (status?.connection !== "on-demand" || status.state !== "watching") return false;
    return stack.api.wake();
  }

  async function grantFor(stack: LocalStack): Promise<ViewerGrant> {
    await wakeIfDormant(stack);
    const identity = `dashboard-viewer-${randomUUID().slice(0, 8)}`;
    const protocol = gateway?.status.protocol ?? "2.2";
    // A 2.2 viewer says so in its participant attributes, as the Foxglove app does.
    const attributes = protocol === "2.2" ? { protocolVersion: PROTOCOL_VERSION } : undefined;
    return {
      url: stack.livekit.url,
      token: await stack.mintViewerToken(identity, attributes),
      gateway: gateway?.status.identity ?? stack.api.deviceId,
      protocol,
    };
  }

  /** One restart at a time; a click during a restart waits for it. */
  function restartLivekit(stack: LocalStack): Promise<void> {
    restarting ??= stack.livekit.restart().finally(() => {
      restarting = undefined;
      broadcast();
    });
    broadcast();
    return restarting;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `Port ${options.port} on ${host} is in use: choose another port (0 picks a free one).`,
            )
          : error,
      );
    });
    server.listen(options.port ?? 0, host, resolve);
  });
  const feed = await startInspectionFeed({ server, path: "/inspect", secrets });
  const { port } = server.address() as AddressInfo;
  let detachGateway = () => {};

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    inspect: feed.inspect,
    attach(next, localStack) {
      detachGateway();
      gateway = next;
      stack = localStack;
      const unsubscribe = next.onStatus(broadcast);
      detachGateway = () => unsubscribe();
      broadcast();
    },
    async close() {
      detachGateway();
      clearInterval(roundTripCheck);
      stopWatchingChannels();
      for (const response of listeners) response.end();
      await feed.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function reply(response: ServerResponse, contentType: string, body: string): void {
  response.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
  response.end(body);
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}
