import { fromCallback, fromPromise } from "xstate";
import type { GatewayFailure } from "./failure.js";

function failure(name: string): GatewayFailure {
  return {
    kind: "internal",
    message: `actor "${name}" has no implementation: provide it with machine.provide()`,
  };
}

/** Placeholder for an I/O actor: the definitions stay pure and the gateway provides the real one. */
export function promiseNotProvided<TOutput, TInput = void>(name: string) {
  return fromPromise<TOutput, TInput>(() => Promise.reject(failure(name)));
}

/** Placeholder for a long-lived I/O actor. */
export function callbackNotProvided<TInput = void>(name: string) {
  return fromCallback<{ type: string }, TInput>(() => {
    throw failure(name);
  });
}
