/**
 * The session's subscription state (spec 8.4-8.7): who watches which channel, in which order,
 * and a per-channel version that changes whenever the set of data subscribers changes (it drives
 * the data-stream writers, 8.11). Video is deferred (8.13): there are no video lists, and every
 * video request is reported back as unsupported.
 *
 * Pure and synchronous: each method is one whole state transition, so calls are serialised by the
 * event loop exactly like the reference's subscription lock (8.14).
 */

/** One entry of a client `subscribe` request. */
export interface SubscribeEntry {
  readonly id: number;
  readonly requestVideoTrack: boolean;
}

/**
 * A channel's data subscribers, as an immutable snapshot: a new object replaces the old one on
 * every change, so holding on to one across an `await` is safe.
 */
export interface DataSubscription {
  /** Identities that receive `MessageData`, in the order they subscribed. */
  readonly subscribers: readonly string[];
  /** u32, wrapping; changes exactly when an identity is actually added or removed (8.4). */
  readonly version: number;
}

/** Result of {@link Subscriptions.subscribe}. */
export interface SubscribeResult {
  /** Channels whose subscriber list went from empty to non-empty: ask the Context to subscribe. */
  readonly first: number[];
  /** Ids of `requestVideoTrack: true` entries: answer each with the 8.12 error status. */
  readonly unsupportedVideo: number[];
  /** Ids skipped because they are not advertised (8.5 recommendation): log them at most. */
  readonly notAdvertised: number[];
}

/** Result of {@link Subscriptions.unsubscribe} and {@link Subscriptions.removeParticipant}. */
export interface UnsubscribeResult {
  /** Channels whose subscriber list became empty: ask the Context to unsubscribe. */
  readonly last: number[];
}

/** The version after `version`: +1, wrapping at 2^32 like the reference's u32. */
export function nextVersion(version: number): number {
  return (version + 1) >>> 0;
}

/** Per-session subscription bookkeeping; see the module comment. */
export class Subscriptions {
  // channel → identities with any kind of subscription; lists are kept when they become empty.
  readonly #any = new Map<number, string[]>();
  // channel → data subscription snapshot; kept when empty so the version keeps counting.
  readonly #data = new Map<number, DataSubscription>();

  /**
   * Handles a participant's `subscribe` (8.5) for `entries` in order.
   *
   * A `requestVideoTrack: true` entry is skipped and reported in `unsupportedVideo` (even for an
   * id that is not advertised, as the reference does); the participant's existing subscription to
   * that channel, if any, is untouched. An id that `isAdvertised` rejects is skipped silently and
   * reported in `notAdvertised`. Re-subscribing is a no-op.
   */
  subscribe(
    identity: string,
    entries: readonly SubscribeEntry[],
    isAdvertised: (id: number) => boolean,
  ): SubscribeResult {
    const result: SubscribeResult = { first: [], unsupportedVideo: [], notAdvertised: [] };
    for (const { id, requestVideoTrack } of entries) {
      if (requestVideoTrack) {
        result.unsupportedVideo.push(id);
        continue;
      }
      if (!isAdvertised(id)) {
        result.notAdvertised.push(id);
        continue;
      }
      let anyList = this.#any.get(id);
      if (anyList === undefined) {
        anyList = [];
        this.#any.set(id, anyList);
      }
      if (!anyList.includes(identity)) {
        if (anyList.length === 0) result.first.push(id);
        anyList.push(identity);
      }
      // An entry is created at version 0; the add below makes the first subscriber version 1.
      const data = this.#data.get(id) ?? { subscribers: [], version: 0 };
      if (!data.subscribers.includes(identity)) {
        this.#data.set(id, freeze([...data.subscribers, identity], nextVersion(data.version)));
      }
    }
    return result;
  }

  /** Handles a participant's `unsubscribe` (8.6). Ids it was not subscribed to are ignored. */
  unsubscribe(identity: string, ids: readonly number[]): UnsubscribeResult {
    const last: number[] = [];
    for (const id of ids) {
      if (this.#removeAny(id, identity)) last.push(id);
      this.#removeData(id, identity);
    }
    return { last };
  }

  /** Removes a departed participant from every channel (8.7 "Remove"). */
  removeParticipant(identity: string): UnsubscribeResult {
    const last: number[] = [];
    for (const id of this.#any.keys()) if (this.#removeAny(id, identity)) last.push(id);
    for (const id of this.#data.keys()) this.#removeData(id, identity);
    return { last };
  }

  /** Forgets everything about a removed channel, including its version (8.3). */
  removeChannel(id: number): void {
    this.#any.delete(id);
    this.#data.delete(id);
  }

  /** The channel's data subscription snapshot, or `undefined` if nobody ever data-subscribed. */
  dataSubscribers(id: number): DataSubscription | undefined {
    return this.#data.get(id);
  }

  /** True when the channel has at least one data subscriber (8.4): `log` encodes only then. */
  hasDataSubscribers(id: number): boolean {
    const data = this.#data.get(id);
    return data !== undefined && data.subscribers.length > 0;
  }

  /** Identities with any subscription to the channel, in order (a copy). */
  anySubscribers(id: number): string[] {
    return [...(this.#any.get(id) ?? [])];
  }

  /** True when the removal emptied the list. */
  #removeAny(id: number, identity: string): boolean {
    const list = this.#any.get(id);
    const index = list?.indexOf(identity) ?? -1;
    if (list === undefined || index < 0) return false;
    list.splice(index, 1);
    return list.length === 0;
  }

  #removeData(id: number, identity: string): void {
    const data = this.#data.get(id);
    if (data === undefined || !data.subscribers.includes(identity)) return;
    const subscribers = data.subscribers.filter((s) => s !== identity);
    this.#data.set(id, freeze(subscribers, nextVersion(data.version)));
  }
}

function freeze(subscribers: string[], version: number): DataSubscription {
  return Object.freeze({ subscribers: Object.freeze(subscribers), version });
}
