import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from "xstate";

/** One state of a statechart, as a diagram needs it. */
export interface DiagramState {
  /** The XState state id, e.g. `gateway.running.connected`: unique, and stable across renders. */
  id: string;
  /** The state's own name (its key in its parent), e.g. `connected`. */
  key: string;
  /** Id of the parent state; undefined for the machine's root. */
  parent: string | undefined;
  /** Ids of the child states, in definition order. */
  children: string[];
  /** Id of the child entered first; undefined for atomic and parallel states. */
  initial: string | undefined;
  /** Every child is active at once (orthogonal regions). */
  parallel: boolean;
  /** A `type: "final"` state. */
  final: boolean;
  /** The actors the state invokes while active, as `id` or `id (src)` when they differ. */
  invokes: string[];
}

/** One transition of a statechart. */
export interface DiagramTransition {
  /** Id of the state that declares the transition: it applies to every state inside it too. */
  source: string;
  /** Ids of the target states; empty for a targetless transition (taken without leaving the source). */
  targets: string[];
  /** The XState event type, or `always` for an eventless transition. */
  event: string;
  /** The guard's name, if the transition has one. */
  guard: string | undefined;
  /** What a diagram prints: `START`, `connectRoom done`, `after retryDelay`, `always [hasCredentials]`... */
  label: string;
}

/** A machine reduced to what a diagram draws: a neutral model that any renderer can consume. */
export interface StateDiagram {
  /** Id of the machine's root state (the machine id). */
  root: string;
  /** Every state, the root first, each parent before its children, in definition order. */
  states: DiagramState[];
  /** Every transition, `always` ones included, grouped by source in the order of `states`. */
  transitions: DiagramTransition[];
}

/** Walks a machine into a {@link StateDiagram}. */
export function toDiagram(machine: AnyStateMachine): StateDiagram {
  const diagram: StateDiagram = { root: machine.root.id, states: [], transitions: [] };
  const visit = (node: AnyStateNode): void => {
    const children = Object.values(node.states) as AnyStateNode[];
    diagram.states.push({
      id: node.id,
      key: node.key,
      parent: node.parent?.id,
      children: children.map((child) => child.id),
      initial: node.type === "compound" ? node.initial.target[0]?.id : undefined,
      parallel: node.type === "parallel",
      final: node.type === "final",
      invokes: node.invoke.map(({ id, src }) =>
        typeof src !== "string" || src === id ? id : `${id} (${src})`,
      ),
    });
    // `transitions` holds every evented one (`on`, `after`, invoke `onDone`/`onError`), not `always`.
    for (const [event, definitions] of node.transitions) {
      for (const definition of definitions) {
        diagram.transitions.push(toTransition(node, event, definition));
      }
    }
    for (const definition of node.always ?? []) {
      diagram.transitions.push(toTransition(node, "always", definition));
    }
    for (const child of children) visit(child);
  };
  visit(machine.root);
  return diagram;
}

function toTransition(
  node: AnyStateNode,
  event: string,
  definition: AnyTransitionDefinition,
): DiagramTransition {
  const guard = guardName(definition.guard);
  const targets = (definition.target ?? []).map((target: AnyStateNode) => target.id);
  // No target and nothing to do: the event is absorbed here, which a bare self-loop would hide.
  const ignored =
    targets.length === 0 && (definition.actions?.length ?? 0) === 0 ? " (ignored)" : "";
  const label = eventLabel(event, node.id) + (guard === undefined ? "" : ` [${guard}]`) + ignored;
  return { source: node.id, targets, event, guard, label };
}

/**
 * Turns XState's internal event types back into what the definition said: `connectRoom done`,
 * `after retryDelay`; an eventless transition (`""` in inspection events) is `always`.
 */
export function eventLabel(event: string, stateId: string): string {
  if (event === "") return "always";
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event);
  if (actor) return `${actor[2]} ${actor[1]}`;
  // The delay comes before the state id, which has dots of its own: cut the id off the end.
  const afterPrefix = "xstate.after.";
  const afterSuffix = `.${stateId}`;
  if (event.startsWith(afterPrefix) && event.endsWith(afterSuffix)) {
    const delay = event.slice(afterPrefix.length, -afterSuffix.length);
    return /^\d+$/.test(delay) ? `after ${delay}ms` : `after ${delay}`;
  }
  // `onDone` of a compound state: the event names the state that completed.
  if (event.startsWith("xstate.done.state.")) return `${stateId.split(".").at(-1)} done`;
  return event;
}

/** Names a guard: `{ type: "name" }` and `"name"` as `name`, `and(...)`/`or(...)`/`not(...)` spelled out. */
function guardName(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === "string") return guard;
  if (typeof guard === "function") {
    const parts = (guard as { guards?: unknown[] }).guards;
    if (parts) return `${guard.name}(${parts.map(guardName).join(", ")})`;
    return guard.name || "guard";
  }
  if (typeof guard === "object" && guard !== null && "type" in guard) return String(guard.type);
  return "guard";
}
