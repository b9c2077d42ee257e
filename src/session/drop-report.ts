import { Throttle } from "./throttle.js";

/**
 * The data-queue drop log (spec 8.9): at most one line per interval, as in the reference, but
 * nothing goes unreported. Drops that arrive while the log is throttled are summed into one line at
 * the end of the interval, and what is still pending when the session ends is reported then.
 */
export class DropReport {
  #reported = 0;
  #total = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly warn: (line: string) => void,
    private readonly throttle = new Throttle(),
  ) {}

  /** `total`: messages dropped so far. */
  update(total: number): void {
    this.#total = total;
    if (total === this.#reported || this.#timer) return;
    if (this.throttle.allow()) {
      this.#flush();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.update(this.#total);
    }, this.throttle.remainingMs());
    // A pending report must not keep the process alive.
    this.#timer.unref?.();
  }

  /** Reports what is pending now, and schedules nothing more. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flush();
  }

  #flush(): void {
    const count = this.#total - this.#reported;
    if (count > 0) this.warn(`data queue full: ${count} message(s) dropped`);
    this.#reported = this.#total;
  }
}
