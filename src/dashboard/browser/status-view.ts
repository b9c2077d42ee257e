import type { GatewayStatus } from "../../gateway/status.js";
import type { DashboardStatus } from "../wire.js";
import { byId, h } from "./dom.js";
import { formatMs } from "./format.js";

/** The header badge, the gateway's details and the local livekit-server panel. */
export class StatusView {
  #status: DashboardStatus | undefined;
  #restartError = "";

  constructor(private readonly restartLivekit: () => Promise<void>) {
    // The retry countdown moves between status changes.
    setInterval(() => this.#renderGateway(), 250);
  }

  show(status: DashboardStatus): void {
    this.#status = status;
    this.#renderGateway();
    this.#renderLivekit();
  }

  #renderGateway(): void {
    const gateway = this.#status?.gateway;
    if (!gateway) return;
    const badge = byId("gateway-state");
    badge.textContent = gateway.reconnecting ? "running (reconnecting)" : gateway.state;
    badge.dataset.state = gateway.state;
    byId("gateway-summary").textContent = summary(gateway);
    const channels = this.#status?.channels ?? [];
    byId("gateway-details").replaceChildren(
      ...row("State", gateway.state + (gateway.reconnecting ? ", rtc-node reconnecting" : "")),
      ...row("Protocol", `${gateway.protocol} (${gateway.connection})`),
      ...row("Attempt", String(gateway.attempt)),
      ...row("Next retry", nextRetry(gateway)),
      ...row(
        "Last error",
        gateway.lastError ? `${gateway.lastError.kind}: ${gateway.lastError.message}` : "none",
      ),
      ...row("Device", gateway.device ? `${gateway.device.name} (${gateway.device.id})` : "—"),
      ...row("Identity", gateway.identity ?? "—"),
      ...row("Participants", list(gateway.participants, "none", "participants")),
      ...(gateway.protocol === "2.2"
        ? row(
            "Viewers",
            list(
              gateway.viewers.map(
                (v) =>
                  `${v.identity}: ${v.rttMs === undefined ? "no round trip yet" : formatMs(v.rttMs)}`,
              ),
              "none",
              "viewers",
            ),
          )
        : []),
      ...row(
        "Channels",
        list(
          channels.map(
            (c) => `${c.topic} (${c.encoding}${c.schemaName ? `, ${c.schemaName}` : ""})`,
          ),
          "none",
          "channels",
        ),
      ),
      ...row("Dropped", `${gateway.droppedMessages} message(s)`),
    );
  }

  #renderLivekit(): void {
    const livekit = this.#status?.livekit;
    const panel = byId("livekit");
    if (!livekit) {
      panel.replaceChildren(
        h(
          "p",
          { class: "muted" },
          "The gateway runs against the Foxglove platform: open the device in the Foxglove app to view it.",
        ),
      );
      return;
    }
    const button = h(
      "button",
      {
        "data-testid": "restart-livekit",
        disabled: livekit.restarting,
        onclick: () => void this.#restart(),
      },
      livekit.restarting ? "Restarting…" : "Restart livekit-server",
    );
    panel.replaceChildren(
      h(
        "dl",
        {},
        ...row("URL", livekit.url),
        ...row(
          "Process",
          livekit.restarting ? "restarting" : livekit.running ? "running" : "stopped",
        ),
      ),
      h(
        "p",
        { class: "muted" },
        "Restarting drops every connection: watch the gateway lose the room and come back.",
      ),
      button,
      this.#restartError && h("p", { class: "error" }, this.#restartError),
    );
  }

  async #restart(): Promise<void> {
    try {
      this.#restartError = "";
      await this.restartLivekit();
    } catch (error) {
      this.#restartError = `The restart failed: ${String(error)}`;
      this.#renderLivekit();
    }
  }
}

function summary(gateway: GatewayStatus): string {
  if (gateway.state === "backoff") return `attempt ${gateway.attempt}, ${nextRetry(gateway)}`;
  if (gateway.state === "running") return `${gateway.participants.length} participant(s)`;
  return "";
}

function nextRetry(gateway: GatewayStatus): string {
  if (gateway.nextRetryAt === undefined) return "—";
  const seconds = Math.max(0, (gateway.nextRetryAt - Date.now()) / 1000);
  return `in ${seconds.toFixed(1)} s`;
}

function row(term: string, value: string | Node): HTMLElement[] {
  return [h("dt", {}, term), h("dd", {}, value)];
}

function list(items: string[], empty: string, testId: string): Node {
  if (items.length === 0) return h("span", { class: "muted", "data-testid": testId }, empty);
  return h("ul", { "data-testid": testId }, ...items.map((item) => h("li", {}, item)));
}
