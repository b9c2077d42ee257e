import type { AnyStateMachine } from "xstate";
import { type DiagramState, toDiagram } from "./model.js";

/** How {@link toDot} lays the graph out. */
export interface DotOptions {
  /** Top to bottom (the default) or left to right. */
  direction?: "TB" | "LR";
}

/**
 * Draws a machine as a Graphviz DOT digraph.
 *
 * Every state carries `id="<XState state id>"` (a node for an atomic state, a cluster for a
 * composite one), which Graphviz copies onto the SVG `<g>` element, so a page can find the
 * current state with `getElementById("gateway.running.connected")`. Pseudo nodes take the id of
 * their composite plus a suffix: `:initial` (the initial dot), `:any` (the dashed "any state"
 * box that the composite's own transitions start from, since they apply in each of its states)
 * and `:anchor` (an invisible point that edges into the composite aim at: they end at its
 * border). Targetless transitions are self-loops. Transitions between the same two nodes share
 * one edge with a label line each. Deterministic output.
 */
export function toDot(machine: AnyStateMachine, options: DotOptions = {}): string {
  const diagram = toDiagram(machine);
  const states = new Map(diagram.states.map((state) => [state.id, state]));
  const isComposite = (stateId: string): boolean => Boolean(states.get(stateId)?.children.length);

  // Transitions between the same two nodes share one edge, one label line each: Graphviz
  // draws parallel edges and stacked self-loops with overlapping labels.
  const edges = new Map<string, { from: string; to: string; labels: string[] }>();
  const edge = (from: string, to: string, text?: string): void => {
    const key = JSON.stringify([from, to]);
    const existing = edges.get(key) ?? { from, to, labels: [] };
    if (text !== undefined) existing.labels.push(text);
    edges.set(key, existing);
  };
  for (const state of diagram.states) {
    if (state.initial) edge(`${state.id}:initial`, state.initial);
  }
  for (const transition of diagram.transitions) {
    const from = isComposite(transition.source) ? `${transition.source}:any` : transition.source;
    const targets = transition.targets.length > 0 ? transition.targets : [from];
    for (const to of targets) edge(from, to, transition.label);
  }
  const edgeLines = [...edges.values()].map(({ from, to, labels }) => {
    const attributes: string[] = [];
    let head = to;
    let labelAttribute = "label";
    // Graphviz edges join nodes: aim at an invisible node inside the cluster, clip the edge at
    // the border, and use an xlabel, which is placed beside the clipped edge (a label is not).
    if (isComposite(to)) {
      head = `${to}:anchor`;
      attributes.push(`lhead=${quote(`cluster_${to}`)}`);
      labelAttribute = "xlabel";
    }
    if (labels.length > 0) attributes.push(`${labelAttribute}="${labels.map(escape).join("\\n")}"`);
    const list = attributes.length > 0 ? ` [${attributes.join(", ")}]` : "";
    return `  ${quote(from)} -> ${quote(head)}${list};`;
  });

  const sources = new Set(diagram.transitions.map((transition) => transition.source));
  const targets = new Set(diagram.transitions.flatMap((transition) => transition.targets));

  const cluster = (state: DiagramState, indent: string): string[] => {
    const inner = `${indent}  `;
    const inParallel = state.parent !== undefined && states.get(state.parent)?.parallel;
    const lines = [
      `${indent}subgraph ${quote(`cluster_${state.id}`)} {`,
      `${inner}id=${quote(state.id)};`,
      `${inner}label=${label(state)};`,
      // Dashed borders mark the orthogonal regions of a parallel state.
      `${inner}style=${quote(inParallel ? "rounded,dashed" : "rounded")};`,
    ];
    if (targets.has(state.id)) {
      lines.push(node(inner, `${state.id}:anchor`, 'shape=point, style=invis, width=0, label=""'));
    }
    if (state.initial) {
      lines.push(node(inner, `${state.id}:initial`, 'shape=point, width=0.15, label=""'));
    }
    if (sources.has(state.id)) {
      lines.push(node(inner, `${state.id}:any`, 'label="any state", style="rounded,dashed"'));
    }
    for (const childId of state.children) {
      const child = states.get(childId);
      if (!child) continue;
      if (child.children.length > 0) {
        lines.push(...cluster(child, inner));
        continue;
      }
      const attributes = [`label=${label(child)}`];
      if (child.final) attributes.push("peripheries=2");
      if (state.parallel) attributes.push('style="rounded,dashed"');
      lines.push(node(inner, child.id, attributes.join(", ")));
    }
    lines.push(`${indent}}`);
    return lines;
  };

  const root = states.get(diagram.root);
  return [
    `digraph ${quote(diagram.root)} {`,
    "  compound=true;",
    `  rankdir=${options.direction ?? "TB"};`,
    "  nodesep=0.4;",
    "  ranksep=0.5;",
    '  fontname="Helvetica";',
    '  node [fontname="Helvetica", fontsize=11, shape=box, style=rounded];',
    '  edge [fontname="Helvetica", fontsize=9];',
    ...(root ? cluster(root, "  ") : []),
    ...edgeLines,
    "}",
    "",
  ].join("\n");
}

function node(indent: string, id: string, attributes: string): string {
  return `${indent}${quote(id)} [id=${quote(id)}, ${attributes}];`;
}

/** A state's box or cluster title: its key, then the actors it invokes. */
function label(state: DiagramState): string {
  const lines = [state.key, ...state.invokes.map((actor) => `invoke ${actor}`)];
  return `"${lines.map(escape).join("\\n")}"`;
}

function quote(text: string): string {
  return `"${escape(text)}"`;
}

function escape(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`);
}
