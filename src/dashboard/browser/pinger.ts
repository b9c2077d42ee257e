import type { Ping, PingAck, Pong } from "../../protocol/index.js";

/** As the Foxglove app does. */
const PING_INTERVAL_MS = 3_000;

/**
 * Pings the gateway every 3 s and acknowledges its pongs: the page measures its own round trip
 * from the pong, and the gateway measures its from the acknowledgement (spec 11.11).
 */
export class Pinger {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly send: (message: Ping | PingAck) => Promise<void>,
    private readonly onRoundTrip: (ms: number) => void,
  ) {}

  /** Pings now, then every 3 s. */
  start(): void {
    this.stop();
    this.#ping();
    this.#timer = setInterval(() => this.#ping(), PING_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  pong(pong: Pong): void {
    const elapsed = nowMicros() - pong.appTimestamp;
    if (elapsed >= 0n) this.onRoundTrip(Number(elapsed) / 1000);
    void this.send({ op: "pingAck", deviceTimestamp: pong.deviceTimeMs }).catch(() => {});
  }

  #ping(): void {
    void this.send({ op: "ping", appTimestamp: nowMicros() }).catch(() => {});
  }
}

/**
 * The ping's timestamp is opaque to the gateway, which echoes it: microseconds of the page's
 * monotonic clock, as a loopback round trip takes well under a millisecond.
 */
function nowMicros(): bigint {
  return BigInt(Math.round(performance.now() * 1000));
}
