// foxglove-gateway: runs a gateway. With a device token it connects to the Foxglove platform;
// without one it starts a local stack (livekit-server + dev API) and connects to that.
import { parseArgs } from "node:util";
import { createConsola, LogLevels, type LogType } from "consola";
import type { Dashboard } from "../dashboard/index.js";
import { type LocalStack, startLocalStack } from "../dev/local-stack.js";
import {
  defaultContext,
  disposeLivekit,
  GatewayConfigError,
  type GatewayStatus,
  startGateway,
} from "../index.js";
import { startDemo } from "./demo.js";

const LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
const DEFAULT_DASHBOARD_PORT = 8090;

const HELP = `Usage: foxglove-gateway [options]

Streams live data to the Foxglove app through Foxglove remote access.

Options:
  --token <token>     device token (default: FOXGLOVE_DEVICE_TOKEN). Without one, a local
                      livekit-server and Foxglove dev API are started and used instead.
  --api-url <url>     Foxglove API URL (default: FOXGLOVE_API_URL, then https://api.foxglove.dev)
  --name <name>       name shown to viewers (default: the device's name)
  --log-level <level> ${LEVELS.join(", ")} (default: info)
  --json              one JSON object per line on stdout for each status change
                      ("state" is "running" once the gateway serves); logs go to stderr
  --dashboard-port <port>
                      port of the local dashboard on 127.0.0.1 (default: ${DEFAULT_DASHBOARD_PORT};
                      0 picks a free one): live statechart, status and an in-browser viewer
  --no-dashboard      do not serve the dashboard
  --no-demo           do not publish the demo channels (/demo/status, /demo/log)
  -h, --help          show this help
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      token: { type: "string" },
      "api-url": { type: "string" },
      name: { type: "string" },
      "log-level": { type: "string", default: "info" },
      json: { type: "boolean", default: false },
      "dashboard-port": { type: "string", default: String(DEFAULT_DASHBOARD_PORT) },
      "no-dashboard": { type: "boolean", default: false },
      "no-demo": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const level = values["log-level"] as (typeof LEVELS)[number];
  if (!LEVELS.includes(level)) {
    throw new GatewayConfigError(
      `--log-level must be one of ${LEVELS.join(", ")}, not "${level}".`,
    );
  }
  const dashboardPort = Number(values["dashboard-port"]);
  if (!/^\d+$/.test(values["dashboard-port"]) || dashboardPort > 65535) {
    throw new GatewayConfigError(
      `--dashboard-port must be a port number (0 picks a free one), not "${values["dashboard-port"]}".`,
    );
  }
  // consola guesses its level from the environment (quiet under test runners); a CLI decides itself.
  // With --json, stdout carries only the JSON lines.
  const stream = values.json ? process.stderr : process.stdout;
  const log = createConsola({
    level: LogLevels[level as LogType],
    stdout: stream,
    stderr: process.stderr,
  }).withTag("foxglove-gateway");
  const token = values.token ?? process.env.FOXGLOVE_DEVICE_TOKEN;
  // What has started, stopped in reverse order: at Ctrl-C, or when a later step fails.
  const teardown: Array<() => unknown> = [disposeLivekit];
  const stopAll = async () => {
    for (const stop of teardown.reverse()) await stop();
  };
  try {
    // The dashboard binds its port first: a port in use fails before minutes of provisioning.
    let dashboard: Dashboard | undefined;
    if (!values["no-dashboard"]) {
      // Loaded only when served: it brings esbuild and Graphviz, which a device may not want.
      const { startDashboard } = await import("../dashboard/index.js");
      dashboard = await startDashboard({
        port: dashboardPort,
        secrets: token ? [token] : [],
      }).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new GatewayConfigError(
          `dashboard: ${reason} Pass --dashboard-port, or --no-dashboard.`,
        );
      });
      teardown.push(() => dashboard?.close());
      log.info(`dashboard at ${dashboard.url}`);
    }
    let stack: LocalStack | undefined;
    if (!token) {
      log.info("no device token: starting the local stack (livekit-server + Foxglove dev API)");
      stack = await startLocalStack({ onProgress: (line) => log.info(line) });
      teardown.push(() => stack?.stop());
    }
    const gateway = startGateway({
      deviceToken: stack?.deviceToken ?? token,
      apiUrl: stack?.api.url ?? values["api-url"],
      name: values.name,
      logger: log,
      ...(dashboard && { inspect: dashboard.inspect }),
    });
    teardown.push(() => gateway.stop());
    dashboard?.attach(gateway, stack);
    if (values.json)
      gateway.onStatus((status) => process.stdout.write(`${JSON.stringify(jsonStatus(status))}\n`));
    if (!values["no-demo"]) teardown.push(startDemo(defaultContext()));

    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
  } finally {
    await stopAll();
  }
  return 0;
}

/** The status as one line of JSON: what scripts and the dashboard read. */
function jsonStatus(status: GatewayStatus) {
  return {
    time: new Date().toISOString(),
    state: status.state,
    reconnecting: status.reconnecting,
    attempt: status.attempt,
    participants: status.participants,
    droppedMessages: status.droppedMessages,
    ...(status.device && { device: status.device }),
    ...(status.identity && { identity: status.identity }),
    ...(status.nextRetryAt !== undefined && {
      nextRetryAt: new Date(status.nextRetryAt).toISOString(),
    }),
    ...(status.lastError && { lastError: status.lastError }),
  };
}

export function run(): Promise<void> {
  return main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof GatewayConfigError ? error.message : String(error);
      process.stderr.write(`foxglove-gateway: ${message}\n`);
      process.exitCode = 1;
    },
  );
}
