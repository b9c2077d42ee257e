import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

async function exitCode(
  command: string,
  args: string[],
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

describe("code quality", () => {
  it("typechecks under strict settings", async () => {
    const { code, output } = await exitCode(process.execPath, [
      "node_modules/typescript/bin/tsc",
      "-p",
      "tsconfig.json",
      "--noEmit",
    ]);
    expect(output).toBe("");
    expect(code).toBe(0);
  }, 60_000);

  it("passes the linter and the formatter", async () => {
    const { code, output } = await exitCode("node_modules/.bin/biome", ["check", "."]);
    expect(code, output).toBe(0);
  }, 60_000);
});
