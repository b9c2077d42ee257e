import { describe, expect, it } from "vitest";
import { type AnyActorRef, createActor, fromCallback, fromPromise, SimulatedClock } from "xstate";
import { type GatewayEvent, gatewayMachine } from "../../machines/gateway.machine.js";
import { DEFAULT_RETRY_POLICY } from "../../machines/retry-policy.js";

const FLEET = 1_000;
const HEARTBEAT_MS = 5_000;
const RESTART_AT_MS = 60_000;
/** The watch server is down this long, then answers again. */
const OUTAGE_MS = 4_000;

/** The platform's watch server, as a fleet of gateways sees it, on simulated time. */
class WatchServer {
  readonly clock = new SimulatedClock();
  readonly watches = new Map<number, (event: GatewayEvent) => void>();
  /** Per gateway: when each heartbeat was sent. */
  readonly heartbeats = new Map<number, number[]>();
  /** Per gateway: when each watch request was made. */
  readonly requests = new Map<number, number[]>();
  /** Per gateway: when it held a lease again after the restart. */
  readonly recovered = new Map<number, number>();
  up = true;

  machineFor(id: number) {
    return gatewayMachine.provide({
      guards: { onDemand: () => true },
      actors: {
        fetchDeviceInfo: fromPromise(async () => ({ id: `dev_${id}`, name: `robot ${id}` })),
        watch: fromCallback(({ sendBack }) => {
          const now = this.clock.now();
          this.requests.set(id, [...(this.requests.get(id) ?? []), now]);
          // A request while the server is down fails at once; otherwise hello comes straight away,
          // then a keep-alive comment every 10 s.
          const open = this.up;
          let keepAlive: number | undefined;
          const tick = () => {
            sendBack({ type: "WATCH.ALIVE" });
            keepAlive = this.clock.setTimeout(tick, 10_000) as number;
          };
          const timer = this.clock.setTimeout(() => {
            if (!open) {
              sendBack({ type: "WATCH.FAILED", failure: { kind: "api", message: "refused" } });
              return;
            }
            this.watches.set(id, sendBack as (event: GatewayEvent) => void);
            sendBack({
              type: "WATCH.HELLO",
              heartbeatIntervalMs: HEARTBEAT_MS,
              deviceWaitForViewerMs: 60_000,
            });
            if (now >= RESTART_AT_MS && !this.recovered.has(id)) this.recovered.set(id, now);
            keepAlive = this.clock.setTimeout(tick, 10_000) as number;
          }, 0);
          return () => {
            this.clock.clearTimeout(timer);
            if (keepAlive !== undefined) this.clock.clearTimeout(keepAlive);
            this.watches.delete(id);
          };
        }),
        sendHeartbeat: fromPromise(async () => {
          this.heartbeats.set(id, [...(this.heartbeats.get(id) ?? []), this.clock.now()]);
        }),
      },
    });
  }

  /** Every watch stream breaks at once (a transport error), and the server stays down a while. */
  restart(): void {
    this.up = false;
    for (const sendBack of [...this.watches.values()]) {
      sendBack({ type: "WATCH.FAILED", failure: { kind: "api", message: "connection reset" } });
    }
    this.clock.setTimeout(() => {
      this.up = true;
    }, OUTAGE_MS);
  }
}

/** Moves simulated time forward in steps, letting promise actors settle between them. */
async function advance(clock: SimulatedClock, ms: number, step = 500): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    clock.increment(step);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("a fleet of on-demand gateways (simulated clock)", () => {
  it("comes back spread out after the watch server restarts, one heartbeat per interval each", async () => {
    const server = new WatchServer();
    const fleet: AnyActorRef[] = [];
    for (let id = 0; id < FLEET; id++) {
      const actor = createActor(server.machineFor(id), {
        input: { retryPolicy: DEFAULT_RETRY_POLICY },
        clock: server.clock,
      });
      actor.start();
      actor.send({ type: "START" });
      fleet.push(actor);
    }
    await advance(server.clock, RESTART_AT_MS);
    expect(server.watches.size).toBe(FLEET);
    server.restart();
    await advance(server.clock, 70_000);

    // Every gateway holds a lease again.
    expect(server.recovered.size).toBe(FLEET);
    // Spread out: no one-second bucket holds more than 15 % of the fleet.
    const buckets = new Map<number, number>();
    for (const at of server.recovered.values()) {
      const second = Math.floor(at / 1000);
      buckets.set(second, (buckets.get(second) ?? 0) + 1);
    }
    const busiest = Math.max(...buckets.values());
    console.log(
      `fleet of ${FLEET}: back within ${(Math.max(...server.recovered.values()) - RESTART_AT_MS) / 1000} s, busiest second ${busiest} (${((busiest / FLEET) * 100).toFixed(1)} %)`,
    );
    expect(busiest / FLEET).toBeLessThanOrEqual(0.15);
    // Never more than one heartbeat per interval.
    for (const times of server.heartbeats.values()) {
      for (let i = 1; i < times.length; i++) {
        expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(
          HEARTBEAT_MS,
        );
      }
    }
    for (const actor of fleet) actor.stop();
  }, 60_000);
});
