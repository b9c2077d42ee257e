import type { AnyEventObject, AnyMachineSnapshot, AnyStateMachine, InspectionEvent } from "xstate";
import { getShortestPaths } from "xstate/graph";

/** One transition a machine defines, named by where it starts, what triggers it and its index. */
export type TransitionKey = string;

interface SourceLike {
  id: string;
  transitions: Map<string, unknown[]>;
  always?: unknown[];
}

interface TransitionLike {
  source: SourceLike;
  eventType: string;
}

export function transitionKey(transition: TransitionLike): TransitionKey {
  const { source, eventType } = transition;
  const list = eventType ? source.transitions.get(eventType) : source.always;
  const index = list?.indexOf(transition) ?? -1;
  return `${source.id} ${eventType || "(always)"} #${index}`;
}

interface StateNodeLike extends SourceLike {
  states: Record<string, StateNodeLike>;
}

/** Every transition of a machine, `always` ones included. */
export function definedTransitions(machine: AnyStateMachine): Set<TransitionKey> {
  const keys = new Set<TransitionKey>();
  const visit = (node: StateNodeLike) => {
    for (const [eventType, list] of node.transitions) {
      for (let index = 0; index < list.length; index++)
        keys.add(`${node.id} ${eventType} #${index}`);
    }
    for (let index = 0; index < (node.always?.length ?? 0); index++) {
      keys.add(`${node.id} (always) #${index}`);
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as unknown as StateNodeLike);
  return keys;
}

/** Collects the transitions actually taken, from `@xstate.microstep` inspection events. */
export function transitionRecorder(machineId: string) {
  const taken = new Set<TransitionKey>();
  const inspect = (event: InspectionEvent) => {
    if (event.type !== "@xstate.microstep") return;
    for (const transition of event._transitions as unknown as TransitionLike[]) {
      if (transition.source.id.split(".")[0] === machineId) taken.add(transitionKey(transition));
    }
  };
  return { taken, inspect };
}

/** The event types an active snapshot can react to, read from the machine's own definitions. */
export function enabledEventTypes(snapshot: AnyMachineSnapshot): string[] {
  const types = new Set<string>();
  for (const node of snapshot._nodes as unknown as StateNodeLike[]) {
    for (const type of node.transitions.keys()) types.add(type);
  }
  return [...types];
}

export interface ModelOptions {
  input?: unknown;
  /** Concrete events for an event type (payload variants); default: just `{ type }`. */
  variants: (type: string, snapshot: AnyMachineSnapshot) => AnyEventObject[];
  /** The part of the context that decides guards: states differing here are different nodes. */
  contextKey: (snapshot: AnyMachineSnapshot) => string;
}

/**
 * A transition cover: one shortest path per (previous state, event, state) edge of the machine,
 * found by traversing its pure transition function.
 */
export function transitionCoverPaths(machine: AnyStateMachine, options: ModelOptions) {
  const key = (s: AnyMachineSnapshot | undefined) =>
    s ? `${JSON.stringify(s.value)}{${options.contextKey(s)}}` : "";
  return getShortestPaths(machine, {
    input: options.input,
    events: (snapshot: AnyMachineSnapshot) =>
      enabledEventTypes(snapshot).flatMap((type) => options.variants(type, snapshot)),
    serializeState: (
      snapshot: AnyMachineSnapshot,
      event?: AnyEventObject,
      previous?: AnyMachineSnapshot,
    ) => `${key(snapshot)} <- ${JSON.stringify(event ?? {})} <- ${key(previous)}`,
    stopWhen: (snapshot: AnyMachineSnapshot) => snapshot.status !== "active",
  } as never);
}

/** Lets settled promises and queued XState events run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
