// The dashboard page: wires the inspection feed to the statechart, the status stream to the
// panels, and (against the local stack) runs the in-browser viewer.
import { setLogLevel } from "livekit-client";
import { eventLabel } from "../../statechart/model.js";
import type { DashboardStatus, ViewerGrant } from "../wire.js";
import { ControlBrowserViewer } from "./control-viewer.js";
import { byId, h } from "./dom.js";
import { followInspection } from "./inspection-client.js";
import type { PageViewer, ViewerEvents } from "./page-viewer.js";
import { ParametersPanel } from "./parameters-panel.js";
import { ServicesPanel } from "./services-panel.js";
import { StatechartView } from "./statechart-view.js";
import { StatusView } from "./status-view.js";
import { BrowserViewer } from "./viewer.js";
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
  message: (channelId, payload, via) => panel.message(channelId, payload, via),
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
/** On demand, the viewer joins when asked: the gateway sleeps until then, and after it leaves. */
let wanted = false;
new EventSource("/api/status").onmessage = (message) => {
  const current = JSON.parse(String(message.data)) as DashboardStatus;
  status.show(current);
  panel.gatewayRoundTrip(current.gateway?.viewers ?? []);
  // A dormant gateway joins the room only when a viewer asks for it: the join asks, and so does
  // the page whenever it finds the gateway dormant again while it views (after a lost session).
  if (wanted && current.livekit && current.gateway?.state === "watching") wake();
  if (current.gateway && !viewerStarted) {
    viewerStarted = true;
    if (!current.livekit) {
      panel.unavailable(
        "The in-browser viewer needs the local stack; open the device in the Foxglove app instead.",
      );
    } else if (current.gateway.connection === "on-demand") {
      showConnectButton();
    } else {
      wanted = true;
      void join();
    }
  }
};

function showConnectButton(): void {
  const button = byId("connect-viewer") as HTMLButtonElement;
  button.hidden = false;
  button.onclick = () => {
    wanted = !wanted;
    button.textContent = wanted ? "Disconnect viewer" : "Connect viewer";
    if (wanted) void join();
    else {
      clearTimeout(joinTimer);
      void viewer?.leave().then(() => panel.unavailable("Viewer disconnected."));
    }
  };
}

let waking = false;
function wake(): void {
  if (waking) return;
  waking = true;
  post("/api/wake")
    .catch(() => {}) // The next status while dormant asks again.
    .finally(() => {
      waking = false;
    });
}

let joinTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleJoin(): void {
  clearTimeout(joinTimer);
  if (wanted) joinTimer = setTimeout(() => void join(), REJOIN_DELAY_MS);
}

async function join(): Promise<void> {
  try {
    const grant = (await post("/api/viewer")) as ViewerGrant;
    viewer ??= grant.protocol === "2.2" ? controlViewer() : new BrowserViewer(viewerEvents);
    panel.use(viewer);
    await viewer.join(grant);
  } catch (error) {
    panel.unavailable(`Could not join the room (${String(error)}); trying again.`);
    scheduleJoin();
  }
}

/** Protocol 2.2's viewer, and the panels of what only 2.2 has. */
function controlViewer(): ControlBrowserViewer {
  const services = new ServicesPanel();
  const parameters = new ParametersPanel();
  const viewer = new ControlBrowserViewer({
    ...viewerEvents,
    services: (list) => services.show(list),
    parameters: (list) => parameters.show(list),
    roundTrip: (ms) => panel.roundTrip(ms),
    notice: (notice) => panel.notice(notice),
  });
  services.use(viewer);
  parameters.use(viewer);
  byId("services-section").hidden = false;
  byId("parameters-section").hidden = false;
  return viewer;
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
