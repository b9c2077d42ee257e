// The dashboard page: wires the inspection feed to the statechart, the status stream to the
// panels, and (against the local stack) runs the in-browser viewer.
import { setLogLevel } from "livekit-client";
import { eventLabel } from "../../statechart/model.js";
import type { DashboardStatus, ViewerGrant } from "../wire.js";
import { ControlBrowserViewer } from "./control-viewer.js";
import { byId, h } from "./dom.js";
import { followInspection } from "./inspection-client.js";
import { StatechartView } from "./statechart-view.js";
import { StatusView } from "./status-view.js";
import { BrowserViewer, type PageViewer, type ViewerEvents } from "./viewer.js";
import { ViewerPanel } from "./viewer-panel.js";

const REJOIN_DELAY_MS = 2_000;
const TRANSITIONS_SHOWN = 200;

setLogLevel("warn");

const statechart = new StatechartView(byId("statechart"));
const status = new StatusView(() => post("/api/livekit/restart").then(() => undefined));
const panel = new ViewerPanel();
const viewerEvents: ViewerEvents = {
  connection(state, detail) {
    panel.connection(state, detail);
    if (state === "left") scheduleJoin();
  },
  channels: (channels) => panel.channels(channels),
  message: (channelId, payload) => panel.message(channelId, payload),
  services: (services) => panel.services(services),
  parameters: (parameters) => panel.parameters(parameters),
  rtt: (ms) => panel.rtt(ms),
  reply: (text) => panel.reply(text),
};
/** The viewer of the protocol the gateway speaks, made at the first join. */
let viewer: PageViewer | undefined;

await statechart.load();
const transitions = byId("transitions");
followInspection({
  opened: () => transitions.replaceChildren(),
  state: (value) => statechart.show(value),
  transition({ source, event, targets }, time) {
    const to = targets.map(short).join(", ") || "(stays)";
    const at = new Date(time).toLocaleTimeString();
    transitions.prepend(
      h("li", {}, `${at}  ${short(source)} → ${to}  on ${eventLabel(event, source)}`),
    );
    while (transitions.children.length > TRANSITIONS_SHOWN) transitions.lastElementChild?.remove();
  },
});

let viewerStarted = false;
new EventSource("/api/status").onmessage = (message) => {
  const current = JSON.parse(String(message.data)) as DashboardStatus;
  status.show(current);
  if (current.gateway && !viewerStarted) {
    viewerStarted = true;
    if (current.livekit) void join();
    else
      panel.unavailable(
        "The in-browser viewer needs the local stack; open the device in the Foxglove app instead.",
      );
  }
};

let joinTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleJoin(): void {
  clearTimeout(joinTimer);
  joinTimer = setTimeout(() => void join(), REJOIN_DELAY_MS);
}

async function join(): Promise<void> {
  try {
    const grant = (await post("/api/viewer")) as ViewerGrant;
    if (!viewer) {
      viewer =
        grant.protocol === "2.2"
          ? new ControlBrowserViewer(viewerEvents)
          : new BrowserViewer(viewerEvents);
      panel.use(viewer);
    }
    await viewer.join(grant);
  } catch (error) {
    panel.unavailable(`Could not join the room (${String(error)}); trying again.`);
    scheduleJoin();
  }
}

async function post(path: string): Promise<unknown> {
  const response = await fetch(path, { method: "POST" });
  const body = (await response.json()) as { error?: string };
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body;
}

function short(stateId: string): string {
  return stateId.replace(/^gateway\./, "");
}
