import { describe, expect, it, vi } from "vitest";
import { float64Parameter, type Parameter, StatusLevel } from "../../../src/protocol/index.js";
import type { Service } from "../../../src/session/v22/services.js";
import { isRunning, waitForStatus } from "../../support/gateway.js";
import { startLivekitServer } from "../../support/livekit.js";
import { disposeRtcAfterAll } from "../../support/rtc.js";
import { sessionStack } from "../../support/session-stack.js";
import { op, received, text, utf8, welcomedViewer } from "./helpers.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

const schema = {
  encoding: "json",
  schemaName: "Echo",
  schemaEncoding: "jsonschema",
  schema: utf8('{"type":"object"}'),
};
const echo: Service = {
  name: "/echo",
  type: "Echo",
  request: schema,
  response: schema,
  handler: ({ payload }) => payload,
};

describe("protocol 2.2: services", () => {
  it("advertises services in the welcome, answers calls, and reports each failure", async () => {
    let release: () => void = () => {};
    const slow: Service = {
      name: "/slow",
      type: "Slow",
      handler: () =>
        new Promise<Uint8Array>((resolve) => {
          release = () => resolve(utf8("late"));
        }),
    };
    const failing: Service = {
      name: "/fail",
      type: "Fail",
      request: schema,
      handler: () => {
        throw new Error("motor is off");
      },
    };
    const stack = await sessionStack(livekit, { protocol: "2.2", services: [echo, slow, failing] });
    const viewer = await welcomedViewer(stack);
    const advertised = await viewer.nextControl(op("advertiseServices"));
    expect(viewer.control.map((m) => m.op).slice(0, 2)).toEqual([
      "serverInfo",
      "advertiseServices",
    ]);
    expect(viewer.control[0]).toMatchObject({
      capabilities: ["services"],
      supportedEncodings: ["json"],
    });
    const ids = Object.fromEntries(advertised.services.map((s) => [s.name, s.id]));
    expect(advertised.services.find((s) => s.name === "/echo")).toEqual({
      id: ids["/echo"],
      name: "/echo",
      type: "Echo",
      request: {
        encoding: "json",
        schemaName: "Echo",
        schemaEncoding: "jsonschema",
        schema: '{"type":"object"}',
      },
      response: {
        encoding: "json",
        schemaName: "Echo",
        schemaEncoding: "jsonschema",
        schema: '{"type":"object"}',
      },
    });
    expect(advertised.services.find((s) => s.name === "/slow")).toMatchObject({
      requestSchema: "",
      responseSchema: "",
    });

    const call = (serviceId: number, callId: number, encoding = "json") =>
      viewer.send({
        op: "serviceCallRequest",
        serviceId,
        callId,
        encoding,
        payload: utf8(`{"call":${callId}}`),
      });
    await call(ids["/echo"] as number, 1);
    const response = await viewer.nextControl(op("serviceCallResponse"));
    expect(response).toMatchObject({ serviceId: ids["/echo"], callId: 1, encoding: "json" });
    expect(text(response.payload)).toBe('{"call":1}');

    await call(999, 2);
    await call(ids["/echo"] as number, 3, "cbor");
    await call(ids["/fail"] as number, 4);
    const failures = await viewer.until(
      () =>
        received(viewer, "serviceCallFailure").length >= 3
          ? received(viewer, "serviceCallFailure")
          : undefined,
      10_000,
      "three failures",
    );
    expect(failures.map(({ callId, message }) => [callId, message])).toEqual([
      [2, "Unknown service"],
      [3, "Unsupported encoding"],
      [4, "motor is off"],
    ]);

    // 32 calls may be in flight; the 33rd is refused until one finishes.
    for (let i = 0; i < 33; i++) await call(ids["/slow"] as number, 100 + i);
    const refused = await viewer.nextControl(
      (m) => m.op === "serviceCallFailure" && m.callId === 132,
    );
    expect(refused).toMatchObject({ message: "Too many requests" });
    release();
  });

  it("advertises services added at runtime and withdraws removed ones", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2", capabilities: ["services"] });
    const viewer = await welcomedViewer(stack);
    stack.gateway.addServices([echo]);
    const added = await viewer.nextControl(op("advertiseServices"));
    expect(added.services.map((s) => s.name)).toEqual(["/echo"]);
    expect(() => stack.gateway.addServices([echo])).toThrow(/already registered/);
    stack.gateway.removeServices(["/echo"]);
    const removed = await viewer.nextControl(op("unadvertiseServices"));
    expect(removed.serviceIds).toEqual([added.services[0]?.id]);
    // A viewer arriving now is told of no service: the answer to a request it sends after its
    // welcome proves the welcome is complete.
    const late = await welcomedViewer(stack, "viewer-2");
    await late.send({ op: "subscribeParameterUpdates", parameterNames: [] });
    await late.nextControl(op("status"));
    expect(received(late, "advertiseServices")).toEqual([]);
  });

  it("refuses calls without the services capability", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const viewer = await welcomedViewer(stack);
    await viewer.send({
      op: "serviceCallRequest",
      serviceId: 1,
      callId: 7,
      encoding: "json",
      payload: utf8("{}"),
    });
    expect(await viewer.nextControl(op("serviceCallFailure"))).toMatchObject({
      callId: 7,
      message: "Server does not support services",
    });
  });
});

