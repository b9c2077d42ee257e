/**
 * The session's data queue (spec 8.9): one bounded FIFO shared by all channels that never blocks
 * the producer (`log`, the Context's hot path); when full it sheds the oldest messages instead.
 */

import { Notifier } from "./control-queue.js";

/** Default capacity: the reference's message backlog size (spec 12). */
export const DEFAULT_MESSAGE_BACKLOG = 1024;

/** Maximum evictions per enqueue ("send lossy", spec 8.9 and 12). */
export const MAX_EVICTIONS = 3;

/** The two operations "send lossy" performs on a bounded queue. */
export interface LossyTarget<T> {
  /** Appends unless full; true when appended. */
  tryPush(item: T): boolean;
  /** Removes the oldest item; true when there was one. */
  evictOldest(): boolean;
}

/** What happened to one enqueued item. */
export interface LossyOutcome {
  /** True when the new item is now in the queue. */
  readonly queued: boolean;
  /** How many older items were evicted to make room (0 … {@link MAX_EVICTIONS}). */
  readonly evicted: number;
}

// Every possible outcome, preallocated: the hot path allocates nothing.
const OUTCOMES: readonly (readonly LossyOutcome[])[] = [false, true].map((queued) =>
  Array.from({ length: MAX_EVICTIONS + 1 }, (_, evicted) => Object.freeze({ queued, evicted })),
);

function outcome(queued: boolean, evicted: number): LossyOutcome {
  return OUTCOMES[queued ? 1 : 0]?.[evicted] ?? { queued, evicted };
}

/**
 * The reference's "send lossy" loop, literally: try to append; if full, evict the oldest and try
 * again; after `maxEvictions` eviction attempts give up and drop the new item. An eviction attempt
 * on an empty queue (capacity 0) still counts, so such a queue tries to append `maxEvictions + 1`
 * times (spec 10.14).
 */
export function sendLossy<T>(
  target: LossyTarget<T>,
  item: T,
  maxEvictions: number = MAX_EVICTIONS,
): LossyOutcome {
  let evicted = 0;
  for (let attempt = 0; ; attempt++) {
    if (target.tryPush(item)) return outcome(true, evicted);
    if (attempt >= maxEvictions) return outcome(false, evicted);
    if (target.evictOldest()) evicted++;
  }
}

/** Fixed-capacity ring buffer: O(1) push and shift, no reallocation. */
class Ring<T> implements LossyTarget<T> {
  readonly #slots: (T | undefined)[];
  readonly #capacity: number;
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  tryPush(item: T): boolean {
    // Checked first, so a capacity-0 ring never reaches the modulo below.
    if (this.#size === this.#capacity) return false;
    this.#slots[(this.#head + this.#size) % this.#capacity] = item;
    this.#size++;
    return true;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#slots[this.#head];
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined; // let the item be collected
    this.#head = this.#head + 1 === this.#capacity ? 0 : this.#head + 1;
    this.#size--;
    return item;
  }

  evictOldest(): boolean {
    if (this.#size === 0) return false;
    this.shift();
    return true;
  }
}

/** Options of {@link LossyQueue}. */
export interface LossyQueueOptions {
  /** Maximum queued items; a non-negative integer. Default {@link DEFAULT_MESSAGE_BACKLOG}. */
  capacity?: number;
  /** Shared with the control queue so the sender wakes for either (see `nextByPriority`). */
  notifier?: Notifier;
}

/**
 * Bounded, lossy FIFO (spec 8.9). `push` never blocks and never throws: when the queue is full the
 * oldest item (of any channel) is evicted; see {@link sendLossy}.
 *
 * Counters: {@link dropped} counts messages lost while the queue was open (evicted old ones plus
 * rejected new ones) — what the throttled drop log reports. Pushes after {@link close} are not
 * drops (the session is ending); they are counted apart in {@link discardedAfterClose}.
 *
 * Items must not be `undefined` (it means "empty" for {@link shift}); `null` is fine.
 */
export class LossyQueue<T extends {} | null> {
  /** Maximum number of queued items. */
  readonly capacity: number;
  /** Notified on every successful push and on close. */
  readonly notifier: Notifier;
  readonly #ring: Ring<T>;
  #closed = false;
  #dropped = 0;
  #discardedAfterClose = 0;

  /** @throws RangeError when `capacity` is not a non-negative safe integer. */
  constructor(options: LossyQueueOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_MESSAGE_BACKLOG;
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`capacity must be a non-negative integer, got ${String(capacity)}`);
    }
    this.capacity = capacity;
    this.notifier = options.notifier ?? new Notifier();
    this.#ring = new Ring<T>(capacity);
  }

  /** Items waiting to be taken. */
  get length(): number {
    return this.#ring.size;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Messages lost while open: evicted old ones plus rejected new ones. Never decreases. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Pushes ignored because the queue was closed (not counted in {@link dropped}). */
  get discardedAfterClose(): number {
    return this.#discardedAfterClose;
  }

  /**
   * Enqueues `item`, evicting up to {@link MAX_EVICTIONS} oldest items if full. Returns true when
   * `item` was queued; false when it was dropped (capacity 0) or the queue is closed.
   */
  push(item: T): boolean {
    if (this.#closed) {
      this.#discardedAfterClose++;
      return false;
    }
    const result = sendLossy(this.#ring, item);
    this.#dropped += result.evicted + (result.queued ? 0 : 1);
    if (result.queued) this.notifier.notify();
    return result.queued;
  }

  /** Takes the oldest item, or `undefined` when empty. Works after close too (drains). */
  shift(): T | undefined {
    return this.#ring.shift();
  }

  /** The oldest item without taking it, or `undefined` when empty. */
  peek(): T | undefined {
    return this.#ring.peek();
  }

  /**
   * Waits for the oldest item. Resolves `undefined` when `signal` aborts (checked first, even if
   * items are queued) or when the queue is closed and drained; never rejects.
   */
  async next(signal?: AbortSignal): Promise<T | undefined> {
    for (;;) {
      if (signal?.aborted) return undefined;
      if (this.#ring.size > 0) return this.#ring.shift();
      if (this.#closed) return undefined;
      await this.notifier.wait(signal);
    }
  }

  /** Stops accepting items and wakes waiters. Queued items can still be taken. */
  close(): void {
    this.#closed = true;
    this.notifier.notify();
  }
}
