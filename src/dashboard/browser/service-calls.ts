/** A call the gateway did not answer by then is given up (it may have lost the session). */
const CALL_TIMEOUT_MS = 10_000;

interface PendingCall {
  resolve(payload: Uint8Array): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The page's service calls awaiting an answer, by call id. */
export class ServiceCalls {
  #nextId = 1;
  readonly #pending = new Map<number, PendingCall>();

  /** A new call id, and the promise of the response payload (rejected with the failure). */
  start(): { callId: number; response: Promise<Uint8Array> } {
    const callId = this.#nextId++;
    const response = new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(callId, `no answer within ${CALL_TIMEOUT_MS / 1000} s`),
        CALL_TIMEOUT_MS,
      );
      this.#pending.set(callId, { resolve, reject, timer });
    });
    return { callId, response };
  }

  answer(callId: number, payload: Uint8Array): void {
    this.#take(callId)?.resolve(payload);
  }

  fail(callId: number, message: string): void {
    this.#take(callId)?.reject(new Error(message));
  }

  failAll(message: string): void {
    for (const callId of [...this.#pending.keys()]) this.fail(callId, message);
  }

  #take(callId: number): PendingCall | undefined {
    const call = this.#pending.get(callId);
    this.#pending.delete(callId);
    if (call) clearTimeout(call.timer);
    return call;
  }
}
