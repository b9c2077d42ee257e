import { describe, expect, it, vi } from "vitest";
import type { ParticipantActor } from "../../../machines/gateway.machine.js";
import { StatusLevel } from "../../../src/protocol/index.js";
import { ControlViewer } from "../../support/control-viewer.js";
import { isRunning, waitForStatus } from "../../support/gateway.js";
import { startLivekitServer } from "../../support/livekit.js";
import { disposeRtcAfterAll } from "../../support/rtc.js";
import { sessionStack } from "../../support/session-stack.js";
import { op, welcomedViewer } from "./helpers.js";

disposeRtcAfterAll();
const livekit = await startLivekitServer();

/** Logs on `channel` until `viewer` has `count` messages from its data track. */
async function streamUntil(
  viewer: ControlViewer,
  channel: { id: number; log(message: object): void },
  count: number,
) {
  let n = 0;
  return viewer.until(
    () => {
      channel.log({ n: n++ });
      const messages = viewer.trackData.get(channel.id) ?? [];
      return messages.length >= count ? messages : undefined;
    },
    15_000,
    `${count} messages on channel ${channel.id}`,
  );
}

describe("protocol 2.2: viewers", () => {
  it("turns away a viewer of another protocol version with one error status, and serves the others", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const old = await stack.controlViewer("old-viewer", { protocolVersion: "1.9.0" });
    const current = await welcomedViewer(stack, "current-viewer");
    await old.nextControl(op("status"));
    await old.until(() => (old.streams[0]?.ending === "end" ? true : undefined), 10_000, "the end");
    expect(old.control).toEqual([
      {
        op: "status",
        level: StatusLevel.Error,
        message:
          "Remote access protocol version 1.9.0 is not compatible with this device (supported: 2.2.0)",
      },
    ]);
    expect(old.streams).toHaveLength(1);
    const { children, context } = stack.gateway.actor.getSnapshot();
    const oldRef = context.participants.find((p) => p.identity === "old-viewer");
    expect(oldRef?.protocolVersion).toBe("1.9.0");
    const oldActor = children[`participant:${oldRef?.sid}`] as ParticipantActor | undefined;
    await vi.waitFor(() => expect(oldActor?.getSnapshot().value).toBe("rejected"));
    expect(stack.gateway.status.viewers.map((v) => v.identity)).toEqual(["current-viewer"]);
    expect(current.control[0]?.op).toBe("serverInfo");
  });

  it("serves a viewer that sets no version as a 2.2 viewer", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const viewer = await stack.controlViewer("quiet-viewer", { protocolVersion: null });
    expect((await viewer.nextControl(op("serverInfo"))).op).toBe("serverInfo");
  });

  it("keeps delivering to a second viewer after the first leaves", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const channel = stack.context.createChannel({ topic: "/data", messageEncoding: "json" });
    const first = await welcomedViewer(stack, "viewer-1");
    await first.subscribe(channel.id);
    await streamUntil(first, channel, 3);
    const second = await welcomedViewer(stack, "viewer-2");
    await second.subscribe(channel.id);
    await streamUntil(second, channel, 3);
    await first.leave();
    await vi.waitFor(() => expect(stack.gateway.status.participants).toEqual(["viewer-2"]), {
      timeout: 10_000,
    });
    const before = second.trackData.get(channel.id)?.length ?? 0;
    const after = await streamUntil(second, channel, before + 5);
    const sequences = after.map((m) => m.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(channel.hasSubscribers).toBe(true);
  });

  it("welcomes a viewer that was in the room before the gateway joined", async () => {
    const stack = await sessionStack(
      livekit,
      // The first attempt fails and the next waits for retryNow(): the viewer is in the room first.
      { protocol: "2.2", retryPolicy: { kind: "fixed", periodMs: 600_000, minUptimeMs: 1_000 } },
      { untilRunning: false },
    );
    stack.api.failNext("device-info", { type: "status", status: 503 });
    await waitForStatus(stack.gateway, (s) => s.state === "backoff");
    const viewer = await stack.controlViewer("early-viewer");
    stack.gateway.retryNow();
    await stack.wake();
    await waitForStatus(stack.gateway, isRunning);
    expect(stack.gateway.status.participants).toEqual(["early-viewer"]);
    expect((await viewer.nextControl(op("serverInfo"))).op).toBe("serverInfo");
  });

  it("serves the newest instance of an identity that rejoins, in place of the old one", async () => {
    const stack = await sessionStack(livekit, { protocol: "2.2" });
    const channel = stack.context.createChannel({ topic: "/data", messageEncoding: "json" });
    const first = await welcomedViewer(stack, "twin");
    const firstSid = stack.gateway.actor.getSnapshot().context.participants[0]?.sid;
    // Same identity again: livekit-server drops the first instance (duplicate identity).
    const second = await welcomedViewer(stack, "twin");
    await vi.waitFor(
      () => {
        const { participants } = stack.gateway.actor.getSnapshot().context;
        expect(participants).toHaveLength(1);
        expect(participants[0]?.sid).not.toBe(firstSid);
      },
      { timeout: 15_000 },
    );
    const { children, context } = stack.gateway.actor.getSnapshot();
    const participantActors = Object.keys(children).filter((id) => id.startsWith("participant:"));
    expect(participantActors).toEqual([`participant:${context.participants[0]?.sid}`]);
    await second.subscribe(channel.id);
    await streamUntil(second, channel, 3);
    expect(stack.gateway.status.viewers.map((v) => v.identity)).toEqual(["twin"]);
    expect(first.control[0]?.op).toBe("serverInfo");
  });
});