describe("protocol 2.2: parameters", () => {
  it("answers get and set through the handler, and publishes to subscribers of each name", async () => {
    const values = new Map<string, Parameter>([
      ["/speed", float64Parameter("/speed", 1.5)],
      ["/name", { name: "/name", value: { kind: "string", value: "rover" } }],
    ]);
    const listener = { onParametersSubscribe: vi.fn(), onParametersUnsubscribe: vi.fn() };
    const stack = await sessionStack(livekit, {
      protocol: "2.2",
      listener,
      parameterHandler: {
        getParameters: ({ names }) =>
          [...values.values()].filter((p) => names.length === 0 || names.includes(p.name)),
        setParameters: ({ parameters }) => {
          for (const p of parameters) values.set(p.name, p);
          return parameters;
        },
      },
    });
    const viewer = await welcomedViewer(stack);
    expect(viewer.control[0]).toMatchObject({
      capabilities: ["parameters", "parametersSubscribe"],
    });
    await viewer.send({ op: "getParameters", parameterNames: ["/speed"], id: "get-1" });
    expect(await viewer.nextControl(op("parameterValues"))).toEqual({
      op: "parameterValues",
      parameters: [float64Parameter("/speed", 1.5)],
      id: "get-1",
    });

    const other = await welcomedViewer(stack, "viewer-2");
    await other.send({ op: "subscribeParameterUpdates", parameterNames: ["/speed"] });
    await vi.waitFor(
      () => expect(listener.onParametersSubscribe).toHaveBeenCalledWith(["/speed"]),
      { timeout: 10_000 },
    );
    await viewer.send({
      op: "setParameters",
      parameters: [float64Parameter("/speed", 2.5)],
      id: "set-1",
    });
    const echoed = await viewer.nextControl((m) => m.op === "parameterValues" && m.id === "set-1");
    expect(echoed).toMatchObject({ parameters: [float64Parameter("/speed", 2.5)] });
    // The handler decides what to publish: the app publishes, subscribers of the name get it.
    stack.gateway.publishParameterValues([
      float64Parameter("/speed", 2.5),
      values.get("/name") as Parameter,
    ]);
    const published = await other.nextControl(op("parameterValues"));
    expect(published).toEqual({
      op: "parameterValues",
      parameters: [float64Parameter("/speed", 2.5)],
    });

    await other.leave();
    await vi.waitFor(
      () => expect(listener.onParametersUnsubscribe).toHaveBeenCalledWith(["/speed"]),
      { timeout: 10_000 },
    );
  });

  it("reports a failing handler and refuses requests without the capability", async () => {
    const stack = await sessionStack(livekit, {
      protocol: "2.2",
      parameterHandler: {
        getParameters: () => Promise.reject(new Error("bus offline")),
      },
    });
    const viewer = await welcomedViewer(stack);
    await viewer.send({ op: "getParameters", parameterNames: [], id: "g" });
    expect(await viewer.nextControl(op("status"))).toMatchObject({
      level: StatusLevel.Error,
      message: "Internal server error: parameter handler failed: bus offline",
    });

    const plain = await sessionStack(livekit, { protocol: "2.2" });
    const refused = await welcomedViewer(plain, "viewer-3");
    await refused.send({ op: "getParameters", parameterNames: [] });
    await refused.send({ op: "subscribeParameterUpdates", parameterNames: ["/a"] });
    const statuses = await refused.until(
      () => (received(refused, "status").length >= 2 ? received(refused, "status") : undefined),
      10_000,
      "two statuses",
    );
    expect(statuses.map((s) => s.message)).toEqual([
      "Server does not support parameters capability",
      "Server does not support parametersSubscribe capability",
    ]);
  });
});

