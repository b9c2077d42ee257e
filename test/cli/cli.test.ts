import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { DEV_DEVICE_TOKEN, startDevApi } from "../../src/dev/dev-api.js";
import type { Pong, ServerMessage } from "../../src/protocol/index.js";
import { runCli } from "../support/cli.js";
import { ControlViewer } from "../support/control-viewer.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll } from "../support/rtc.js";
import { TestViewer } from "../support/viewer.js";

disposeRtcAfterAll();

function cli(args: string[], until?: RegExp, ready?: (output: string) => Promise<void>) {
  return runCli(args, { until, ready, livekitServerBinary: inject("livekitServerBinary") });
}

describe("foxglove-gateway CLI", () => {
  it("without a token, starts the local stack, sleeps until a viewer wants it, and stops cleanly on Ctrl-C", async () => {
    let woken: Promise<number> | undefined;
    const { code, output } = await runCli([], {
      livekitServerBinary: inject("livekitServerBinary"),
      until: /running as dev_testdevice/,
      onOutput(text) {
        if (woken || !/dormant: waiting on the platform's watch stream/.test(text)) return;
        // The dashboard's viewer asks for the device: the dev API wakes the gateway.
        const dashboard = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(text)?.[1] as string;
        woken = fetch(`${dashboard}/api/viewer`, {
          method: "POST",
          headers: { origin: dashboard },
        }).then((response) => response.status);
      },
    });
    await expect(woken).resolves.toBe(200);
    expect(output).toMatch(/livekit-server \S+ ready at ws:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(
      /authenticating[\s\S]*dormant: waiting on the platform's watch stream[\s\S]*connecting[\s\S]*running as dev_testdevice/,
    );
    expect(output).toMatch(/stopped\s*$/);
    // rtc-node's debug output stays out of a person's terminal.
    expect(output).not.toContain('"name":"lk-rtc"');
    expect(code).toBe(0);
  }, 60_000);

  it("--json prints one status object per line on stdout, and the demo reaches a 2.2 viewer", async () => {
    const seen: ServerMessage[] = [];
    const { code, stdout, output } = await cli(
      ["--json", "--connection", "always"],
      /"state":"running"/,
      async (text) => {
        const url = /ready at (ws:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] as string;
        const viewer = await ControlViewer.join(url, "device-dev_testdevice", "cli-viewer");
        const advertise = await viewer.nextControl((m) => m.op === "advertise");
        const channels = advertise.op === "advertise" ? advertise.channels : [];
        const status = channels.find((c) => c.topic === "/demo/status");
        const events = channels.find((c) => c.topic === "/demo/events");
        await viewer.subscribe(status?.id ?? 0, events?.id ?? 0);
        // A Lossy message on its data track, and a Reliable one on the control stream.
        await viewer.until(() => viewer.trackData.get(status?.id ?? 0)?.[0], 15_000, "a status");
        await viewer.until(() => viewer.reliable(events?.id ?? 0)[0], 15_000, "an event");
        await viewer.send({ op: "getParameters", parameterNames: ["/demo/rate_hz"], id: "p" });
        await viewer.nextControl((m) => m.op === "parameterValues");
        seen.push(...viewer.control);
        await viewer.leave();
      },
    );
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
      ["/demo/events", ""],
    ]);
    const services = seen.find((m) => m.op === "advertiseServices");
    expect(services?.op === "advertiseServices" && services.services.map((s) => s.name)).toEqual([
      "/demo/add",
    ]);
    expect(seen.find((m) => m.op === "parameterValues")).toMatchObject({
      parameters: [{ name: "/demo/rate_hz", type: "float64" }],
      id: "p",
    });
    expect(code).toBe(0);
  }, 60_000);

  it("--json prints a line with each viewer's round trip once the gateway measures it", async () => {
    const livekit = await startLivekitServer();
    const api = await startDevApi({ livekitUrl: livekit.url });
    onTestFinished(() => api.close());
    const args = ["--token", DEV_DEVICE_TOKEN, "--api-url", api.url, "--connection", "always"];
    const run = cli([...args, "--json", "--no-demo", "--no-dashboard"], /"rttMs":/);
    const viewer = await ControlViewer.join(livekit.url, api.roomName, "rtt-viewer");
    onTestFinished(() => viewer.leave());
    await viewer.nextControl((m) => m.op === "serverInfo", 30_000);
    // The gateway keeps no estimate from the first acknowledgement (it includes the stream setup).
    for (const appTimestamp of [1n, 2n]) {
      await viewer.send({ op: "ping", appTimestamp });
      const pong = await viewer.nextControl(
        (m): m is Pong => m.op === "pong" && m.appTimestamp === appTimestamp,
      );
      await viewer.send({ op: "pingAck", deviceTimestamp: pong.deviceTimeMs });
    }
    const { code, stdout } = await run;
    const line = stdout.split("\n").find((l) => l.includes('"rttMs"')) ?? "{}";
    expect(JSON.parse(line)).toMatchObject({
      state: "running",
      protocol: "2.2",
      viewers: [{ identity: "rtt-viewer", rttMs: expect.any(Number) }],
    });
    expect(code).toBe(0);
  }, 60_000);

  it("--protocol 0.20 speaks the 0.20 protocol to a 0.20 viewer", async () => {
    const seen: ServerMessage[] = [];
    const { code } = await cli(
      ["--protocol", "0.20", "--no-dashboard"],
      /running as dev_testdevice/,
      async (text) => {
        const url = /ready at (ws:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] as string;
        const viewer = await TestViewer.join(url, "device-dev_testdevice", "old-viewer");
        const advertise = await viewer.nextControl((m) => m.op === "advertise");
        const channels = advertise.op === "advertise" ? advertise.channels : [];
        const status = channels.find((c) => c.topic === "/demo/status");
        await viewer.subscribe(status?.id ?? 0);
        await viewer.dataMessages(status?.id ?? 0, 1);
        seen.push(...viewer.control);
        await viewer.leave();
      },
    );
    expect(seen[0]).toMatchObject({
      op: "serverInfo",
      metadata: { "fg-library": "foxglove-sdk-typescript/v0.1.0" },
    });
    expect(seen.some((m) => m.op === "advertiseServices")).toBe(false);
    expect(code).toBe(0);
  }, 60_000);

  it("refuses a bad --protocol, --connection or --inspect, naming the fix", async () => {
    const protocol = await cli(["--protocol", "3"]);
    expect(protocol.output).toContain('--protocol must be 2.2 or 0.20, not "3".');
    expect(protocol.code).toBe(1);
    const connection = await cli(["--connection", "sometimes"]);
    expect(connection.output).toContain(
      '--connection must be on-demand or always, not "sometimes".',
    );
    const mixed = await cli(["--protocol", "0.20", "--connection", "on-demand"]);
    expect(mixed.output).toContain('connection: "on-demand" needs protocol 2.2');
    const inspect = await cli(["--inspect", "chrome"]);
    expect(inspect.output).toContain('--inspect takes "stately", not "chrome".');
  });

  it("with --token, connects to the API it is given instead of starting the local stack", async () => {
    const livekit = await startLivekitServer();
    const api = await startDevApi({ livekitUrl: livekit.url });
    onTestFinished(() => api.close());
    const { code, output, stdout } = await cli(
      [
        "--token",
        DEV_DEVICE_TOKEN,
        "--api-url",
        api.url,
        "--json",
        "--no-demo",
        "--connection",
        "always",
      ],
      /"state":"running"/,
    );
    expect(output).not.toContain("starting the local stack");
    expect(api.requests.map((r) => r.endpoint)).toEqual(["device-info", "remote-sessions"]);
    // The token is a secret: never printed, not even in the JSON status lines.
    expect(output).not.toContain(DEV_DEVICE_TOKEN);
    expect(stdout).toContain('"identity":"dev_testdevice"');
    expect(code).toBe(0);
  }, 60_000);

  it("fails at start with a message naming the fix", async () => {
    const { code, output } = await cli(["--token", "t", "--api-url", "not a url"]);
    expect(output).toContain('apiUrl (or FOXGLOVE_API_URL) is not a URL: "not a url"');
    expect(code).toBe(1);
  });

  it("refuses a bad --dashboard-port, and a port in use, naming the fix", async () => {
    const bad = await cli(["--dashboard-port", "web"]);
    expect(bad.output).toContain(
      '--dashboard-port must be a port number (0 picks a free one), not "web"',
    );
    expect(bad.code).toBe(1);

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as AddressInfo;
    const busy = await cli(["--dashboard-port", String(port)]);
    expect(busy.output).toContain(`Port ${port} on 127.0.0.1 is in use`);
    expect(busy.output).toContain("Pass --dashboard-port, or --no-dashboard.");
    expect(busy.code).toBe(1);
  }, 60_000);

  it("prints help", async () => {
    const { code, output } = await cli(["--help"]);
    expect(output).toMatch(/^Usage: foxglove-gateway/);
    expect(code).toBe(0);
  });
});
