import { describe, expect, it } from "vitest";
import type { ChannelDescriptor } from "../../src/context/channel-descriptor.js";
import { encodeServerJson, encodeServerJsonFrame } from "../../src/protocol/index.js";
import { planAdvertisements } from "../../src/session/advertisements.js";
import { hex, toHex, utf8 } from "../protocol/helpers.js";

const advertiseFrame = (channels: readonly ChannelDescriptor[]) =>
  encodeServerJsonFrame({ op: "advertise", channels: planAdvertisements(channels).entries });

// The four channels of spec 10.6.
const t1: ChannelDescriptor = { id: 10, topic: "/t1", messageEncoding: "json", metadata: {} };
const t2: ChannelDescriptor = {
  id: 20,
  topic: "/t2",
  messageEncoding: "json",
  schema: { name: "t2-schema", encoding: "jsonschema", data: utf8('{"type": "object"}') },
  metadata: {},
};
const t3: ChannelDescriptor = {
  id: 30,
  topic: "/t3",
  messageEncoding: "protobuf",
  schema: { name: "t3-schema", encoding: "protobuf", data: hex("de ad be ef") },
  metadata: {},
};
const t4: ChannelDescriptor = {
  id: 40,
  topic: "/t4",
  messageEncoding: "json",
  metadata: { "foxglove.hasVideoTrack": "true" },
};

describe("planAdvertisements: spec vectors", () => {
  it("10.5: one schemaless JSON channel (Text frame, 107 bytes)", () => {
    const frame = advertiseFrame([
      { id: 1, topic: "/test", messageEncoding: "json", metadata: {} },
    ]);
    const expected = hex(`
      0000: 01 66 00 00 00 7b 22 6f 70 22 3a 22 61 64 76 65
      0010: 72 74 69 73 65 22 2c 22 63 68 61 6e 6e 65 6c 73
      0020: 22 3a 5b 7b 22 69 64 22 3a 31 2c 22 74 6f 70 69
      0030: 63 22 3a 22 2f 74 65 73 74 22 2c 22 65 6e 63 6f
      0040: 64 69 6e 67 22 3a 22 6a 73 6f 6e 22 2c 22 73 63
      0050: 68 65 6d 61 4e 61 6d 65 22 3a 22 22 2c 22 73 63
      0060: 68 65 6d 61 22 3a 22 22 7d 5d 7d`);
    expect(expected.length).toBe(107);
    expect(toHex(frame)).toBe(toHex(expected));
  });

  it("10.6: four channels, 466-byte payload, header 01 d2 01 00 00", () => {
    const json =
      '{"op":"advertise","channels":[{"id":10,"topic":"/t1","encoding":"json","schemaName":"","schema":""},{"id":20,"topic":"/t2","encoding":"json","schemaName":"t2-schema","schemaEncoding":"jsonschema","schema":"{\\"type\\": \\"object\\"}"},{"id":30,"topic":"/t3","encoding":"protobuf","schemaName":"t3-schema","schemaEncoding":"protobuf","schema":"3q2+7w=="},{"id":40,"topic":"/t4","encoding":"json","schemaName":"","schema":"","metadata":{"foxglove.hasVideoTrack":"true"}}]}';
    const frame = advertiseFrame([t1, t2, t3, t4]);
    expect(frame.length).toBe(5 + 466);
    expect(toHex(frame.subarray(0, 5))).toBe("01 d2 01 00 00");
    expect(new TextDecoder().decode(frame.subarray(5))).toBe(json);
  });

  it("10.6 metadata ordering check: keys in byte-wise order", () => {
    const plan = planAdvertisements([
      {
        id: 1,
        topic: "/t",
        messageEncoding: "json",
        metadata: { "9": "b", "10": "a", "foxglove.hasVideoTrack": "true" },
      },
    ]);
    expect(encodeServerJson({ op: "advertise", channels: plan.entries })).toContain(
      '"metadata":{"10":"a","9":"b","foxglove.hasVideoTrack":"true"}',
    );
  });
});

