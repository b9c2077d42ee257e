import type { AdvertisedChannel, Parameter, ServiceAdvertisement } from "../../protocol/index.js";
import { byId, h } from "./dom.js";
import type { PageViewer, ViewerConnection } from "./viewer.js";

const decoder = new TextDecoder();

/** What the panel keeps per topic: survives the gateway's new sessions (which renumber channels). */
interface TopicStats {
  count: number;
  latest: string;
  /** Arrival times of recent messages, for the rate. */
  recent: number[];
}

/** The elements of one channel's row that change while messages arrive. */
interface ChannelRow {
  count: HTMLElement;
  rate: HTMLElement;
  latest: HTMLElement;
}

/**
 * The in-browser viewer's panel: the advertised channels, subscribe buttons, live messages.
 * Rows are rebuilt only when the channels or subscriptions change; arriving messages update their
 * text in place, at most 10 times a second, so a button never moves under the pointer.
 */
export class ViewerPanel {
  #channels: readonly AdvertisedChannel[] = [];
  readonly #stats = new Map<string, TopicStats>();
  readonly #rows = new Map<string, ChannelRow>();
  #viewer: PageViewer | undefined;
  readonly #replies: string[] = [];

  constructor() {
    setInterval(() => this.#updateRows(), 100);
  }

  use(viewer: PageViewer): void {
    this.#viewer = viewer;
  }

  connection(state: ViewerConnection, detail?: string): void {
    const who = this.#viewer?.identity ? ` as ${this.#viewer.identity}` : "";
    const text: Record<ViewerConnection, string> = {
      joining: "Joining the room…",
      joined: `Joined the room${who}.`,
      reconnecting: "Connection lost: livekit-client is reconnecting…",
      left: `Left the room${detail ? ` (${detail})` : ""}; joining again shortly.`,
    };
    const element = byId("viewer-state");
    element.textContent = text[state];
    element.dataset.connection = state;
  }

  unavailable(reason: string): void {
    byId("viewer-state").textContent = reason;
  }

  /** Protocol 2.2: the services, each with a request box and a Call button. */
  services(services: readonly ServiceAdvertisement[]): void {
    const container = byId("viewer-services");
    if (services.length === 0) {
      container.replaceChildren();
      return;
    }
    container.replaceChildren(
      h("h3", {}, "Services"),
      ...services.map((service) => {
        const input = h("input", { value: "{}", "aria-label": `request to ${service.name}` });
        const call = () => void this.#viewer?.callService?.(service.name, input.value);
        return h(
          "div",
          { class: "row", "data-testid": "viewer-service", "data-name": service.name },
          h("code", {}, service.name),
          input,
          h("button", { onclick: call }, "Call"),
        );
      }),
    );
  }

  /** Protocol 2.2: the parameters, each editable. */
  parameters(parameters: readonly Parameter[]): void {
    const container = byId("viewer-parameters");
    if (parameters.length === 0) {
      container.replaceChildren();
      return;
    }
    container.replaceChildren(
      h("h3", {}, "Parameters"),
      ...parameters.map((parameter) => {
        const input = h("input", {
          value: parameterText(parameter),
          "aria-label": `value of ${parameter.name}`,
        });
        const set = () => void this.#viewer?.setParameter?.(parameter.name, input.value);
        return h(
          "div",
          { class: "row", "data-testid": "viewer-parameter", "data-name": parameter.name },
          h("code", {}, parameter.name),
          input,
          h("button", { class: "secondary", onclick: set }, "Set"),
        );
      }),
    );
  }

  /** Protocol 2.2: the round trip of the viewer's last ping. */
  rtt(ms: number): void {
    const element = byId("viewer-rtt");
    element.textContent = `Round trip to the gateway: ${ms} ms`;
    element.hidden = false;
  }

  /** Service answers and statuses, newest first. */
  reply(text: string): void {
    this.#replies.unshift(text);
    this.#replies.length = Math.min(this.#replies.length, 8);
    const element = byId("viewer-replies");
    element.textContent = this.#replies.join("\n");
    element.hidden = false;
  }

  channels(channels: readonly AdvertisedChannel[]): void {
    this.#channels = channels;
    this.#renderRows();
  }

  message(channelId: number, payload: Uint8Array): void {
    const channel = this.#channels.find((c) => c.id === channelId);
    if (!channel) return;
    let stats = this.#stats.get(channel.topic);
    if (!stats) {
      stats = { count: 0, latest: "", recent: [] };
      this.#stats.set(channel.topic, stats);
    }
    stats.count++;
    stats.recent.push(performance.now());
    stats.latest = format(channel.encoding, payload);
  }

  #renderRows(): void {
    this.#rows.clear();
    const container = byId("viewer-channels");
    if (this.#channels.length === 0) {
      container.replaceChildren(h("p", { class: "muted" }, "No channels advertised yet."));
      return;
    }
    container.replaceChildren(...this.#channels.map((channel) => this.#renderRow(channel)));
    this.#updateRows();
  }

  #renderRow(channel: AdvertisedChannel): HTMLElement {
    const { topic } = channel;
    const subscribed = this.#viewer?.isSubscribed(topic) ?? false;
    const toggle = async () => {
      if (subscribed) await this.#viewer?.unsubscribe(topic);
      else await this.#viewer?.subscribe(topic);
      this.#renderRows();
    };
    const row: ChannelRow = {
      count: h("span", { "data-testid": "message-count" }),
      rate: h("span"),
      latest: h("pre", { class: "message", "data-testid": "latest-message", hidden: true }),
    };
    this.#rows.set(topic, row);
    return h(
      "div",
      { class: "channel", "data-testid": "viewer-channel", "data-topic": topic },
      h(
        "div",
        { class: "channel-head" },
        h("code", {}, topic),
        h(
          "span",
          { class: "muted" },
          channel.encoding,
          channel.schemaName && ` · ${channel.schemaName}`,
        ),
        h(
          "span",
          { class: "tag", "data-testid": "delivery" },
          channel.metadata?.["foxglove.reliable"] === "true" ? "reliable" : "lossy",
        ),
        h(
          "button",
          { class: subscribed ? "secondary" : "", onclick: () => void toggle() },
          subscribed ? "Unsubscribe" : "Subscribe",
        ),
      ),
      h("div", { class: "muted" }, row.count, " message(s), ", row.rate, " in the last second"),
      row.latest,
    );
  }

