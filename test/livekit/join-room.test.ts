import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { joinRoom, RoomJoinError } from "../../src/livekit/index.js";
import { startLivekitServer } from "../support/livekit.js";
import { disposeRtcAfterAll, mintToken } from "../support/rtc.js";
import { silentPort } from "../support/silent-port.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

describe("joinRoom", () => {
  it("joins and reports who is already there", async () => {
    const first = await joinRoom(livekit.url, await mintToken("join-a", "first"));
    const second = await joinRoom(livekit.url, await mintToken("join-a", "second"));
    expect(second.identity).toBe("second");
    expect(second.remoteIdentities).toEqual(["first"]);
    await Promise.all([first.disconnect(), second.disconnect()]);
    expect(first.isConnected).toBe(false);
  });

  it("never shows the token: a rejected (expired) token fails with a scrubbed message", async () => {
    const token = await mintToken("join-b", "expired", "-2m");
    const error = await joinRoom(livekit.url, token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomJoinError);
    expect((error as RoomJoinError).reason).toBe("rejected");
    for (const text of [
      String(error),
      (error as Error).stack,
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
    }
  });

  it("a joined room prints as its identity, not as the rtc-node Room that holds the token", async () => {
    const token = await mintToken("join-c", "printed");
    const room = await joinRoom(livekit.url, token);
    expect(JSON.stringify(room)).toBe('{"identity":"printed"}');
    expect(inspect(room, { depth: 10 })).not.toContain(token);
    await room.disconnect();
  });

  it("gives up at once when aborted mid-connect to a server that never answers", async () => {
    const port = await silentPort();
    const controller = new AbortController();
    const joining = joinRoom(`ws://127.0.0.1:${port}`, await mintToken("join-d", "late"), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await joining.catch((e: unknown) => e);
    expect((error as RoomJoinError).reason).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("disconnect is bounded and idempotent", async () => {
    const room = await joinRoom(livekit.url, await mintToken("join-e", "bounded"));
    livekit.freeze();
    try {
      const started = Date.now();
      await Promise.all([room.disconnect(300), room.disconnect(300)]);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      livekit.thaw();
    }
  });
});
