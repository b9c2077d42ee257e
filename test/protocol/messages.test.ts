import { describe, expect, it } from "vitest";
import {
  type ClientMessage,
  decodeClientFrame,
  decodeServerFrame,
  encodeClientBinaryFrame,
  encodeClientJsonFrame,
  encodeFrame,
  encodeServerJsonFrame,
  encodeServerMessageDataFrame,
  isFinalEvent,
  readClientMessages,
  readServerMessages,
  type StreamEvent,
} from "../../src/protocol/index.js";
import { chunkSource, collect, concat, hex, splitAt, utf8 } from "./helpers.js";

const UNSUBSCRIBE = encodeClientJsonFrame({ op: "unsubscribe", channelIds: [1, 2, 3] });
const SUBSCRIBE = encodeClientJsonFrame({
  op: "subscribe",
  channels: [{ id: 1, requestVideoTrack: false }],
});

function kinds(events: readonly StreamEvent<unknown>[]) {
  return events.map((e) => (e.kind === "skip" ? `skip:${e.error.kind}` : e.kind));
}

describe("readClientMessages (§6.6, §10.13)", () => {
  it("10.13: chunks of 3, 50, 64 → unsubscribe [1,2,3], subscribe [1], then a clean end", async () => {
    const stream = concat(UNSUBSCRIBE, SUBSCRIBE);
    expect(stream.length).toBe(117);
    const events = await collect(readClientMessages(chunkSource(splitAt(stream, [3, 50, 64]))));
    expect(events).toEqual([
      { kind: "message", message: { op: "unsubscribe", channelIds: [1, 2, 3] } },
      {
        kind: "message",
        message: { op: "subscribe", channels: [{ id: 1, requestVideoTrack: false }] },
      },
      { kind: "end" },
    ]);
  });

  it("10.13: first 4 bytes then end → no message and no error surfaced", async () => {
    const events = await collect(readClientMessages(chunkSource([UNSUBSCRIBE.subarray(0, 4)])));
    expect(events).toEqual([{ kind: "truncated", receivedBytes: 4, expectedBytes: 5 }]);
    expect(events.some((e) => e.kind === "skip" || e.kind === "stop")).toBe(false);
  });

  it("10.13: header 03 00 00 00 00 → stream abandoned", async () => {
    const events = await collect(
      readClientMessages(chunkSource([hex("03 00 00 00 00"), SUBSCRIBE])),
    );
    expect(events).toEqual([
      { kind: "stop", error: expect.objectContaining({ kind: "invalid-frame-opcode" }) },
    ]);
  });

  it("10.13: 01 02 00 00 00 ff fe → invalid UTF-8 skipped, reading continues", async () => {
    const events = await collect(
      readClientMessages(chunkSource([hex("01 02 00 00 00 ff fe"), SUBSCRIBE])),
    );
    expect(kinds(events)).toEqual(["skip:invalid-utf8", "message", "end"]);
    expect(events[0]).toMatchObject({ frame: { opcode: 1, payload: hex("ff fe") } });
  });

  it("skips undecodable messages of every kind and keeps going", async () => {
    const stream = concat(
      hex("01 01 00 00 00 7b"), // invalid JSON
      encodeClientJsonFrame({ op: "fetchAsset", requestId: 1, uri: "x" }),
      encodeFrame(1, utf8('{"op":"zap"}')), // unknown op
      encodeFrame(1, utf8('{"channels":[]}')), // missing op
      encodeFrame(1, utf8('{"op":"unsubscribe","channelIds":[-1]}')), // invalid field
      hex("02 00 00 00 00"), // empty binary message
      hex("02 01 00 00 00 ff"), // unknown binary opcode
      hex("02 04 00 00 00 01 1e 00 00"), // client MessageData too short
      encodeClientBinaryFrame({ op: "pingAck", deviceTimestamp: 5n }),
      SUBSCRIBE,
    );
    const events = await collect(readClientMessages(chunkSource(splitAt(stream, [7, 7, 7, 7, 7]))));
    expect(kinds(events)).toEqual([
      "skip:invalid-json",
      "message",
      "skip:unknown-op",
      "skip:missing-field",
      "skip:invalid-field",
      "skip:empty-binary-message",
      "skip:unknown-opcode",
      "skip:buffer-too-short",
      "message",
      "message",
      "end",
    ]);
    expect(events.filter((e) => isFinalEvent(e))).toHaveLength(1);
  });

  it("stops on an oversized frame even after good messages", async () => {
    const events = await collect(
      readClientMessages(chunkSource([SUBSCRIBE, hex("01 ff ff ff ff 7b")])),
    );
    expect(kinds(events)).toEqual(["message", "stop"]);
    expect(events[1]).toMatchObject({ error: { kind: "frame-too-large" } });
  });
});

describe("decodeClientFrame / decodeServerFrame", () => {
  it("dispatch on the frame opcode", () => {
    const client: ClientMessage = { op: "pingAck", deviceTimestamp: 1n };
    expect(decodeClientFrame({ opcode: 2, payload: hex("05 01 00 00 00 00 00 00 00") })).toEqual({
      ok: true,
      value: client,
    });
    expect(
      decodeClientFrame({ opcode: 1, payload: utf8('{"op":"subscribeConnectionGraph"}') }),
    ).toEqual({
      ok: true,
      value: { op: "subscribeConnectionGraph" },
    });
    expect(
      decodeServerFrame({ opcode: 1, payload: utf8('{"op":"removeStatus","statusIds":[]}') }),
    ).toEqual({
      ok: true,
      value: { op: "removeStatus", statusIds: [] },
    });
    // The same bytes mean different things per direction: 0x06 is server-only.
    const pong = hex("06 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00");
    expect(decodeServerFrame({ opcode: 2, payload: pong })).toMatchObject({
      ok: true,
      value: { op: "pong" },
    });
    expect(decodeClientFrame({ opcode: 2, payload: pong })).toMatchObject({
      ok: false,
      error: { kind: "unknown-opcode" },
    });
  });

  it("readServerMessages reads a viewer's control and data streams", async () => {
    const stream = concat(
      encodeServerJsonFrame({ op: "serverInfo", name: "gw", capabilities: [] }),
      encodeServerMessageDataFrame(42, 1_700_000_000_123_456_789n, utf8("payload")),
    );
    const events = await collect(
      readServerMessages(chunkSource(splitAt(stream, [1, 2, 3, 5, 8, 13]))),
    );
    expect(events).toEqual([
      { kind: "message", message: { op: "serverInfo", name: "gw", capabilities: [] } },
      {
        kind: "message",
        message: {
          op: "messageData",
          channelId: 42n,
          logTime: 1_700_000_000_123_456_789n,
          data: utf8("payload"),
        },
      },
      { kind: "end" },
    ]);
  });
});
