/** Smoothing of the round-trip estimate: each new sample weighs this much (as upstream). */
export const RTT_SMOOTHING = 0.3;

/**
 * A viewer's round-trip time to the gateway, from its ping acknowledgements (spec 11.11): an
 * exponentially weighted moving average. The first sample is discarded, as upstream does: it
 * includes the control stream's setup.
 */
export class RoundTripTime {
  #samples = 0;
  #average: number | undefined;

  /** The smoothed estimate in ms, once there is one. */
  get ms(): number | undefined {
    return this.#average;
  }

  /** Records an acknowledgement of the pong sent at `sentAtMs`, received at `nowMs`. */
  record(sentAtMs: number, nowMs: number): void {
    const sample = nowMs - sentAtMs;
    if (!(sample >= 0)) return;
    this.#samples += 1;
    if (this.#samples === 1) return;
    this.#average =
      this.#average === undefined
        ? sample
        : RTT_SMOOTHING * sample + (1 - RTT_SMOOTHING) * this.#average;
  }
}