describe("protocol 2.2: connection graph", () => {
  it("sends subscribers the whole graph, then only what changed, and keeps it across sessions", async () => {
    const listener = { onConnectionGraphSubscribe: vi.fn(), onConnectionGraphUnsubscribe: vi.fn() };
    const stack = await sessionStack(
      livekit,
      { protocol: "2.2", capabilities: ["connectionGraph"], listener },
      { untilRunning: false },
    );
    // Published before any session exists: kept for the sessions to come.
    stack.gateway.publishConnectionGraph({
      publishedTopics: [{ name: "/a", publisherIds: ["node1"] }],
      subscribedTopics: [],
      advertisedServices: [{ name: "/srv", providerIds: ["node1"] }],
    });
    await stack.wake();
    await waitForStatus(stack.gateway, isRunning);
    const viewer = await welcomedViewer(stack);
    await viewer.send({ op: "subscribeConnectionGraph" });
    expect(await viewer.nextControl(op("connectionGraphUpdate"))).toEqual({
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/a", publisherIds: ["node1"] }],
      subscribedTopics: [],
      advertisedServices: [{ name: "/srv", providerIds: ["node1"] }],
      removedTopics: [],
      removedServices: [],
    });
    expect(listener.onConnectionGraphSubscribe).toHaveBeenCalledTimes(1);
    stack.gateway.publishConnectionGraph({
      publishedTopics: [
        { name: "/a", publisherIds: ["node1"] },
        { name: "/b", publisherIds: ["node2"] },
      ],
      subscribedTopics: [],
      advertisedServices: [],
    });
    const diff = await viewer.until(
      () => received(viewer, "connectionGraphUpdate")[1],
      10_000,
      "a diff",
    );
    expect(diff).toEqual({
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/b", publisherIds: ["node2"] }],
      subscribedTopics: [],
      advertisedServices: [],
      removedTopics: [],
      removedServices: ["/srv"],
    });
    await viewer.send({ op: "unsubscribeConnectionGraph" });
    await vi.waitFor(() => expect(listener.onConnectionGraphUnsubscribe).toHaveBeenCalledTimes(1), {
      timeout: 10_000,
    });
  });

  it("refuses subscriptions without the capability", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const viewer = await welcomedViewer(stack);
    await viewer.send({ op: "subscribeConnectionGraph" });
    expect(await viewer.nextControl(op("status"))).toMatchObject({
      level: StatusLevel.Error,
      message: "Server does not support connection graph capability",
    });
  });
});