describe("planAdvertisements: filter and skips (spec 8.2)", () => {
  it("keeps input order and pairs each entry with its channel", () => {
    const plan = planAdvertisements([t4, t1, t3]);
    expect(plan.entries.map((e) => e.id)).toEqual([40, 10, 30]);
    expect(plan.advertised).toEqual([t4, t1, t3]);
    expect(plan.skipped).toEqual([]);
  });

  it("skips channels the filter rejects, reporting them", () => {
    const seen: ChannelDescriptor[] = [];
    const plan = planAdvertisements([t1, t2, t3, t4], (channel) => {
      seen.push(channel);
      return channel.id !== 20 && channel.id !== 40;
    });
    expect(seen).toEqual([t1, t2, t3, t4]);
    expect(plan.entries.map((e) => e.id)).toEqual([10, 30]);
    expect(plan.advertised).toEqual([t1, t3]);
    expect(plan.skipped.map((s) => [s.channel.id, s.reason])).toEqual([
      [20, "filtered"],
      [40, "filtered"],
    ]);
    expect(plan.skipped[0]?.message).toContain("/t2");
  });

  it("treats a throwing filter as a rejection, keeping the error", () => {
    const boom = new Error("boom");
    const plan = planAdvertisements([t1, t2], (channel) => {
      if (channel.id === 10) throw boom;
      return true;
    });
    expect(plan.entries.map((e) => e.id)).toEqual([20]);
    expect(plan.skipped).toHaveLength(1);
    expect(plan.skipped[0]).toMatchObject({ channel: t1, reason: "filter-error", cause: boom });
    expect(plan.skipped[0]?.message).toContain("boom");
  });

  it("skips a channel whose encoding requires a schema it lacks", () => {
    for (const messageEncoding of ["protobuf", "flatbuffer", "ros1", "cdr"]) {
      const bad: ChannelDescriptor = { id: 5, topic: "/bad", messageEncoding, metadata: {} };
      const plan = planAdvertisements([t1, bad, t4]);
      expect(plan.entries.map((e) => e.id)).toEqual([10, 40]);
      expect(plan.skipped).toHaveLength(1);
      expect(plan.skipped[0]).toMatchObject({ channel: bad, reason: "missing-schema" });
      expect(plan.skipped[0]?.message).toMatch(/^channel 5 \(\/bad\)/);
    }
  });

  it("skips a channel whose text schema is not UTF-8, naming it in the message", () => {
    const bad: ChannelDescriptor = {
      id: 6,
      topic: "/latin1",
      messageEncoding: "json",
      schema: { name: "s", encoding: "jsonschema", data: hex("ff fe") },
      metadata: {},
    };
    const plan = planAdvertisements([bad, t2]);
    expect(plan.entries.map((e) => e.id)).toEqual([20]);
    expect(plan.skipped[0]).toMatchObject({ channel: bad, reason: "invalid-utf8" });
    expect(plan.skipped[0]?.message).toMatch(/^channel 6 \(\/latin1\): /);
  });

  it("returns nothing to send when every channel is skipped", () => {
    const plan = planAdvertisements([t1, t2], () => false);
    expect(plan.entries).toEqual([]);
    expect(plan.advertised).toEqual([]);
    expect(plan.skipped).toHaveLength(2);
  });

  it("does not mark video-capable channels with hasVideoTrack (video deferred, 8.13)", () => {
    const image: ChannelDescriptor = {
      id: 7,
      topic: "/camera",
      messageEncoding: "protobuf",
      schema: { name: "foxglove.CompressedImage", encoding: "protobuf", data: new Uint8Array() },
      metadata: {},
    };
    const [entry] = planAdvertisements([image]).entries;
    expect(entry).toEqual({
      id: 7,
      topic: "/camera",
      encoding: "protobuf",
      schemaName: "foxglove.CompressedImage",
      schemaEncoding: "protobuf",
      schema: "",
    });
  });
});
