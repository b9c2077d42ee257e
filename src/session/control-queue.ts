/**
 * The session's control queue (spec 8.10) and the wake-up both session queues share, so the
 * single sender task (8.11) can sleep until *either* queue has something and then serve control
 * messages strictly before data.
 */

/**
 * A wake-up call without a stored value: {@link Notifier.wait} resolves on the next
 * {@link Notifier.notify} (or when the caller's signal aborts).
 *
 * Not sticky: a notify with nobody waiting is lost. That is safe for the check-then-wait pattern
 * (look at the queues, then `wait()` in the same synchronous turn), because in single-threaded JS
 * nothing can be enqueued between the check and the registration of the waiter.
 */
export class Notifier {
  #waiters = new Set<() => void>();

  /** How many `wait()` calls are pending (for tests: proves nothing leaks). */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Wakes every pending `wait()`. Cheap when nobody waits (the hot enqueue path). */
  notify(): void {
    if (this.#waiters.size === 0) return;
    // Swap first: a woken waiter that waits again must wait for the *next* notify.
    const woken = this.#waiters;
    this.#waiters = new Set();
    for (const wake of woken) wake();
  }

  /**
   * Resolves on the next `notify()`, or as soon as `signal` aborts (immediately if it already has).
   * Never rejects; the caller checks `signal.aborted` itself. The abort listener is removed
   * either way, so waiting in a loop with a long-lived signal leaks nothing.
   */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** One queued control message: framed bytes for one participant's control stream. */
export interface ControlMessage {
  /** The participant identity whose control stream gets the bytes. */
  readonly target: string;
  /** A complete frame (header + payload), e.g. from `encodeServerJsonFrame`. */
  readonly frame: Uint8Array;
}

/** Below this many consumed slots the backing array is never compacted (copying is not worth it). */
const COMPACT_THRESHOLD = 1024;

/**
 * Ordered FIFO of control messages that never drops while open (spec 8.10).
 *
 * Unbounded on purpose: the reference blocks the producer when its bounded queue is full, but our
 * producers are the Context's synchronous callbacks (`addChannels`, `removeChannel`) and the
 * session's synchronous message handlers, which cannot wait (8.14). Control traffic is small and
 * rare (welcome, advertise, unadvertise, status), so the growth this allows is bounded in practice
 * by channel churn times participants.
 *
 * Push and shift are amortised O(1): a head index walks the array, which is compacted once at
 * least half of it is consumed.
 */
export class ControlQueue {
  /** Notified on every push and on close; share it with the data queue (see {@link nextByPriority}). */
  readonly notifier: Notifier;
  #items: (ControlMessage | undefined)[] = [];
  #head = 0;
  #closed = false;
  #discardedAfterClose = 0;

  constructor(options: { notifier?: Notifier } = {}) {
    this.notifier = options.notifier ?? new Notifier();
  }

  /** Messages waiting to be sent. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Messages pushed after {@link close} and therefore not queued (the session was ending). */
  get discardedAfterClose(): number {
    return this.#discardedAfterClose;
  }

  /** Appends a message. Returns false (and queues nothing) only when the queue is closed. */
  push(message: ControlMessage): boolean {
    if (this.#closed) {
      this.#discardedAfterClose++;
      return false;
    }
    this.#items.push(message);
    this.notifier.notify();
    return true;
  }

  /**
   * A broadcast (8.10): one message per target, all with the same bytes, in the targets' order.
   * Returns how many were queued.
   */
  pushToAll(targets: Iterable<string>, frame: Uint8Array): number {
    let queued = 0;
    for (const target of targets) if (this.push({ target, frame })) queued++;
    return queued;
  }

  /** Takes the oldest message, or `undefined` when the queue is empty. Works after close too. */
  shift(): ControlMessage | undefined {
    if (this.#head === this.#items.length) return undefined;
    const message = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let the frame be collected
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_THRESHOLD && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return message;
  }

  /**
   * Waits for the oldest message. Resolves `undefined` when `signal` aborts or when the queue is
   * closed and drained; never rejects. Queued messages are still delivered after close.
   */
  async next(signal?: AbortSignal): Promise<ControlMessage | undefined> {
    for (;;) {
      if (signal?.aborted) return undefined;
      if (this.length > 0) return this.shift();
      if (this.#closed) return undefined;
      await this.notifier.wait(signal);
    }
  }

  /** Stops accepting messages; wakes waiters. Messages already queued can still be taken. */
  close(): void {
    this.#closed = true;
    this.notifier.notify();
  }
}

/** What {@link nextByPriority} needs from a queue: both session queues fit. */
export interface PriorityQueueSource<T> {
  readonly notifier: Notifier;
  readonly length: number;
  readonly closed: boolean;
  shift(): T | undefined;
}

/** An item taken by {@link nextByPriority}, tagged with the queue it came from. */
export type PrioritizedItem<C, D> =
  | { readonly kind: "control"; readonly item: C }
  | { readonly kind: "data"; readonly item: D };

/**
 * The sender's wait (8.11): returns the oldest control message if there is one, else the oldest
 * data message, else sleeps until either queue gets something. Cancellation wins over both: an
 * aborted `signal` yields `undefined` even when items are queued. Also `undefined` once both queues
 * are closed and drained. Never rejects.
 *
 * Both queues must share one {@link Notifier} (pass the same one to both constructors), otherwise
 * a push to the other queue would not wake the sender.
 *
 * @throws Error when the queues do not share a notifier (a wiring bug, not a runtime condition).
 */
export async function nextByPriority<C, D>(
  control: PriorityQueueSource<C>,
  data: PriorityQueueSource<D>,
  signal?: AbortSignal,
): Promise<PrioritizedItem<C, D> | undefined> {
  if (control.notifier !== data.notifier) {
    throw new Error("nextByPriority: the control and data queues must share one Notifier");
  }
  for (;;) {
    if (signal?.aborted) return undefined;
    // Check lengths, not shift() results: a queue's items may legitimately be `null`.
    if (control.length > 0) return { kind: "control", item: control.shift() as C };
    if (data.length > 0) return { kind: "data", item: data.shift() as D };
    if (control.closed && data.closed) return undefined;
    await control.notifier.wait(signal);
  }
}
