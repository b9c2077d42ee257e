import { instance } from "@viz-js/viz";
import { gatewayMachine } from "../../machines/gateway.machine.js";
import { toDot } from "./dot.js";

/**
 * The gateway statechart as SVG (Graphviz, rendered in-process). Every state's element id is its
 * XState state id (`gateway.running.connected`), so a page can highlight the active states.
 */
export async function renderGatewayStatechartSvg(): Promise<string> {
  const viz = await instance();
  return viz.renderString(toDot(gatewayMachine, { direction: "LR" }), { format: "svg" });
}
