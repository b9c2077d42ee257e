import { spawn } from "node:child_process";
import { describe, expect, it, onTestFinished } from "vitest";
import { DEV_DEVICE_TOKEN, startDevApi } from "../../src/dev/dev-api.js";
import { startLivekitServer } from "../support/livekit.js";

const livekit = await startLivekitServer();

/** Runs an example as a user would, waits for `readyLine`, then presses Ctrl-C. */
async function runExample(
  file: string,
  readyLine: RegExp,
): Promise<{ code: number | null; output: string }> {
  const api = await startDevApi({ livekitUrl: livekit.url, roomName: `example-${file}` });
  onTestFinished(() => api.close());
  const child = spawn(process.execPath, ["--import", "tsx", `examples/${file}`], {
    env: { ...process.env, FOXGLOVE_DEVICE_TOKEN: DEV_DEVICE_TOKEN, FOXGLOVE_API_URL: api.url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  // The examples connect on demand, as protocol 2.2 does: the platform wakes them for a viewer.
  void api.watchOpened().then(() => api.wake());
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${readyLine} in:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (readyLine.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
  });
  child.kill("SIGINT");
  return { code: await exited, output };
}

describe("examples", () => {
  it("start-gateway.ts runs, then stops cleanly on Ctrl-C", async () => {
    const { code, output } = await runExample("start-gateway.ts", /status: running/);
    expect(output).toMatch(/status: watching[\s\S]*status: connecting[\s\S]*status: running/);
    expect(output).toMatch(/stopped\s*$/);
    expect(code).toBe(0);
  }, 30_000);

  it("app-machine.ts runs the gateway inside its own machine, then stops cleanly on Ctrl-C", async () => {
    const { code, output } = await runExample(
      "app-machine.ts",
      /gateway: \{"running":\{"connected"/,
    );
    expect(output).toMatch(/gateway: "stopped"/);
    expect(output).toMatch(/stopped\s*$/);
    expect(code).toBe(0);
  }, 30_000);
});
