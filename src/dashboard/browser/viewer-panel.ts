import type { AdvertisedChannel } from "../../protocol/index.js";
import { byId, h } from "./dom.js";
import type { BrowserViewer, ViewerConnection } from "./viewer.js";

const decoder = new TextDecoder();

/** What the panel keeps per topic: survives the gateway's new sessions (which renumber channels). */
interface TopicStats {
  count: number;
  latest: string;
  /** Arrival times of the last second's messages, for the rate. */
  recent: number[];
}

/** The in-browser viewer's panel: the advertised channels, subscribe buttons, live messages. */
export class ViewerPanel {
  #channels: readonly AdvertisedChannel[] = [];
  readonly #stats = new Map<string, TopicStats>();
  #viewer: BrowserViewer | undefined;
  #dirty = false;

  constructor() {
    // Messages can arrive far faster than anyone reads: redraw at most 10 times a second.
    setInterval(() => {
      if (this.#dirty) this.#render();
    }, 100);
  }

  use(viewer: BrowserViewer): void {
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

  channels(channels: readonly AdvertisedChannel[]): void {
    this.#channels = channels;
    this.#render();
  }

  message(channelId: number, payload: Uint8Array): void {
    const channel = this.#channels.find((c) => c.id === channelId);
    if (!channel) return;
    const stats = this.#statsFor(channel.topic);
    const now = performance.now();
    stats.count++;
    stats.recent.push(now);
    while (stats.recent.length > 0 && (stats.recent[0] ?? now) < now - 1000) stats.recent.shift();
    stats.latest = format(channel.encoding, payload);
    this.#dirty = true;
  }

  #statsFor(topic: string): TopicStats {
    let stats = this.#stats.get(topic);
    if (!stats) {
      stats = { count: 0, latest: "", recent: [] };
      this.#stats.set(topic, stats);
    }
    return stats;
  }

  #render(): void {
    this.#dirty = false;
    const container = byId("viewer-channels");
    if (this.#channels.length === 0) {
      container.replaceChildren(h("p", { class: "muted" }, "No channels advertised yet."));
      return;
    }
    container.replaceChildren(...this.#channels.map((channel) => this.#renderChannel(channel)));
  }

  #renderChannel(channel: AdvertisedChannel): HTMLElement {
    const subscribed = this.#viewer?.isSubscribed(channel.topic) ?? false;
    const stats = this.#stats.get(channel.topic);
    const toggle = async () => {
      if (subscribed) await this.#viewer?.unsubscribe(channel.topic);
      else await this.#viewer?.subscribe(channel.topic);
      this.#render();
    };
    return h(
      "div",
      { class: "channel", "data-testid": "viewer-channel", "data-topic": channel.topic },
      h(
        "div",
        { class: "channel-head" },
        h("code", {}, channel.topic),
        h(
          "span",
          { class: "muted" },
          `${channel.encoding}${channel.schemaName ? ` · ${channel.schemaName}` : ""}`,
        ),
        h(
          "button",
          { class: subscribed ? "secondary" : "", onclick: () => void toggle() },
          subscribed ? "Unsubscribe" : "Subscribe",
        ),
      ),
      stats &&
        h(
          "div",
          { class: "muted" },
          h("span", { "data-testid": "message-count" }, String(stats.count)),
          ` message(s), ${stats.recent.length} in the last second`,
        ),
      stats && h("pre", { class: "message", "data-testid": "latest-message" }, stats.latest),
    );
  }
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
