import { describe, expect, it, onTestFinished } from "vitest";
import WebSocket from "ws";
import { createActor, SimulatedClock } from "xstate";
import { gatewayMachine } from "../../machines/gateway.machine.js";
import { type InspectionRecord, startInspectionFeed } from "../../src/inspection/index.js";
import { FakeGatewayIo } from "../support/fake-gateway-io.js";
import { flush } from "../support/model.js";

async function listen(url: string): Promise<{ records: InspectionRecord[]; raw: string[] }> {
  const socket = new WebSocket(url);
  const raw: string[] = [];
  socket.on("message", (data) => raw.push(String(data)));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  onTestFinished(() => socket.close());
  return {
    raw,
    get records() {
      return raw.map((line) => JSON.parse(line) as InspectionRecord);
    },
  };
}

async function feedWithGateway(secrets: string[] = []) {
  const feed = await startInspectionFeed({ secrets, backlog: 50 });
  onTestFinished(() => feed.close());
  const io = new FakeGatewayIo();
  const actor = createActor(io.provide(gatewayMachine), {
    input: {},
    clock: new SimulatedClock(),
    inspect: feed.inspect,
  });
  actor.start();
  return { feed, io, actor };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe("inspection feed", () => {
  it("streams the gateway's transitions as plain JSON", async () => {
    const { feed, io, actor } = await feedWithGateway();
    const client = await listen(feed.url);
    actor.send({ type: "START" });
    await flush();
    io.pending("fetchDeviceInfo").resolve({ id: "dev", name: "device" });
    await flush();
    await until(() =>
      client.records.some(
        (r) =>
          r.snapshot?.value && JSON.stringify(r.snapshot.value).includes("fetchingCredentials"),
      ),
    );

    const taken = client.records.flatMap(
      (r) => r.transitions?.map((t) => `${t.source} ${t.event}`) ?? [],
    );
    expect(taken).toEqual(
      expect.arrayContaining([
        "gateway.idle START",
        "gateway.authenticating.fetchingDeviceInfo xstate.done.actor.fetchDeviceInfo",
      ]),
    );
    const events = client.records
      .filter((r) => r.type === "@xstate.event")
      .map((r) => (r.event as { type: string }).type);
    expect(events).toContain("START");
    expect(events).toContain("xstate.done.actor.fetchDeviceInfo");
  });

  it("gives a late client the recent backlog, bounded", async () => {
    const { feed, actor } = await feedWithGateway();
    for (let i = 0; i < 40; i++) actor.send({ type: "RETRY_NOW" });
    actor.send({ type: "START" });
    await flush();
    const client = await listen(feed.url);
    await until(() => client.raw.length >= 50);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.raw).toHaveLength(50);
    expect(
      client.records.some((r) => (r.event as { type?: string } | undefined)?.type === "START"),
    ).toBe(true);
  });

  it("scrubs secrets and JWT-shaped strings", async () => {
    const { feed, io, actor } = await feedWithGateway(["fox_dt_x_feed_secret"]);
    const client = await listen(feed.url);
    actor.send({ type: "START" });
    await flush();
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2aWV3ZXIifQ.c2lnbmF0dXJl";
    io.pending("fetchDeviceInfo").reject({
      kind: "api",
      message: `fox_dt_x_feed_secret and ${jwt}`,
    });
    await flush();
    await until(() => client.raw.some((line) => line.includes("[redacted] and [redacted]")));
    expect(client.raw.join("\n")).toContain("[redacted] and [redacted]");
    expect(client.raw.join("\n")).not.toContain("feed_secret");
    expect(client.raw.join("\n")).not.toContain(jwt);
  });

  it("refuses to listen beyond loopback", async () => {
    await expect(startInspectionFeed({ host: "0.0.0.0" })).rejects.toThrow(
      /only listens on loopback/,
    );
  });
});
