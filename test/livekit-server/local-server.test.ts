import { describe, expect, it } from "vitest";
import { startLivekitServer } from "../support/livekit.js";

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
    (response) => response.status === 200,
    () => false,
  );
}

describe("LocalLivekitServer", () => {
  it("runs several servers at once on distinct loopback ports and prints a ready line", async () => {
    const lines: string[] = [];
    const log = (line: string) => {
      lines.push(line);
      console.log(line);
    };
    const [a, b] = await Promise.all([startLivekitServer({ log }), startLivekitServer({ log })]);
    expect(a.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(a.port).not.toBe(b.port);
    expect(await answers(a.httpUrl)).toBe(true);
    expect(await answers(b.httpUrl)).toBe(true);
    expect(lines.sort()).toEqual(
      [a, b].map((s) => `livekit-server 1.13.5 ready at ${s.url}`).sort(),
    );
  });

  it("is killed with SIGKILL and restarts on the same port", async () => {
    const server = await startLivekitServer({ log: () => {} });
    const { url, pid } = server;
    await server.kill();
    expect(server.isRunning).toBe(false);
    expect(await answers(server.httpUrl)).toBe(false);
    await server.restart();
    expect(server.url).toBe(url);
    expect(server.pid).not.toBe(pid);
    expect(await answers(server.httpUrl)).toBe(true);
  });

  it("stops a frozen server", async () => {
    const server = await startLivekitServer({ log: () => {} });
    server.freeze();
    expect(await answers(server.httpUrl)).toBe(false);
    await server.stop(500);
    expect(server.isRunning).toBe(false);
  });
});
