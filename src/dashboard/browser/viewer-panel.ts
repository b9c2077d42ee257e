import { byId, h } from "./dom.js";
import { formatMs, formatPayload } from "./format.js";
import type { Delivery, PageViewer, ViewerChannel, ViewerConnection } from "./page-viewer.js";

/** What the panel keeps per topic: survives the gateway's new sessions (which renumber channels). */
interface TopicStats {
  count: number;
  latest: string;
  /** How the latest message came. */
  via: Delivery;
  /** Arrival times of recent messages, for the rate. */
  recent: number[];
}

/** The elements of one channel's row that change while messages arrive. */
interface ChannelRow {
  count: HTMLElement;
  rate: HTMLElement;
  latest: HTMLElement;
}

const DELIVERY_LABELS: Record<Delivery, string> = {
  "data track": "Lossy · data track",
  "control stream": "Reliable · control stream",
  "byte stream": "byte stream",
};

/**
 * The in-browser viewer's panel: its connection and round trip, the advertised channels (with how
 * each travels), subscribe buttons, live messages. Rows are rebuilt only when the channels or
 * subscriptions change; arriving messages update their text in place, at most 10 times a second,
 * so a button never moves under the pointer.
 */
export class ViewerPanel {
  #channels: readonly ViewerChannel[] = [];
  readonly #stats = new Map<string, TopicStats>();
  readonly #rows = new Map<string, ChannelRow>();
  #viewer: PageViewer | undefined;
  #pageRoundTrip: number | undefined;
  #gatewayRoundTrip: number | undefined;

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

  /** Protocol 2.2: the round trip of the page's last ping. */
  roundTrip(ms: number): void {
    this.#pageRoundTrip = ms;
    this.#renderRoundTrip();
  }

  /** Protocol 2.2: the gateway's smoothed estimate for this viewer (from the status). */
  gatewayRoundTrip(viewers: ReadonlyArray<{ identity: string; rttMs?: number }>): void {
    const identity = this.#viewer?.identity;
    this.#gatewayRoundTrip = viewers.find((v) => v.identity === identity)?.rttMs;
    this.#renderRoundTrip();
  }

  /** Protocol 2.2: the newest status the gateway shows this viewer. */
  notice(notice: { level: number; message: string } | undefined): void {
    const element = byId("viewer-notice");
    element.hidden = !notice;
    element.textContent = notice ? `The gateway says: ${notice.message}` : "";
    element.className = notice && notice.level >= 2 ? "error" : "muted";
  }

  channels(channels: readonly ViewerChannel[]): void {
    this.#channels = channels;
    this.#renderRows();
  }

  message(channelId: number, payload: Uint8Array, via: Delivery): void {
    const channel = this.#channels.find((c) => c.id === channelId);
    if (!channel) return;
    let stats = this.#stats.get(channel.topic);
    if (!stats) {
      stats = { count: 0, latest: "", via, recent: [] };
      this.#stats.set(channel.topic, stats);
    }
    stats.count++;
    stats.recent.push(performance.now());
    stats.latest = formatPayload(channel.encoding, payload);
    stats.via = via;
  }

  #renderRoundTrip(): void {
    const element = byId("viewer-rtt");
    if (this.#pageRoundTrip === undefined) return;
    const gateway =
      this.#gatewayRoundTrip === undefined
        ? "the gateway's own estimate follows its second ping"
        : `${formatMs(this.#gatewayRoundTrip)} as the gateway measures it`;
    element.replaceChildren(
      "Round trip: ",
      h("span", { "data-testid": "page-rtt" }, formatMs(this.#pageRoundTrip)),
      " (this page's last ping) · ",
      h("span", { "data-testid": "gateway-rtt" }, gateway),
    );
    element.hidden = false;
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

  #renderRow(channel: ViewerChannel): HTMLElement {
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
        h("span", { class: "tag", "data-testid": "delivery" }, DELIVERY_LABELS[channel.delivery]),
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
      row.count.dataset.via = stats.via;
      row.rate.textContent = String(stats.recent.length);
      if (row.latest.textContent !== stats.latest) row.latest.textContent = stats.latest;
      row.latest.hidden = false;
    }
  }
}
