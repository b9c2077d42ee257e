import { spawn } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import type { ServerMessage } from "../../src/protocol/index.js";
import { disposeRtcAfterAll } from "../support/rtc.js";
import { TestViewer } from "../support/viewer.js";

disposeRtcAfterAll();

/**
 * Runs the CLI like `npm start` does. Once the output matches `until`, `ready` (if given) runs with
 * the output so far, then Ctrl-C is pressed.
 */
async function cli(
  args: string[],
  until?: RegExp,
  ready?: (output: string) => Promise<void>,
): Promise<{ code: number | null; output: string; stdout: string }> {
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
  let stdout = "";
  let interrupted = false;
  const collect = (chunk: Buffer) => {
    output += chunk;
    if (!interrupted && until?.test(output)) {
      interrupted = true;
      const interrupt = () => child.kill("SIGINT");
      if (ready) void ready(output).finally(interrupt);
      else interrupt();
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  const watchdog = setTimeout(() => {
    console.log(`CLI did not finish; output so far:\n${output}`);
    child.kill("SIGKILL");
  }, 45_000);
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(watchdog);
  return { code, output, stdout };
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

  it("--json prints one status object per line on stdout, and the demo channels reach a viewer", async () => {
    const seen: ServerMessage[] = [];
    const { code, stdout, output } = await cli(["--json"], /"state":"running"/, async (text) => {
      const url = /ready at (ws:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] as string;
      const viewer = await TestViewer.join(url, "device-dev_testdevice", "cli-viewer");
      const advertise = await viewer.nextControl((m) => m.op === "advertise");
      const channels = advertise.op === "advertise" ? advertise.channels : [];
      const status = channels.find((c) => c.topic === "/demo/status");
      await viewer.subscribe(status?.id ?? 0);
      await viewer.dataMessages(status?.id ?? 0, 1);
      seen.push(...viewer.control);
      await viewer.leave();
    });
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { state: string });
    expect(lines.map((l) => l.state)).toEqual(
      expect.arrayContaining(["authenticating", "connecting", "running", "stopped"]),
    );
    expect(stdout).not.toContain("[foxglove-gateway]");
    const advertised = seen.find((m) => m.op === "advertise");
    expect(
      advertised?.op === "advertise" && advertised.channels.map((c) => [c.topic, c.schemaName]),
    ).toEqual([
      ["/demo/status", "demo.Status"],
      ["/demo/log", "foxglove.Log"],
    ]);
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
