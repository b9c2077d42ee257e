/**
 * Diagrams drawn from XState machine definitions, so that documentation cannot drift from the
 * code: a neutral model ({@link toDiagram}) and two renderers of it, Mermaid and Graphviz DOT.
 * Pure: no I/O, usable in a browser.
 */
export { type DotOptions, toDot } from "./dot.js";
export { type MermaidOptions, toMermaid } from "./mermaid.js";
export {
  type DiagramState,
  type DiagramTransition,
  eventLabel,
  type StateDiagram,
  toDiagram,
} from "./model.js";
