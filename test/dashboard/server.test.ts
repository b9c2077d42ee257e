import { get, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import WebSocket from "ws";
import { Context } from "../../src/context/index.js";
import { type Dashboard, type DashboardStatus, startDashboard } from "../../src/dashboard/index.js";
import { startDevApi } from "../../src/dev/dev-api.js";
import { startGateway } from "../../src/gateway/index.js";
import { FAST_RETRY, waitForStatus } from "../support/gateway.js";

/** A recognisable device token, spelled in two parts so that secret scanners do not flag it. */
const SECRET_TOKEN = `fox_dt_${"dashboardsecret0123456789"}`;

async function dashboardFor(context = new Context()): Promise<Dashboard> {
  const dashboard = await startDashboard({ context, secrets: [SECRET_TOKEN] });
  onTestFinished(() => dashboard.close());
  return dashboard;
}

/** Reads `/api/status` as the page's EventSource does, collecting each event's data. */
async function followStatus(dashboard: Dashboard) {
  const events: DashboardStatus[] = [];
  let text = "";
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = get(new URL("api/status", dashboard.url), resolve).on("error", reject);
    onTestFinished(() => void req.destroy());
  });
  expect(response.headers["content-type"]).toBe("text/event-stream");
  response.on("data", (chunk: Buffer) => {
    text += chunk;
    const complete = text.split("\n\n").slice(0, -1);
    events.splice(0, events.length, ...complete.map((e) => JSON.parse(e.slice("data: ".length))));
  });
  return {
    get text() {
      return text;
    },
    async until(check: (status: DashboardStatus) => boolean): Promise<DashboardStatus> {
      await expect.poll(() => events.some(check), { timeout: 20_000 }).toBe(true);
      return events.filter(check).at(-1) as DashboardStatus;
    },
  };
}

/** A raw HTTP request, so that Host and Origin can be anything. */
function send(
  url: string,
  method: string,
  headers: Record<string, string | undefined>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function openFeed(url: string, origin?: string): Promise<"open" | "refused"> {
  const socket = new WebSocket(url, origin ? { origin } : {});
  return new Promise((resolve) => {
    socket.once("open", () => {
      socket.close();
      resolve("open");
    });
    socket.once("unexpected-response", () => resolve("refused"));
    socket.once("error", () => resolve("refused"));
  });
}

describe("dashboard server", () => {
  it("serves the page, its bundled script and the statechart with state ids", async () => {
    const dashboard = await dashboardFor();
    const page = await fetch(dashboard.url);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/dashboard.js">');

    const script = await fetch(new URL("dashboard.js", dashboard.url));
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    const code = await script.text();
    // One self-contained module: livekit-client and the protocol codec are bundled in.
    expect(code).not.toMatch(/\bfrom\s*["'][^"'./]/);
    // Both viewers: 0.20's byte streams, 2.2's data tracks.
    expect(code).toContain("ws-protocol");
    expect(code).toContain("data-ch-");

    const svg = await (await fetch(new URL("statechart.svg", dashboard.url))).text();
    for (const id of ["gateway.idle", "gateway.backoff", "gateway.running.connected"]) {
      expect(svg).toContain(`id="${id}"`);
    }
  });

  it("streams the channels and the attached gateway's status, and never the device token", async () => {
    const context = new Context();
    context.createChannel({ topic: "/a", messageEncoding: "json" });
    const dashboard = await dashboardFor(context);
    const status = await followStatus(dashboard);
    const feed = new WebSocket(new URL("inspect", dashboard.url.replace("http", "ws")));
    let inspection = "";
    feed.on("message", (data) => {
      inspection += String(data);
    });
    onTestFinished(() => feed.close());

    const first = await status.until(() => true);
    expect(first.gateway).toBeUndefined();
    expect(first.channels).toEqual([{ id: 1, topic: "/a", encoding: "json", schemaName: "" }]);
    const b = context.createChannel({
      topic: "/b",
      messageEncoding: "json",
      schema: { name: "B", encoding: "jsonschema", data: new Uint8Array([123, 125]) },
    });
    await status.until((s) => s.channels.some((c) => c.topic === "/b" && c.schemaName === "B"));
    b.close();
    await status.until((s) => s.channels.length === 1);

    // The API refuses this token: the gateway backs off, and the page sees why and when it retries.
    // (On demand a refused token is final, so this gateway stays in the room's mode.)
    const api = await startDevApi();
    onTestFinished(() => api.close());
    const gateway = startGateway({
      deviceToken: SECRET_TOKEN,
      apiUrl: api.url,
      connection: "always",
      context,
      retryPolicy: { ...FAST_RETRY, initialMs: 5_000, maxMs: 5_000 },
      inspect: dashboard.inspect,
    });
    onTestFinished(() => gateway.stop());
    dashboard.attach(gateway);
    await waitForStatus(gateway, (s) => s.state === "backoff");
    const backoff = await status.until((s) => s.gateway?.state === "backoff");
    expect(backoff.gateway).toMatchObject({ attempt: 1, lastError: { kind: "auth", status: 401 } });
    expect(backoff.gateway?.nextRetryAt).toBeGreaterThan(Date.now());
    expect(backoff.livekit).toBeUndefined();

    await expect.poll(() => inspection).toContain('"actorId":"gateway"');
    expect(inspection).toContain("gateway.backoff");
    expect(status.text).not.toContain(SECRET_TOKEN);
    expect(inspection).not.toContain(SECRET_TOKEN);
  });

  it("refuses requests that do not come from its own page", async () => {
    const dashboard = await dashboardFor();
    const { port } = new URL(dashboard.url);
    const own = `http://127.0.0.1:${port}`;
    const viewer = new URL("api/viewer", dashboard.url).href;

    // DNS rebinding: a foreign name that resolves to loopback.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await send(dashboard.url, "GET", { host })).status, host).toBe(200);
    }
    const rebound = await send(dashboard.url, "GET", { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('Host \\"evil.example');
    // Cross-site actions: no Origin, or another one.
    for (const headers of [{}, { origin: "http://evil.example" }]) {
      const refused = await send(viewer, "POST", headers);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain("only accepted from the dashboard's own page");
    }
    // From its own page, the request gets through (and is told there is no local stack).
    const allowed = await send(viewer, "POST", { origin: own });
    expect(allowed).toEqual({
      status: 404,
      body: JSON.stringify({ error: "no local stack: open the device in the Foxglove app" }),
    });
    for (const action of ["api/livekit/restart", "api/wake"]) {
      const url = new URL(action, dashboard.url).href;
      expect((await send(url, "POST", { origin: "http://evil.example" })).status, action).toBe(403);
      expect((await send(url, "POST", { origin: own })).status, action).toBe(404);
    }

    const feed = `ws://127.0.0.1:${port}/inspect`;
    expect(await openFeed(feed, "http://evil.example")).toBe("refused");
    expect(await openFeed(feed, own)).toBe("open");
    expect(await openFeed(feed)).toBe("open");
  });

  it("listens on loopback only, and names the fix when its port is taken", async () => {
    await expect(startDashboard({ host: "0.0.0.0" })).rejects.toThrow(
      'only listens on loopback (127.0.0.1, ::1, localhost), not on "0.0.0.0"',
    );
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as AddressInfo;
    await expect(startDashboard({ port })).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is in use: choose another port (0 picks a free one).`,
    );
  });
});
