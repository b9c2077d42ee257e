import { spawn } from "node:child_process";
import { describe, expect, inject, it } from "vitest";

/** Runs the CLI like `npm start` does; `until` decides when to press Ctrl-C. */
async function cli(
  args: string[],
  until?: RegExp,
): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LIVEKIT_SERVER_BIN: inject("livekitServerBinary"),
  };
  delete env.FOXGLOVE_DEVICE_TOKEN;
  delete env.NODE_ENV;
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let interrupted = false;
  const collect = (chunk: Buffer) => {
    output += chunk;
    if (!interrupted && until?.test(output)) {
      interrupted = true;
      child.kill("SIGINT");
    }
  };
  const watchdog = setTimeout(() => {
    console.log(`CLI did not finish; output so far:\n${output}`);
    child.kill("SIGKILL");
  }, 45_000);
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(watchdog);
  return { code, output };
}

describe("foxglove-gateway CLI", () => {
  it("without a token, starts the local stack, runs, and stops cleanly on Ctrl-C", async () => {
    const { code, output } = await cli([], /running as dev_testdevice/);
    expect(output).toMatch(/livekit-server \S+ ready at ws:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/authenticating[\s\S]*connecting[\s\S]*running as dev_testdevice/);
    expect(output).toMatch(/stopped\s*$/);
    // rtc-node's debug output stays out of a person's terminal.
    expect(output).not.toContain('"name":"lk-rtc"');
    expect(code).toBe(0);
  }, 60_000);

  it("fails at start with a message naming the fix", async () => {
    const { code, output } = await cli(["--token", "t", "--api-url", "not a url"]);
    expect(output).toContain('apiUrl (or FOXGLOVE_API_URL) is not a URL: "not a url"');
    expect(code).toBe(1);
  });

  it("prints help", async () => {
    const { code, output } = await cli(["--help"]);
    expect(output).toMatch(/^Usage: foxglove-gateway/);
    expect(code).toBe(0);
  });
});
