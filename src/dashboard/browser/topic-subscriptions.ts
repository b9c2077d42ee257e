import type { AdvertisedChannel } from "../../protocol/index.js";

/**
 * The page's subscriptions, by topic: the topics it wants outlive the gateway's sessions, the
 * channel ids (which a new session renumbers) do not. The viewers subscribe to whatever
 * `takePending()` returns after each change.
 */
export class TopicSubscriptions {
  readonly #wanted = new Set<string>();
  readonly #channels = new Map<number, AdvertisedChannel>();
  readonly #subscribed = new Set<number>();

  /** The gateway's current channels. */
  get channels(): AdvertisedChannel[] {
    return [...this.#channels.values()];
  }

  /** The current channels the page is subscribed to. */
  get subscribed(): AdvertisedChannel[] {
    return this.channels.filter((channel) => this.#subscribed.has(channel.id));
  }

  isWanted(topic: string): boolean {
    return this.#wanted.has(topic);
  }

  /** A new gateway session: it knows nothing of the page's earlier channel ids. */
  newSession(): void {
    this.#channels.clear();
    this.#subscribed.clear();
  }

  advertise(channels: readonly AdvertisedChannel[]): void {
    for (const channel of channels) this.#channels.set(channel.id, channel);
  }

  unadvertise(channelIds: readonly number[]): void {
    for (const id of channelIds) {
      this.#channels.delete(id);
      this.#subscribed.delete(id);
    }
  }

  want(topic: string): void {
    this.#wanted.add(topic);
  }

  /** Stops wanting a topic; returns the channel ids to unsubscribe from. */
  drop(topic: string): number[] {
    this.#wanted.delete(topic);
    const ids = this.subscribed.filter((c) => c.topic === topic).map((c) => c.id);
    for (const id of ids) this.#subscribed.delete(id);
    return ids;
  }

  /** The wanted channels not subscribed to yet, counted as subscribed from now on. */
  takePending(): AdvertisedChannel[] {
    const pending = this.channels.filter(
      (channel) => this.#wanted.has(channel.topic) && !this.#subscribed.has(channel.id),
    );
    for (const channel of pending) this.#subscribed.add(channel.id);
    return pending;
  }
}
