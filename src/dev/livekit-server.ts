import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

/** The API key and secret of livekit-server's `--dev` mode. */
export const DEV_LIVEKIT_KEY = "devkey";
export const DEV_LIVEKIT_SECRET = "secret";

export interface LivekitServerOptions {
  /** Path of the livekit-server binary (see `provisionLivekitServer`). */
  binary: string;
  /** Signal (HTTP/WebSocket) port. Default: a free port. */
  port?: number;
  /** Where the ready line goes. Default: `console.log`. */
  log?: (line: string) => void;
  /** livekit-server log level. Default: `warn`. */
  logLevel?: "debug" | "info" | "warn" | "error";
  /** How long to wait for `GET /` to answer 200. Default: 15 s. */
  readyTimeoutMs?: number;
}

/** The three ports one server needs: signalling (TCP), ICE over TCP, and the single ICE UDP port. */
interface Ports {
  signal: number;
  rtcTcp: number;
  rtcUdp: number;
}

// Servers still running when the test process ends would outlive it: kill them on exit.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * A livekit-server on loopback with dev keys, for tests and the local stack.
 *
 * Ports are fixed for the handle's lifetime, so `restart()` brings the server back at the same URL
 * (fault tests kill it and expect clients to find it again).
 *
 * @example
 * const server = await LocalLivekitServer.start({ binary });
 * // ... connect rtc-node Rooms to server.url with tokens signed by server.apiKey/apiSecret
 * await server.stop();
 */
export class LocalLivekitServer {
  readonly apiKey = DEV_LIVEKIT_KEY;
  readonly apiSecret = DEV_LIVEKIT_SECRET;
  #child: ChildProcess | undefined;
  #stderr = "";

  private constructor(
    private readonly options: LivekitServerOptions,
    private readonly ports: Ports,
  ) {}

  /** Starts a server and resolves once it answers `GET /` with 200. */
  static async start(options: LivekitServerOptions): Promise<LocalLivekitServer> {
    // Free ports are found by binding and releasing them; another process can take one in between,
    // so a server that dies at start-up is retried on fresh ports (unless the caller fixed the port).
    for (let attempt = 1; ; attempt++) {
      const server = new LocalLivekitServer(options, await pickPorts(options.port));
      try {
        await server.launch();
        return server;
      } catch (error) {
        if (options.port !== undefined || attempt >= 3) throw error;
      }
    }
  }

  /** `ws://127.0.0.1:<port>`: what clients connect to. */
  get url(): string {
    return `ws://127.0.0.1:${this.ports.signal}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.ports.signal}`;
  }

  get port(): number {
    return this.ports.signal;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get isRunning(): boolean {
    return this.#child !== undefined;
  }

  /** Kills the server at once (SIGKILL): clients see a dead peer and try to resume. */
  async kill(): Promise<void> {
    await this.terminate(["SIGKILL"]);
  }

  /**
   * Stops the server. The first SIGTERM lets participants leave cleanly; a second one, sent if the
   * first has not finished within `graceMs`, makes it exit; SIGKILL is the last resort.
   */
  async stop(graceMs = 2_000): Promise<void> {
    await this.terminate(["SIGTERM", "SIGTERM", "SIGKILL"], graceMs);
  }

  /** Freezes the server (SIGSTOP) so clients see a peer that stops answering. */
  freeze(): void {
    this.#child?.kill("SIGSTOP");
  }

  thaw(): void {
    this.#child?.kill("SIGCONT");
  }

  /** Starts the server again on the same ports. */
  async restart(): Promise<void> {
    if (this.#child) await this.stop();
    await this.launch();
  }

  private async launch(): Promise<void> {
    const { signal, rtcTcp, rtcUdp } = this.ports;
    const config = {
      keys: { [DEV_LIVEKIT_KEY]: DEV_LIVEKIT_SECRET },
      logging: { level: this.options.logLevel ?? "warn" },
      rtc: {
        tcp_port: rtcTcp,
        udp_port: rtcUdp,
        use_external_ip: false,
        enable_loopback_candidate: true,
      },
      room: { empty_timeout: 10, departure_timeout: 1 },
      // JoinedRoom.publishDataTrack needs them; 1.13.5 defaults them on, but do not rely on that.
      enable_data_tracks: true,
    };
    const args = [
      "--dev",
      "--bind",
      "127.0.0.1",
      "--node-ip",
      "127.0.0.1",
      "--port",
      String(signal),
    ];
    // JSON is YAML, and livekit-server's strict YAML parser rejects unknown keys loudly.
    args.push("--config-body", JSON.stringify(config));
    const child = spawn(this.options.binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    this.#child = child;
    this.#stderr = "";
    running.add(child);
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4_000);
    });
    child.once("exit", () => {
      running.delete(child);
      if (this.#child === child) this.#child = undefined;
    });
    try {
      await this.waitUntilReady(child);
    } catch (error) {
      await this.terminate(["SIGKILL"]);
      throw error;
    }
    const version = await binaryVersion(this.options.binary);
    (this.options.log ?? console.log)(`livekit-server ${version} ready at ${this.url}`);
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      // livekit-server exits 0 even when its configuration is rejected: treat any exit as failure.
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `livekit-server exited during start-up: ${this.#stderr.trim() || "no output"}`,
        );
      }
      const answered = await fetch(this.httpUrl, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (answered) return;
      await sleep(50);
    }
    throw new Error(`livekit-server did not answer at ${this.httpUrl} within the start-up timeout`);
  }

  private async terminate(signals: NodeJS.Signals[], graceMs = 2_000): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    for (const signal of signals) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      child.kill("SIGCONT"); // a frozen server cannot act on SIGTERM
      child.kill(signal);
      const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (done) break;
    }
    await exited;
  }
}

const versions = new Map<string, Promise<string>>();

/** The version a binary reports (`livekit-server version 1.13.5`), asked once per path. */
function binaryVersion(binary: string): Promise<string> {
  let version = versions.get(binary);
  if (!version) {
    version = promisify(execFile)(binary, ["--version"]).then(
      ({ stdout }) => /version\s+(\S+)/.exec(stdout)?.[1] ?? "unknown",
      () => "unknown",
    );
    versions.set(binary, version);
  }
  return version;
}

async function pickPorts(signal?: number): Promise<Ports> {
  return {
    signal: signal ?? (await freeTcpPort()),
    rtcTcp: await freeTcpPort(),
    rtcUdp: await freeUdpPort(),
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
