import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it, onTestFinished } from "vitest";
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
    // Inside the repository, so that the built code resolves node_modules as an installed package does.
    await mkdir(".cache", { recursive: true });
    const outDir = await mkdtemp(join(process.cwd(), ".cache", "build-"));
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
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

    // The built code runs: the CLI answers --help, and the dashboard bundles its page from the
    // compiled JavaScript (there is no TypeScript next to it once built).
    const help = await promisify(execFile)(process.execPath, [
      join(outDir, "src/cli/main.js"),
      "--help",
    ]);
    expect(help.stdout).toMatch(/^Usage: foxglove-gateway/);
    const built = (await import(
      pathToFileURL(join(outDir, "src/dashboard/index.js")).href
    )) as typeof import("../../src/dashboard/index.js");
    const dashboard = await built.startDashboard();
    onTestFinished(() => dashboard.close());
    const script = await fetch(new URL("dashboard.js", dashboard.url));
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("ws-protocol");
  }, 60_000);
});