  #updateRows(): void {
    const now = performance.now();
    for (const [topic, row] of this.#rows) {
      const stats = this.#stats.get(topic);
      if (!stats) {
        row.count.textContent = "0";
        row.rate.textContent = "0";
        continue;
      }
      while ((stats.recent[0] ?? now) < now - 1000) stats.recent.shift();
      row.count.textContent = String(stats.count);
      row.rate.textContent = String(stats.recent.length);
      if (row.latest.textContent !== stats.latest) row.latest.textContent = stats.latest;
      row.latest.hidden = false;
    }
  }
}

/** A parameter's value as the edit box shows it. */
function parameterText({ value }: Parameter): string {
  if (!value) return "";
  if (value.kind === "string") return value.value;
  if (value.kind === "float64" || value.kind === "bool") return String(value.value);
  if (value.kind === "integer") return value.value.toString();
  return JSON.stringify(value.value);
}

/** JSON pretty-printed; anything else as its size and first bytes. */
function format(encoding: string, payload: Uint8Array): string {
  if (encoding === "json") {
    try {
      return JSON.stringify(JSON.parse(decoder.decode(payload)), null, 2).slice(0, 2000);
    } catch {
      // Shown below as bytes.
    }
  }
  const hex = [...payload.subarray(0, 32)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return `${payload.length} bytes: ${hex}${payload.length > 32 ? " …" : ""}`;
}