describe("protocol 2.2: assets, status and ping", () => {
  it("serves assets through the handler, with errors as error responses", async () => {
    const stack = await sessionStack(livekit, {
      protocol: "2.2",
      assetHandler: ({ uri }) => {
        if (uri === "package://robot/mesh.stl") return utf8("solid mesh");
        throw new Error(`no such asset: ${uri}`);
      },
    });
    const viewer = await welcomedViewer(stack);
    expect(viewer.control[0]).toMatchObject({ capabilities: ["assets"] });
    await viewer.send({ op: "fetchAsset", requestId: 1, uri: "package://robot/mesh.stl" });
    await viewer.send({ op: "fetchAsset", requestId: 2, uri: "package://robot/none" });
    const responses = await viewer.until(
      () =>
        received(viewer, "fetchAssetResponse").length >= 2
          ? received(viewer, "fetchAssetResponse")
          : undefined,
      10_000,
      "two responses",
    );
    expect(responses[0]).toMatchObject({ requestId: 1, status: "success" });
    expect(text((responses[0] as { data: Uint8Array }).data)).toBe("solid mesh");
    expect(responses[1]).toEqual({
      op: "fetchAssetResponse",
      requestId: 2,
      status: "error",
      errorMessage: "no such asset: package://robot/none",
    });
  });

  it("broadcasts status messages and their removal", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const viewers = [await welcomedViewer(stack), await welcomedViewer(stack, "viewer-2")];
    stack.gateway.publishStatus({
      level: StatusLevel.Warning,
      message: "battery low",
      id: "battery",
    });
    stack.gateway.removeStatus(["battery"]);
    for (const viewer of viewers) {
      await viewer.nextControl(op("removeStatus"));
      expect(viewer.control.slice(-2)).toEqual([
        { op: "status", level: StatusLevel.Warning, message: "battery low", id: "battery" },
        { op: "removeStatus", statusIds: ["battery"] },
      ]);
    }
  });

  it("answers pings with pongs and measures the round trip from the acknowledgements", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const viewer = await welcomedViewer(stack);
    for (let i = 1; i <= 3; i++) {
      await viewer.send({ op: "ping", appTimestamp: BigInt(i) });
      const pong = await viewer.nextControl((m) => m.op === "pong" && m.appTimestamp === BigInt(i));
      if (pong.op !== "pong") throw new Error("not a pong");
      expect(Math.abs(Number(pong.deviceTimeMs) - Date.now())).toBeLessThan(60_000);
      await viewer.send({ op: "pingAck", deviceTimestamp: pong.deviceTimeMs });
    }
    // The first sample is discarded; the next ones make the estimate.
    const rtt = await vi.waitFor(
      () => {
        const ms = stack.gateway.status.viewers.find((v) => v.identity === "viewer-1")?.rttMs;
        if (ms === undefined) throw new Error("no RTT yet");
        return ms;
      },
      { timeout: 10_000 },
    );
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(60_000);
  });
});

describe("protocol 2.2: client publish", () => {
  it("takes client data on the control stream and refuses what it cannot route", async () => {
    const messages: Array<[string, number, string]> = [];
    const stack = await sessionStack(livekit, {
      protocol: "2.2",
      capabilities: ["clientPublish"],
      listener: {
        onMessageData: (client, channel, payload) =>
          messages.push([client.identity, channel.id, text(payload)]),
      },
    });
    const viewer = await welcomedViewer(stack);
    await viewer.send(
      { op: "advertise", channels: [{ id: 5, topic: "/cmd", encoding: "json", schemaName: "" }] },
      { op: "messageData", channelId: 5, data: utf8('{"go":1}') },
      { op: "messageData", channelId: 6, data: utf8("{}") },
    );
    await vi.waitFor(() => expect(messages).toEqual([["viewer-1", 5, '{"go":1}']]), {
      timeout: 10_000,
    });
    expect(await viewer.nextControl(op("status"))).toMatchObject({
      level: StatusLevel.Error,
      message: "Client has not advertised channel: 6",
    });

    const plain = await sessionStack(livekit, { protocol: "2.2" });
    const refused = await welcomedViewer(plain, "viewer-3");
    await refused.send({ op: "messageData", channelId: 1, data: utf8("{}") });
    expect(await refused.nextControl(op("status"))).toMatchObject({
      message: "Server does not support clientPublish capability",
    });
  });
});
