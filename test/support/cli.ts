import { spawn } from "node:child_process";

export interface CliRun {
  code: number | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  stdout: string;
}

export interface CliOptions {
  /**
   * Once the output matches, `ready` (if given) runs with the output so far, then Ctrl-C is
   * pressed. If `ready` fails, the run rejects with its error once the CLI has exited.
   */
  until?: RegExp;
  ready?: (output: string) => Promise<void>;
  /** Sees the output so far after each chunk (to act on it before `until`). */
  onOutput?: (output: string) => void;
  /** livekit-server binary, so the CLI does not provision its own. */
  livekitServerBinary?: string;
  /** The run is killed (and reported) if it has not exited by then. Default: 45 s. */
  timeoutMs?: number;
}

/**
 * Runs the CLI as `npm start` does, without a device token. The dashboard gets a free port unless
 * `args` choose, so that runs never collide on the default one.
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.livekitServerBinary) env.LIVEKIT_SERVER_BIN = options.livekitServerBinary;
  delete env.FOXGLOVE_DEVICE_TOKEN;
  delete env.NODE_ENV;
  const dashboard = args.some((arg) => arg.includes("dashboard")) ? [] : ["--dashboard-port", "0"];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", ...dashboard, ...args],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  let stdout = "";
  let interrupted = false;
  let failure: unknown;
  const { until, ready } = options;
  const collect = (chunk: Buffer) => {
    output += chunk;
    options.onOutput?.(output);
    if (!interrupted && until?.test(output)) {
      interrupted = true;
      const interrupt = () => child.kill("SIGINT");
      if (ready)
        ready(output)
          .catch((error: unknown) => {
            failure = error;
          })
          .finally(interrupt);
      else interrupt();
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  const watchdog = setTimeout(() => {
    console.log(`CLI did not finish; output so far:\n${output}`);
    child.kill("SIGKILL");
  }, options.timeoutMs ?? 45_000);
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(watchdog);
  if (failure) throw Object.assign(failure as Error, { cliOutput: output });
  return { code, output, stdout };
}
