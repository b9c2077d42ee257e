import type { ByteStreamWriter } from "livekit-client";

/**
 * The viewer's one persistent `control` stream to the gateway, as the Foxglove app keeps it: opened
 * on the first message, written in order. A failed write drops it, and so does `restart()`; the
 * next message opens a new one.
 */
export class ControlWriter {
  #stream: Promise<ByteStreamWriter> | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly open: () => Promise<ByteStreamWriter>) {}

  /** Writes one frame after those before it; rejects if it could not be written. */
  send(frame: Uint8Array): Promise<void> {
    const written = this.#queue.then(async () => {
      this.#stream ??= this.open();
      const stream = this.#stream;
      try {
        await (await stream).write(frame);
      } catch (error) {
        if (this.#stream === stream) this.#stream = undefined;
        throw error;
      }
    });
    this.#queue = written.catch(() => {});
    return written;
  }

  /**
   * Ends the stream once what is queued is written. A new gateway session never saw its header,
   * so anything written on it would be lost.
   */
  restart(): void {
    this.#queue = this.#queue.then(async () => {
      const stream = this.#stream;
      this.#stream = undefined;
      await (await stream)?.close();
    });
    this.#queue = this.#queue.catch(() => {});
  }
}
