import {
  type AdvertisedService,
  type ConnectionGraphUpdate,
  encodeServerJsonFrame,
  type PublishedTopic,
  type SubscribedTopic,
} from "../../protocol/index.js";

/** Who publishes and subscribes to which topics, and who provides which services (spec 11.8). */
export interface ConnectionGraph {
  publishedTopics: readonly PublishedTopic[];
  subscribedTopics: readonly SubscribedTopic[];
  advertisedServices: readonly AdvertisedService[];
}

const EMPTY: ConnectionGraph = {
  publishedTopics: [],
  subscribedTopics: [],
  advertisedServices: [],
};

/**
 * The gateway's connection graph. It outlives sessions (a viewer that subscribes later gets the
 * graph as last published); each replacement is turned into the diff subscribers receive.
 */
export class ConnectionGraphState {
  #graph: ConnectionGraph = EMPTY;
  readonly #listeners = new Set<(frame: Uint8Array) => void>();

  /** The whole graph, for a new subscriber: `connectionGraphUpdate` with nothing removed. */
  full(): Uint8Array {
    return encodeServerJsonFrame({
      op: "connectionGraphUpdate",
      ...this.#graph,
      removedTopics: [],
      removedServices: [],
    });
  }

  /** Replaces the graph and announces what changed (nothing when nothing did). */
  replace(next: ConnectionGraph): void {
    const update = diffGraphs(this.#graph, next);
    this.#graph = {
      publishedTopics: [...next.publishedTopics],
      subscribedTopics: [...next.subscribedTopics],
      advertisedServices: [...next.advertisedServices],
    };
    if (!update) return;
    const frame = encodeServerJsonFrame(update);
    for (const listener of this.#listeners) listener(frame);
  }

  /** Hears every change; returns the function that stops it. */
  onChange(listener: (frame: Uint8Array) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * What changed from `before` to `after`: entries that are new or whose ids changed, and the names
 * that vanished (a topic is removed once nobody publishes or subscribes to it).
 */
export function diffGraphs(
  before: ConnectionGraph,
  after: ConnectionGraph,
): ConnectionGraphUpdate | undefined {
  const publishedTopics = changed(before.publishedTopics, after.publishedTopics, "publisherIds");
  const subscribedTopics = changed(
    before.subscribedTopics,
    after.subscribedTopics,
    "subscriberIds",
  );
  const advertisedServices = changed(
    before.advertisedServices,
    after.advertisedServices,
    "providerIds",
  );
  const topicsAfter = new Set([
    ...after.publishedTopics.map((t) => t.name),
    ...after.subscribedTopics.map((t) => t.name),
  ]);
  const topicsBefore = new Set([
    ...before.publishedTopics.map((t) => t.name),
    ...before.subscribedTopics.map((t) => t.name),
  ]);
  const removedTopics = [...topicsBefore].filter((name) => !topicsAfter.has(name));
  const servicesAfter = new Set(after.advertisedServices.map((s) => s.name));
  const removedServices = before.advertisedServices
    .map((s) => s.name)
    .filter((name) => !servicesAfter.has(name));
  const empty =
    publishedTopics.length + subscribedTopics.length + advertisedServices.length === 0 &&
    removedTopics.length + removedServices.length === 0;
  if (empty) return undefined;
  return {
    op: "connectionGraphUpdate",
    publishedTopics,
    subscribedTopics,
    advertisedServices,
    removedTopics,
    removedServices,
  };
}

function changed<K extends string, T extends { name: string } & Record<K, readonly string[]>>(
  before: readonly T[],
  after: readonly T[],
  ids: K,
): T[] {
  const previous = new Map(before.map((entry) => [entry.name, entry[ids]]));
  return after.filter((entry) => {
    const old = previous.get(entry.name);
    return !old || !sameIds(old, entry[ids]);
  });
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}
