import { execFile } from "node:child_process";
import { constants, existsSync } from "node:fs";
import { access, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The livekit-server release our tests and local stack run against. */
export const LIVEKIT_SERVER_VERSION = "1.13.5";
const LIVEKIT_SERVER_MODULE = `github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_SERVER_VERSION}`;
const MIN_GO_MINOR = 26;

export interface ProvisionOptions {
  /** Where a built binary is cached. Default: `<package root>/.cache/bin`. */
  cacheDir?: string;
  /** Build with Go when no binary is found. Default: true. */
  build?: boolean;
  /** Progress lines (the first build takes minutes). Default: silent. */
  onProgress?: (line: string) => void;
  /** Environment to read `LIVEKIT_SERVER_BIN` and `PATH` from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directories searched for `go`. Default: those on `PATH`, then `/usr/local/go/bin`. */
  goDirs?: string[];
}

/** Where a livekit-server binary came from. */
export interface LivekitServerBinary {
  path: string;
  source: "env" | "path" | "cache" | "built";
}

/**
 * Finds a `livekit-server` binary, building it with Go on first use.
 *
 * Order: `LIVEKIT_SERVER_BIN`, then `livekit-server` on `PATH`, then the cache, then
 * `go install` of v1.13.5 into the cache (Go >= 1.26 from `PATH` or `/usr/local/go/bin`).
 *
 * @example
 * const { path } = await provisionLivekitServer({ onProgress: console.log });
 */
export async function provisionLivekitServer(
  options: ProvisionOptions = {},
): Promise<LivekitServerBinary> {
  const env = options.env ?? process.env;
  const fromEnv = env.LIVEKIT_SERVER_BIN;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) {
      throw new Error(`LIVEKIT_SERVER_BIN=${fromEnv} is not an executable file. Fix or unset it.`);
    }
    return { path: fromEnv, source: "env" };
  }
  const onPath = await findOnPath("livekit-server", env.PATH);
  if (onPath) return { path: onPath, source: "path" };

  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cached = join(cacheDir, "livekit-server");
  if (await isExecutable(cached)) return { path: cached, source: "cache" };
  if (options.build === false) {
    throw new Error(
      `No livekit-server binary found (looked at LIVEKIT_SERVER_BIN, PATH, ${cached}).`,
    );
  }
  const goDirs = options.goDirs ?? [...(env.PATH ?? "").split(delimiter), "/usr/local/go/bin"];
  await buildWithGo(cacheDir, cached, env, goDirs, options.onProgress ?? (() => {}));
  return { path: cached, source: "built" };
}

async function buildWithGo(
  cacheDir: string,
  target: string,
  env: NodeJS.ProcessEnv,
  goDirs: string[],
  progress: (line: string) => void,
): Promise<void> {
  const go = await findGo(goDirs);
  if (!go) {
    throw new Error(
      `livekit-server v${LIVEKIT_SERVER_VERSION} is needed and no way to get it was found. Either ` +
        "install Go >= 1.26 (https://go.dev/dl, or a distribution package) so it can be built, " +
        "or download a livekit-server release and set LIVEKIT_SERVER_BIN=/path/to/livekit-server " +
        "(or put it on PATH as livekit-server).",
    );
  }
  progress(
    `building livekit-server v${LIVEKIT_SERVER_VERSION} with ${go.version} (first run only)`,
  );
  const started = Date.now();
  const heartbeat = setInterval(() => {
    progress(`  still building livekit-server (${Math.round((Date.now() - started) / 1000)} s)`);
  }, 15_000);
  // Build into a private directory, then rename: concurrent provisioners never see half a file.
  await mkdir(cacheDir, { recursive: true });
  const scratch = await mkdtemp(join(cacheDir, "build-"));
  try {
    await run(go.path, ["install", LIVEKIT_SERVER_MODULE], {
      env: { ...env, CGO_ENABLED: "0", GOBIN: scratch },
      maxBuffer: 64 * 1024 * 1024,
    });
    await rename(join(scratch, "server"), target);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split("\n").slice(-5).join("\n");
    throw new Error(`go install ${LIVEKIT_SERVER_MODULE} failed${detail ? `:\n${detail}` : ""}`);
  } finally {
    clearInterval(heartbeat);
    await rm(scratch, { recursive: true, force: true });
  }
  progress(`built livekit-server in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
}

async function findGo(dirs: string[]): Promise<{ path: string; version: string } | undefined> {
  for (const dir of dirs) {
    const candidate = join(dir, "go");
    if (!dir || !(await isExecutable(candidate))) continue;
    const { stdout } = await run(candidate, ["version"]).catch(() => ({ stdout: "" }));
    const minor = /go1\.(\d+)/.exec(stdout)?.[1];
    if (minor && Number(minor) >= MIN_GO_MINOR)
      return { path: candidate, version: stdout.split(" ")[2] ?? "go" };
  }
  return undefined;
}

async function findOnPath(name: string, pathVar: string | undefined): Promise<string | undefined> {
  for (const dir of (pathVar ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** `<package root>/.cache/bin`, found by walking up from this module to package.json. */
function defaultCacheDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dir, ".cache", "bin");
}
