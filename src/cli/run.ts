// foxglove-gateway: runs a gateway. With a device token it connects to the Foxglove platform;
// without one it starts a local stack (livekit-server + dev API) and connects to that.
import { parseArgs } from "node:util";
import { createConsola, LogLevels } from "consola";
import { type LocalStack, startLocalStack } from "../dev/local-stack.js";
import { disposeLivekit, GatewayConfigError, startGateway } from "../index.js";

// consola guesses its level from the environment (quiet under test runners); a CLI decides itself.
const cliConsole = createConsola({ level: LogLevels.info });

const HELP = `Usage: foxglove-gateway [options]

Streams live data to the Foxglove app through Foxglove remote access.

Options:
  --token <token>     device token (default: FOXGLOVE_DEVICE_TOKEN). Without one, a local
                      livekit-server and Foxglove dev API are started and used instead.
  --api-url <url>     Foxglove API URL (default: FOXGLOVE_API_URL, then https://api.foxglove.dev)
  --name <name>       name shown to viewers (default: the device's name)
  -h, --help          show this help
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      token: { type: "string" },
      "api-url": { type: "string" },
      name: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const log = cliConsole.withTag("foxglove-gateway");
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

  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await gateway.stop();
  await stack?.stop();
  await disposeLivekit();
  return 0;
}

export function run(): Promise<void> {
  return main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof GatewayConfigError ? error.message : String(error);
      cliConsole.error(message);
      process.exitCode = 1;
    },
  );
}
