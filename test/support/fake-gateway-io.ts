import { fromCallback, fromPromise } from "xstate";
import type { DeviceSummary, GatewayMachine, RoomJoined } from "../../machines/gateway.machine.js";
import { type ParticipantInput, participantMachine } from "../../machines/participant.machine.js";

/** One invocation of a faked promise actor, settled by the test when it chooses. */
export interface PendingCall {
  input: unknown;
  signal: AbortSignal;
  settled: boolean;
  resolve(output: unknown): void;
  reject(error: unknown): void;
}

type PromiseActorName =
  | "fetchDeviceInfo"
  | "fetchCredentials"
  | "connectRoom"
  | "closeRoom"
  | "sendHeartbeat";
type CallbackActorName = "roomEvents" | "sender" | "serve" | "watch";

export function isCallbackActor(name: string): name is CallbackActorName {
  return name === "roomEvents" || name === "sender" || name === "serve" || name === "watch";
}

/**
 * Fakes for every I/O actor of the gateway machine, injected with `machine.provide()`. Each
 * promise actor waits until the test settles it; each callback actor counts how many instances
 * are alive; `clearCredentials` counts its calls.
 */
export class FakeGatewayIo {
  readonly calls: Record<PromiseActorName, PendingCall[]> = {
    fetchDeviceInfo: [],
    fetchCredentials: [],
    connectRoom: [],
    closeRoom: [],
    sendHeartbeat: [],
  };
  /** Live instances of each callback actor (`serve`: one per participant being served). */
  readonly alive: Record<CallbackActorName, number> = {
    roomEvents: 0,
    sender: 0,
    serve: 0,
    watch: 0,
  };
  credentialsCleared = 0;
  leasesForgotten = 0;

  provide(machine: GatewayMachine): GatewayMachine {
    return machine.provide({
      actors: {
        fetchDeviceInfo: this.promise<DeviceSummary>("fetchDeviceInfo"),
        fetchCredentials: this.promise<{ url: string }, { deviceId: string }>("fetchCredentials"),
        connectRoom: this.promise<RoomJoined, { url: string; remoteAccessSessionId?: string }>(
          "connectRoom",
        ),
        closeRoom: this.promise<void>("closeRoom"),
        sendHeartbeat: this.promise<void>("sendHeartbeat"),
        roomEvents: this.callback("roomEvents"),
        sender: this.callback("sender"),
        watch: this.callback<{ remoteAccessSessionId?: string }>("watch"),
        // Each viewer is welcomed at once: the participant machine has its own model test.
        participant: participantMachine.provide({
          actors: { serve: this.callback<ParticipantInput>("serve", "WELCOMED") },
        }),
      },
      actions: {
        clearCredentials: () => {
          this.credentialsCleared++;
        },
        forgetLease: () => {
          this.leasesForgotten++;
        },
      },
    });
  }

  /** The newest unsettled call of an actor. */
  pending(name: PromiseActorName): PendingCall {
    const call = this.calls[name].findLast((c) => !c.settled);
    if (!call) throw new Error(`no pending ${name} call`);
    return call;
  }

  /** All calls that were abandoned: never settled, so their signal must have been aborted. */
  unsettled(): PendingCall[] {
    return Object.values(this.calls)
      .flat()
      .filter((call) => !call.settled);
  }

  private promise<TOutput, TInput = void>(name: PromiseActorName) {
    return fromPromise<TOutput, TInput>(
      ({ input, signal }) =>
        new Promise<TOutput>((resolve, reject) => {
          const call: PendingCall = {
            input,
            signal,
            settled: false,
            resolve: (output) => {
              call.settled = true;
              resolve(output as TOutput);
            },
            reject: (error) => {
              call.settled = true;
              reject(error);
            },
          };
          this.calls[name].push(call);
        }),
    );
  }

  /** Makes a running callback actor fail through XState's own error path (a throwing listener). */
  static readonly FAIL = "fake.fail";

  private callback<TInput = void>(name: CallbackActorName, greeting?: string) {
    return fromCallback<{ type: string }, TInput>(({ receive, sendBack }) => {
      let released = false;
      const release = () => {
        if (!released) this.alive[name]--;
        released = true;
      };
      // XState does not run a failed callback actor's cleanup: a failing actor releases first.
      receive((event) => {
        if (event.type !== FakeGatewayIo.FAIL) return;
        release();
        throw (event as { error?: unknown }).error;
      });
      this.alive[name]++;
      if (greeting) sendBack({ type: greeting });
      return release;
    });
  }
}
