import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build, stop } from "esbuild";

let bundled: Promise<string> | undefined;

/**
 * The dashboard's browser code (with livekit-client and the protocol codec) as one script, bundled
 * once per process. esbuild's service process (about 40 MB) is stopped as soon as it is done.
 */
export function browserScript(): Promise<string> {
  bundled ??= bundle().finally(() => stop());
  return bundled;
}

/**
 * It runs from the TypeScript sources under tsx and from the compiled JavaScript once built, so the
 * entry is whichever of the two sits next to this module.
 */
async function bundle(): Promise<string> {
  const entry = ["./browser/main.ts", "./browser/main.js"]
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((path) => existsSync(path));
  if (!entry) throw new Error("the dashboard's browser code is missing from this installation");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild produced no dashboard script");
  return output.text;
}
