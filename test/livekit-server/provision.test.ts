import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { provisionLivekitServer } from "../../src/dev/livekit-binary.js";

async function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "lk-provision-"));
}

async function fakeExecutable(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, "#!/bin/sh\necho fake\n");
  await chmod(path, 0o755);
  return path;
}

describe("provisionLivekitServer", () => {
  it("takes LIVEKIT_SERVER_BIN first", async () => {
    const dir = await scratchDir();
    const bin = await fakeExecutable(dir, "my-livekit");
    const onPath = await fakeExecutable(await scratchDir(), "livekit-server");
    const found = await provisionLivekitServer({
      env: { LIVEKIT_SERVER_BIN: bin, PATH: join(onPath, "..") },
    });
    expect(found).toEqual({ path: bin, source: "env" });
  });

  it("rejects a LIVEKIT_SERVER_BIN that is not executable, naming the variable", async () => {
    const missing = join(await scratchDir(), "nope");
    await expect(provisionLivekitServer({ env: { LIVEKIT_SERVER_BIN: missing } })).rejects.toThrow(
      `LIVEKIT_SERVER_BIN=${missing} is not an executable file`,
    );
  });

  it("takes livekit-server from PATH before the cache", async () => {
    const dir = await scratchDir();
    const bin = await fakeExecutable(dir, "livekit-server");
    const cacheDir = await scratchDir();
    await fakeExecutable(cacheDir, "livekit-server");
    const found = await provisionLivekitServer({ env: { PATH: `/nonexistent:${dir}` }, cacheDir });
    expect(found).toEqual({ path: bin, source: "path" });
  });

  it("uses a cached binary without building", async () => {
    const cacheDir = await scratchDir();
    const cached = await fakeExecutable(cacheDir, "livekit-server");
    const found = await provisionLivekitServer({ env: { PATH: "" }, cacheDir, goDirs: [] });
    expect(found).toEqual({ path: cached, source: "cache" });
  });

  it("explains how to get a binary when there is neither one nor Go", async () => {
    const error = await provisionLivekitServer({
      env: { PATH: "" },
      cacheDir: await scratchDir(),
      goDirs: [await scratchDir()],
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/install Go >= 1\.26/);
    expect((error as Error).message).toMatch(/LIVEKIT_SERVER_BIN=/);
  });

  it("does not use a Go older than 1.26", async () => {
    const goDir = await scratchDir();
    await writeFile(join(goDir, "go"), "#!/bin/sh\necho go version go1.22.1 linux/amd64\n");
    await chmod(join(goDir, "go"), 0o755);
    await expect(
      provisionLivekitServer({ env: { PATH: "" }, cacheDir: await scratchDir(), goDirs: [goDir] }),
    ).rejects.toThrow(/install Go >= 1\.26/);
  });

  it("refuses to build when asked not to", async () => {
    await expect(
      provisionLivekitServer({ env: { PATH: "" }, cacheDir: await scratchDir(), build: false }),
    ).rejects.toThrow(/No livekit-server binary found/);
  });
});
