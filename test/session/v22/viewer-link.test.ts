import { describe, expect, it, vi } from "vitest";
import type { ByteStreamSink } from "../../../src/livekit/index.js";
import {
  encodeServerJsonFrame,
  readServerMessages,
  type ServerMessage,
} from "../../../src/protocol/index.js";
import {
  MAX_CONSECUTIVE_RESETS,
  RESET_STATUS_ID,
  ViewerLink,
} from "../../../src/session/v22/viewer-link.js";

/** An in-memory control stream: records what is written, and can hold or fail writes. */
class MemoryStream implements ByteStreamSink {
  readonly written: Uint8Array[] = [];
  closed = false;
  failWrites = false;
  #held: Array<() => void> = [];
  hold = false;

  async write(chunk: Uint8Array): Promise<void> {
    if (this.failWrites) throw new Error("stream broken");
    if (this.hold) await new Promise<void>((resolve) => this.#held.push(resolve));
    this.written.push(chunk);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Writes waiting for `release()`. */
  get heldWrites(): number {
    return this.#held.length;
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.#held.splice(0)) resolve();
  }

  async messages(): Promise<ServerMessage[]> {
    const out: ServerMessage[] = [];
    const source = (async function* (chunks: Uint8Array[]) {
      yield* chunks;
    })(this.written);
    for await (const event of readServerMessages(source))
      if (event.kind === "message") out.push(event.message);
    return out;
  }
}

const status = (message: string) => encodeServerJsonFrame({ op: "status", level: 0, message });
const welcome = () => [status("welcome")];
const log = { info() {}, warn() {}, debug() {} };

function link(first: MemoryStream, options: { capacity?: number; streams?: MemoryStream[] } = {}) {
  const streams = options.streams ?? [];
  return new ViewerLink(first, {
    info: { identity: "viewer-1", sid: "PA_1" },
    open: async () => {
      const next = new MemoryStream();
      streams.push(next);
      return next;
    },
    welcome,
    capacity: options.capacity ?? 4,
    writeTimeoutMs: 1_000,
    log,
  });
}

const texts = async (stream: MemoryStream) =>
  (await stream.messages()).map((m) => (m.op === "status" ? m.message : m.op));

describe("a viewer's control stream (protocol 2.2)", () => {
  it("starts with the welcome, sends control messages before data, and coalesces writes", async () => {
    const stream = new MemoryStream();
    const viewer = link(stream);
    viewer.sendData(status("data-1"));
    viewer.sendControl(status("control-1"));
    void viewer.run();
    await vi.waitFor(async () =>
      expect(await texts(stream)).toEqual(["welcome", "control-1", "data-1"]),
    );
    expect(stream.written.length).toBe(2);
    await viewer.close();
    expect(stream.closed).toBe(true);
  });

  it("drops the oldest Reliable data when its lane is full, and counts it", async () => {
    const stream = new MemoryStream();
    stream.hold = true;
    const viewer = link(stream, { capacity: 2 });
    void viewer.run();
    await vi.waitFor(() => expect(stream.heldWrites).toBe(1));
    for (let i = 1; i <= 5; i++) viewer.sendData(status(`data-${i}`));
    stream.release();
    await vi.waitFor(async () =>
      expect(await texts(stream)).toEqual(["welcome", "data-4", "data-5"]),
    );
    expect(viewer.droppedMessages).toBe(3);
    await viewer.close();
  });

  it("resets on a failed write: a new stream, a fresh welcome, and a warning counting the loss", async () => {
    const stream = new MemoryStream();
    const streams: MemoryStream[] = [];
    const viewer = link(stream, { streams });
    void viewer.run();
    await vi.waitFor(() => expect(stream.written).toHaveLength(1));
    stream.failWrites = true;
    viewer.sendControl(status("lost"));
    await vi.waitFor(() => expect(streams).toHaveLength(1));
    expect(stream.closed).toBe(true);
    viewer.sendControl(status("after"));
    const next = streams[0] as MemoryStream;
    await vi.waitFor(async () => expect(await next.messages()).toHaveLength(3));
    const messages = await next.messages();
    expect(messages.map((m) => (m.op === "status" ? (m.id ?? m.message) : m.op))).toEqual([
      "welcome",
      RESET_STATUS_ID,
      "after",
    ]);
    expect(messages[1]).toMatchObject({
      level: 1,
      message: expect.stringContaining("1 message(s) were lost"),
    });
    expect(viewer.resets).toBe(1);
    await viewer.close();
  });

  it("resets when the control lane overflows, instead of growing without bound", async () => {
    const stream = new MemoryStream();
    const streams: MemoryStream[] = [];
    stream.hold = true;
    const viewer = link(stream, { capacity: 3, streams });
    void viewer.run();
    await vi.waitFor(() => expect(stream.heldWrites).toBe(1));
    for (let i = 0; i < 10; i++) viewer.sendControl(status(`c-${i}`));
    stream.release();
    await vi.waitFor(async () =>
      expect(await (streams[0] as MemoryStream)?.messages()).toHaveLength(2),
    );
    expect(viewer.resets).toBe(1);
    const messages = await (streams[0] as MemoryStream).messages();
    expect(messages[0]).toMatchObject({ message: "welcome" });
    expect(messages[1]).toMatchObject({ id: RESET_STATUS_ID });
    await viewer.close();
  });

  it("gives up after repeated failures until the viewer rejoins", async () => {
    const stream = new MemoryStream();
    stream.failWrites = true;
    const failing: MemoryStream[] = [];
    const warnings: string[] = [];
    const viewer = new ViewerLink(stream, {
      info: { identity: "viewer-1", sid: "PA_1" },
      open: async () => {
        const next = new MemoryStream();
        next.failWrites = true;
        failing.push(next);
        return next;
      },
      welcome,
      capacity: 4,
      writeTimeoutMs: 1_000,
      log: { ...log, warn: (line) => warnings.push(line) },
    });
    void viewer.run();
    await vi.waitFor(() => expect(warnings.at(-1)).toMatch(/not served until it rejoins/));
    expect(failing).toHaveLength(MAX_CONSECUTIVE_RESETS);
    await viewer.close();
  });
});
