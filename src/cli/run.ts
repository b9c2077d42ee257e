// foxglove-gateway: runs a gateway. With a device token it connects to the Foxglove platform;
// without one it starts a local stack (livekit-server + dev API) and connects to that.
import { parseArgs } from "node:util";
import { createConsola, LogLevels, type LogType } from "consola";
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
  // consola guesses its level from the environment (quiet under test runners); a CLI decides itself.
  // With --json, stdout carries only the JSON lines.
  const stream = values.json ? process.stderr : process.stdout;
  const log = createConsola({
    level: LogLevels[level as LogType],
    stdout: stream,
    stderr: process.stderr,
  }).withTag("foxglove-gateway");
  const token = values.token ?? process.env.FOXGLOVE_DEVICE_TOKEN;
  let stack: LocalStack | undefined;
  if (!token) {
    log.info("no device token: starting the local stack (livekit-server + Foxglove dev API)");
    stack = await startLocalStack({ onProgress: (line) => log.info(line) });
  }
  const gateway = startGateway({
    deviceToken: stack?.deviceToken ?? token,
    apiUrl: stack?.api.url ?? values["api-url"],
    name: values.name,
    logger: log,
  });
  if (values.json)
    gateway.onStatus((status) => process.stdout.write(`${JSON.stringify(jsonStatus(status))}\n`));
  const stopDemo = values["no-demo"] ? undefined : startDemo(defaultContext());

  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  stopDemo?.();
  await gateway.stop();
  await stack?.stop();
  await disposeLivekit();
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
