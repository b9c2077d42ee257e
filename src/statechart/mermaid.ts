import type { AnyStateMachine } from "xstate";
import { type DiagramState, type StateDiagram, toDiagram } from "./model.js";

/** How {@link toMermaid} lays the diagram out. */
export interface MermaidOptions {
  /** Top to bottom (Mermaid's default) or left to right. */
  direction?: "TB" | "LR";
}

/**
 * Draws a machine as a Mermaid `stateDiagram-v2`.
 *
 * Composite states are `state X { ... }` blocks; invoked actors are descriptions of atomic states
 * and notes on composite ones. The transitions a composite state declares (e.g. `STOP` on the
 * root) are taken in any of its states that does not handle the event itself: they are drawn
 * from a dashed `any state` box inside it. Targetless transitions are self-loops. Deterministic.
 */
export function toMermaid(machine: AnyStateMachine, options: MermaidOptions = {}): string {
  const diagram = toDiagram(machine);
  const states = new Map(diagram.states.map((state) => [state.id, state]));
  const ids = mermaidIds(diagram);
  const id = (stateId: string): string => ids.get(stateId) ?? stateId;
  const anyState = (stateId: string): string => `${id(stateId)}__any`;

  // Mermaid moves a state into a block that mentions it (the first or the last one, depending on
  // the version), so an edge goes inside a composite only when both of its ends are declared
  // there; all others go at the top level, which moves nothing.
  const edges = new Map<string, string[]>();
  const pseudoStates = new Set<string>();
  for (const transition of diagram.transitions) {
    const source = states.get(transition.source);
    if (!source) continue;
    // A composite's own transitions apply in each of its states: draw them from one box inside.
    const fromAny = source.children.length > 0;
    if (fromAny) pseudoStates.add(source.id);
    const from = fromAny ? anyState(source.id) : id(source.id);
    const fromBlock = fromAny ? source.id : source.parent;
    const targets = transition.targets.length > 0 ? transition.targets : [undefined];
    for (const target of targets) {
      const toBlock = target === undefined ? fromBlock : states.get(target)?.parent;
      const block = fromBlock === toBlock && fromBlock !== undefined ? fromBlock : diagram.root;
      const to = target === undefined ? from : id(target);
      const lines = edges.get(block) ?? [];
      lines.push(`${from} --> ${to} : ${escape(transition.label)}`);
      edges.set(block, lines);
    }
  }

  const block = (state: DiagramState, indent: string): string[] => {
    const regions = state.children.map((childId) => {
      const child = states.get(childId);
      if (!child) return [];
      const invokes = child.invokes.length > 0 ? `invoke ${child.invokes.join(", ")}` : undefined;
      if (child.children.length > 0) {
        const lines = [`${indent}state ${id(child.id)} {`, ...block(child, `${indent}  `)];
        lines.push(`${indent}}`);
        if (invokes) lines.push(`${indent}note right of ${id(child.id)} : ${escape(invokes)}`);
        return lines;
      }
      const lines = [`${indent}state "${escape(child.key)}" as ${id(child.id)}`];
      if (invokes) lines.push(`${indent}${id(child.id)} : ${escape(invokes)}`);
      return lines;
    });
    // Orthogonal regions of a parallel state are separated by `--`.
    const lines = regions.flatMap((region, i) =>
      state.parallel && i > 0 ? [`${indent}--`, ...region] : region,
    );
    if (pseudoStates.has(state.id))
      lines.push(`${indent}state "any state" as ${anyState(state.id)}`);
    if (state.initial) lines.push(`${indent}[*] --> ${id(state.initial)}`);
    for (const edge of edges.get(state.id) ?? []) lines.push(`${indent}${edge}`);
    for (const childId of state.children) {
      if (states.get(childId)?.final) lines.push(`${indent}${id(childId)} --> [*]`);
    }
    return lines;
  };

  const root = states.get(diagram.root);
  const lines = ["stateDiagram-v2"];
  if (options.direction) lines.push(`  direction ${options.direction}`);
  // Mermaid only knows `--` inside braces: a parallel root gets drawn as a composite of its own.
  if (root?.parallel) lines.push(`  state ${id(root.id)} {`, ...block(root, "    "), "  }");
  else if (root) lines.push(...block(root, "  "));
  if (pseudoStates.size > 0) {
    lines.push("  classDef anyState stroke-dasharray: 4 4");
    lines.push(`  class ${[...pseudoStates].map(anyState).join(",")} anyState`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Mermaid ids: the state id without the machine id, with everything but word characters turned
 * into `_` (Mermaid ids cannot hold `-`, spaces or `:`), e.g. `running_connected`. The root keeps
 * the machine id.
 */
function mermaidIds(diagram: StateDiagram): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const { id } of diagram.states) {
    const relative = id.startsWith(`${diagram.root}.`) ? id.slice(diagram.root.length + 1) : id;
    const mermaidId = relative.replace(/\W/g, "_");
    // Two states folding into one id would silently merge in the drawing.
    if (taken.has(mermaidId)) throw new Error(`states collide as Mermaid id "${mermaidId}"`);
    taken.add(mermaidId);
    ids.set(id, mermaidId);
  }
  return ids;
}

/** Mermaid ends a label at `:` or `;` and quotes with `"`: write those as entity codes. */
function escape(text: string): string {
  return text.replace(/[:;#"]/g, (c) => `#${c.charCodeAt(0)};`);
}
