import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEV_DEVICE_TOKEN, startDevApi } from "../../src/dev/dev-api.js";
import { cleanUp } from "../support/clean-up.js";
import { startLivekitServer } from "../support/livekit.js";

describe("the whole real stack", () => {
  it("dev API -> credentials -> device joins; a viewer sees it; both leave; the process exits", async () => {
    const livekit = await startLivekitServer();
    const api = await startDevApi({ livekitUrl: livekit.url });
    cleanUp(() => api.close());

    const child = spawn(process.execPath, ["--import", "tsx", "test/smoke/smoke-client.ts"], {
      env: {
        ...process.env,
        SMOKE_API_URL: api.url,
        SMOKE_DEVICE_TOKEN: DEV_DEVICE_TOKEN,
        SMOKE_ROOM: api.roomName,
        SMOKE_LIVEKIT_URL: livekit.url,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const started = Date.now();
    // No kill, no process.exit: the child has to finish by itself.
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    console.log(
      `${output.trim()}\n[smoke] child exited with ${code} after ${Date.now() - started} ms`,
    );

    expect(code).toBe(0);
    expect(output).toContain(`[smoke] credentials for dev_testdevice -> ${livekit.url}`);
    expect(output).toContain("[smoke] device joined as dev_testdevice");
    expect(output).toContain('[smoke] viewer sees ["dev_testdevice"]');
    expect(output).toContain(
      'device heard [{"type":"participantJoined","identity":"viewer-1","attributes":{}}',
    );
    expect(output).toContain(
      "[smoke] both left (device connected: false, viewer connected: false)",
    );
    expect(output).toContain("[smoke] disposed");
    expect(api.requestCount("device-info")).toBe(1);
    expect(api.requestCount("remote-sessions")).toBe(1);
  }, 60_000);
});
