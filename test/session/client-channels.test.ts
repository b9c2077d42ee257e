import { describe, expect, it } from "vitest";
import { ClientChannels } from "../../src/session/client-channels.js";

const json = {
  id: 1,
  topic: "/cmd",
  encoding: "json",
  schemaName: "Cmd",
  schemaEncoding: "jsonschema",
  schema: '{"type":"object"}',
};
const proto = {
  id: 2,
  topic: "/pb",
  encoding: "protobuf",
  schemaName: "pkg.Msg",
  schemaEncoding: "protobuf",
  schema: "3q2+7w==",
};

describe("client channels (spec 11.5)", () => {
  it("accepts channels and decodes their schemas (base64 for protobuf, text otherwise)", () => {
    const channels = new ClientChannels(true);
    const { channels: accepted, statuses } = channels.advertise("viewer-1", [json, proto]);
    expect(statuses).toEqual([]);
    expect(accepted.map((c) => c.id)).toEqual([1, 2]);
    expect(new TextDecoder().decode(accepted[0]?.schema)).toBe('{"type":"object"}');
    expect([...(accepted[1]?.schema ?? [])]).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });

  it("tolerates a schema name without schema data", () => {
    const { channels } = new ClientChannels(true).advertise("v", [
      { id: 3, topic: "/t", encoding: "json", schemaName: "S" },
    ]);
    expect(channels[0]).toMatchObject({ schemaName: "S", schema: new Uint8Array() });
  });

  it("refuses everything without the clientPublish capability", () => {
    const channels = new ClientChannels(false);
    expect(channels.advertise("v", [json]).statuses).toEqual([
      { op: "status", level: 2, message: "Server does not support clientPublish capability" },
    ]);
    expect(channels.route("v", 1)).toEqual({
      status: {
        op: "status",
        level: 2,
        message: "Server does not support clientPublish capability",
      },
    });
  });

  it("warns about a channel the viewer already advertised, and keeps the first", () => {
    const channels = new ClientChannels(true);
    channels.advertise("v", [json]);
    const again = channels.advertise("v", [{ ...json, topic: "/other" }]);
    expect(again.channels).toEqual([]);
    expect(again.statuses).toEqual([
      {
        op: "status",
        level: 1,
        message: "Client is already advertising channel: 1; ignoring advertisement",
      },
    ]);
    expect(channels.route("v", 1)).toMatchObject({ channel: { topic: "/cmd" } });
  });

  it("refuses a schema that does not decode, naming the channel", () => {
    const { channels, statuses } = new ClientChannels(true).advertise("v", [
      { ...proto, schema: "not base64!" },
    ]);
    expect(channels).toEqual([]);
    expect(statuses[0]?.message).toMatch(/^Failed to decode schema for channel 2: /);
    expect(statuses[0]?.level).toBe(2);
  });

  it("ids are per viewer", () => {
    const channels = new ClientChannels(true);
    channels.advertise("a", [json]);
    expect(channels.advertise("b", [json]).statuses).toEqual([]);
    expect(channels.route("b", 1)).toMatchObject({ channel: { id: 1 } });
  });

  it("routes messages only on advertised channels", () => {
    const channels = new ClientChannels(true);
    channels.advertise("v", [json]);
    expect(channels.route("v", 9)).toEqual({
      status: { op: "status", level: 2, message: "Client has not advertised channel: 9" },
    });
  });

  it("unadvertise ignores unknown ids; a viewer leaving takes all its channels", () => {
    const channels = new ClientChannels(true);
    channels.advertise("v", [json, proto]);
    expect(channels.unadvertise("v", [7, 1]).map((c) => c.id)).toEqual([1]);
    expect(channels.removeViewer("v").map((c) => c.id)).toEqual([2]);
    expect(channels.removeViewer("v")).toEqual([]);
    expect("status" in channels.route("v", 2)).toBe(true);
  });
});
