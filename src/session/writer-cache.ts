/**
 * The sender task's per-channel data-writer cache (spec 8.11): one open `ch-<id>` stream per
 * channel, addressed to the data subscribers of one subscription version. A version change means
 * a new stream to the new set; no subscribers means no stream.
 */

import type { DataSubscription } from "./subscriptions.js";

/** What the cache needs from a writer: a way to end it. */
export interface ClosableWriter {
  close(): Promise<void>;
}

/** Opens a byte stream on `topic` to exactly `destinations` (participant identities). */
export type OpenWriter<W> = (topic: string, destinations: readonly string[]) => Promise<W>;

/** The outcome of {@link WriterCache.acquire}: what to do with the message at hand. */
export type WriterLookup<W> =
  /** The cached writer is current: write to it. */
  | { readonly kind: "reused"; readonly writer: W }
  /** A new stream was opened to `destinations` (any previous one is being closed): write to it. */
  | { readonly kind: "opened"; readonly writer: W; readonly destinations: readonly string[] }
  /** Nobody subscribes (or the cache is closed): drop the message. */
  | { readonly kind: "dropped" }
  /** Opening the stream failed: drop the message (the next one tries again). */
  | { readonly kind: "open-failed"; readonly error: unknown };

/** The data-stream topic of a channel (spec 6.2, 12). */
export function dataTopic(channelId: number): string {
  return `ch-${channelId}`;
}

/** Options of {@link WriterCache}. */
export interface WriterCacheOptions {
  /** Called when closing a writer fails (close errors never propagate). */
  onCloseError?: (error: unknown, channelId: number) => void;
}

interface CachedWriter<W> {
  readonly version: number;
  // The "reused" result, built once: the steady state allocates nothing per message.
  readonly reused: WriterLookup<W> & { readonly kind: "reused"; readonly writer: W };
}

const DROPPED = Object.freeze({ kind: "dropped" }) as WriterLookup<never>;

/**
 * Caches one writer per channel, keyed by subscription version (spec 8.11 steps 1-4).
 *
 * Closing old writers is started but not awaited by {@link acquire}: the sender must not stall on
 * a stream that is going away (one slow send already blocks all others). {@link closeAll} awaits
 * every close still in progress.
 *
 * Not re-entrant per channel: the single sender task calls `acquire` one message at a time.
 */
export class WriterCache<W extends ClosableWriter> {
  readonly #open: OpenWriter<W>;
  readonly #onCloseError: ((error: unknown, channelId: number) => void) | undefined;
  readonly #writers = new Map<number, CachedWriter<W>>();
  readonly #closing = new Set<Promise<void>>();
  #closed = false;

  constructor(open: OpenWriter<W>, options: WriterCacheOptions = {}) {
    this.#open = open;
    this.#onCloseError = options.onCloseError;
  }

  /** Number of cached writers. */
  get size(): number {
    return this.#writers.size;
  }

  /** The subscription version the channel's cached writer was opened for, if any. */
  cachedVersion(channelId: number): number | undefined {
    return this.#writers.get(channelId)?.version;
  }

  /**
   * Decides how to send one message on `channelId`, given the channel's *current* data
   * subscription: reuse the cached writer (same version), open a new one to a snapshot of the
   * current subscribers (closing the previous one), or drop (absent or empty subscription: the
   * cached writer, if any, is closed and forgotten). Never rejects.
   */
  async acquire(
    channelId: number,
    subscription: DataSubscription | undefined,
  ): Promise<WriterLookup<W>> {
    if (this.#closed) return DROPPED;
    const cached = this.#writers.get(channelId);
    if (subscription === undefined || subscription.subscribers.length === 0) {
      if (cached !== undefined) this.#forget(channelId, cached);
      return DROPPED;
    }
    if (cached !== undefined && cached.version === subscription.version) return cached.reused;

    // Capture before awaiting: the subscription may change while the stream opens, in which case
    // the next message sees a newer version and reopens.
    const { version } = subscription;
    const destinations = [...subscription.subscribers];
    let writer: W;
    try {
      writer = await this.#open(dataTopic(channelId), destinations);
    } catch (error) {
      this.#forgetCurrent(channelId);
      return { kind: "open-failed", error };
    }
    this.#forgetCurrent(channelId);
    if (this.#closed) {
      // closeAll() ran while we were opening: do not leak the new stream.
      this.#startClose(channelId, writer);
      return DROPPED;
    }
    const reused = { kind: "reused", writer } as const;
    this.#writers.set(channelId, { version, reused });
    return { kind: "opened", writer, destinations };
  }

  /**
   * Closes and forgets the channel's cached writer: after a failed write (8.11 step 4), or when
   * the channel is removed (8.3 allows closing eagerly). Resolves when closed; never rejects.
   */
  invalidate(channelId: number): Promise<void> {
    return this.#forgetCurrent(channelId);
  }

  /**
   * Closes every cached writer and waits for all closes in progress. Terminal: afterwards
   * `acquire` always drops. Never rejects.
   */
  async closeAll(): Promise<void> {
    this.#closed = true;
    for (const [channelId, cached] of this.#writers) this.#forget(channelId, cached);
    // Loop in case a close was started while we waited. (An `acquire` whose open was in flight
    // closes its new writer itself when the open completes; that close is not awaited here.)
    while (this.#closing.size > 0) await Promise.all(this.#closing);
  }

  #forgetCurrent(channelId: number): Promise<void> {
    const cached = this.#writers.get(channelId);
    return cached === undefined ? Promise.resolve() : this.#forget(channelId, cached);
  }

  #forget(channelId: number, cached: CachedWriter<W>): Promise<void> {
    this.#writers.delete(channelId);
    return this.#startClose(channelId, cached.reused.writer);
  }

  #startClose(channelId: number, writer: W): Promise<void> {
    let closing: Promise<void>;
    try {
      closing = Promise.resolve(writer.close());
    } catch (error) {
      closing = Promise.reject(error);
    }
    const tracked: Promise<void> = closing
      .catch((error: unknown) => this.#reportCloseError(error, channelId))
      .finally(() => this.#closing.delete(tracked));
    this.#closing.add(tracked);
    return tracked;
  }

  #reportCloseError(error: unknown, channelId: number): void {
    try {
      this.#onCloseError?.(error, channelId);
    } catch {
      // A failing error reporter must not turn a close into an unhandled rejection.
    }
  }
}
