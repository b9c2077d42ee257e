// foxglove-gateway: runs a gateway. With a device token it connects to the Foxglove platform;
// without one it starts a local stack (livekit-server + dev API) and connects to that.
import { parseArgs } from "node:util";
import { createConsola, LogLevels, type LogType } from "consola";
import type { InspectionEvent } from "xstate";
import type { Dashboard } from "../dashboard/index.js";
import { type LocalStack, startLocalStack } from "../dev/local-stack.js";
import { defaultContext, disposeLivekit, GatewayConfigError, startGateway } from "../index.js";
import { startDemo } from "./demo.js";
import { DemoFeatures } from "./demo-features.js";
import { followJsonStatus } from "./json-status.js";

const LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
const DEFAULT_DASHBOARD_PORT = 8090;

const HELP = `Usage: foxglove-gateway [options]

Streams live data to the Foxglove app through Foxglove remote access.

Options:
  --token <token>     device token (default: FOXGLOVE_DEVICE_TOKEN). Without one, a local
                      livekit-server and Foxglove dev API are started and used instead.
  --api-url <url>     Foxglove API URL (default: FOXGLOVE_API_URL, then https://api.foxglove.dev)
  --name <name>       name shown to viewers (default: the device's name)
  --protocol <2.2|0.20>
                      protocol spoken to viewers (default: 2.2, today's Foxglove app)
  --connection <on-demand|always>
                      on-demand (default with 2.2): dormant until the platform wakes the device
                      for a viewer; always: in the room all the time (the only mode of 0.20)
  --inspect stately   also show the statechart in the Stately inspector (prints its URL)
  --log-level <level> ${LEVELS.join(", ")} (default: info)
  --json              one JSON object per line on stdout for each status change, and when the
                      viewers' round trips move ("state" is "running" once the gateway serves,
                      "viewers" has each viewer's "rttMs"); logs go to stderr
  --dashboard-port <port>
                      port of the local dashboard on 127.0.0.1 (default: ${DEFAULT_DASHBOARD_PORT};
                      0 picks a free one): live statechart, status and an in-browser viewer
  --no-dashboard      do not serve the dashboard
  --no-demo           do not publish the demo (/demo/status, /demo/log; with 2.2 also the
                      Reliable /demo/events, the /demo/add service and /demo/* parameters)
  -h, --help          show this help
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      token: { type: "string" },
      "api-url": { type: "string" },
      name: { type: "string" },
      protocol: { type: "string", default: "2.2" },
      connection: { type: "string" },
      inspect: { type: "string" },
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
  const protocol = values.protocol;
  if (protocol !== "2.2" && protocol !== "0.20") {
    throw new GatewayConfigError(`--protocol must be 2.2 or 0.20, not "${protocol}".`);
  }
  const connection = values.connection ?? (protocol === "2.2" ? "on-demand" : "always");
  if (connection !== "on-demand" && connection !== "always") {
    throw new GatewayConfigError(`--connection must be on-demand or always, not "${connection}".`);
  }
  if (values.inspect !== undefined && values.inspect !== "stately") {
    throw new GatewayConfigError(`--inspect takes "stately", not "${values.inspect}".`);
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
    // The demo's services, parameters and Reliable channel exist in protocol 2.2 only.
    const demoFeatures = protocol === "2.2" && !values["no-demo"] ? new DemoFeatures() : undefined;
    const inspectors = dashboard ? [dashboard.inspect] : [];
    if (values.inspect === "stately") {
      const { createStatelyInspector, startStatelyBridge } = await import("../inspection/index.js");
      const bridge = await startStatelyBridge();
      const stately = createStatelyInspector({
        url: bridge.socketUrl,
        secrets: token ? [token] : [],
      });
      teardown.push(
        () => bridge.close(),
        () => stately.stop(),
      );
      inspectors.push((event) => stately.inspect.next?.(event));
      log.info(`Stately inspector at ${bridge.pageUrl} (it embeds https://stately.ai/inspect)`);
    }
    const gateway = startGateway({
      deviceToken: stack?.deviceToken ?? token,
      apiUrl: stack?.api.url ?? values["api-url"],
      name: values.name,
      protocol,
      connection,
      logger: log,
      ...(inspectors.length > 0 && {
        inspect: (event: InspectionEvent) => {
          for (const inspect of inspectors) inspect(event);
        },
      }),
      ...demoFeatures?.options,
    });
    demoFeatures?.attach(gateway);
    // Stopped after the gateway, so that its last status lines are printed.
    if (values.json) teardown.push(followJsonStatus(gateway, (line) => process.stdout.write(line)));
    teardown.push(() => gateway.stop());
    dashboard?.attach(gateway, stack);
    if (!values["no-demo"]) teardown.push(startDemo(defaultContext(), demoFeatures));

    const interrupted = new Promise<"interrupted">((resolve) => {
      process.once("SIGINT", () => resolve("interrupted"));
      process.once("SIGTERM", () => resolve("interrupted"));
    });
    const outcome = await Promise.race([interrupted, gateway.ended]);
    if (outcome === "refused") {
      throw new GatewayConfigError(
        "The Foxglove platform refused the device token: check --token (or FOXGLOVE_DEVICE_TOKEN).",
      );
    }
  } finally {
    await stopAll();
  }
  return 0;
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
