import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { SDK_VERSION } from "../../src/version.js";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  version: string;
  engines: { node: string };
  type: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; import: string }>;
};

describe("package", () => {
  it("reports the version it is published as", () => {
    expect(SDK_VERSION).toBe(pkg.version);
  });

  it("is ESM for Node >= 20", () => {
    expect(pkg.type).toBe("module");
    expect(pkg.engines.node).toBe(">=20");
  });

  it("builds every file the exports map and the bin entry promise, declarations included", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "gateway-build-"));
    await promisify(execFile)(process.execPath, [
      "node_modules/typescript/bin/tsc",
      "-p",
      "tsconfig.build.json",
      "--outDir",
      outDir,
    ]);
    const promised = Object.values(pkg.exports).flatMap((entry) =>
      typeof entry === "string" ? [] : [entry.types, entry.import],
    );
    expect(promised.length).toBeGreaterThanOrEqual(8);
    for (const file of [...promised, ...Object.values(pkg.bin)]) {
      expect(existsSync(join(outDir, file.replace(/^\.\/dist\//, ""))), file).toBe(true);
    }
    const cli = readFileSync(
      join(outDir, Object.values(pkg.bin)[0]?.replace(/^\.\/dist\//, "") ?? ""),
      "utf8",
    );
    expect(cli.startsWith("#!/usr/bin/env node")).toBe(true);
  }, 60_000);
});
