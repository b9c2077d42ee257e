/** The dashboard's single page; `/dashboard.js` (browser/main.ts) fills it in. */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>foxglove-gateway dashboard</title>
<link rel="icon" href="data:,">
<style>
  :root { --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --muted: #6b7385; --line: #dde1e8;
          --accent: #6f3be8; --ok: #1f8a4c; --warn: #b86e00; --bad: #c0392b; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; align-items: center; gap: 16px; padding: 12px 20px;
           background: var(--panel); border-bottom: 1px solid var(--line); }
  header h1 { font-size: 16px; margin: 0; font-weight: 600; }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(300px, 2fr); gap: 16px; padding: 16px 20px; }
  section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
  section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 8px; }
  .wide { grid-column: 1 / -1; }
  .state { font-weight: 700; padding: 2px 10px; border-radius: 999px; background: #eceff4; }
  .state[data-state="running"] { background: #dff3e7; color: var(--ok); }
  .state[data-state="backoff"], .state[data-state="disconnected"] { background: #fdecd3; color: var(--warn); }
  .state[data-state="stopped"] { background: #f8dcd8; color: var(--bad); }
  .muted { color: var(--muted); }
  .error { color: var(--bad); }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
  dt { color: var(--muted); }
  dd { margin: 0; overflow-wrap: anywhere; }
  ul { margin: 0; padding-left: 18px; }
  button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid var(--accent);
           background: var(--accent); color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: var(--accent); }
  button:disabled { opacity: .5; cursor: default; }
  #statechart svg { width: 100%; height: auto; max-height: 460px; }
  #statechart g.node.active > :is(path, polygon, ellipse) { fill: #ffe58a; stroke: #d48806; stroke-width: 2.5; }
  #statechart g.cluster.active > :is(path, polygon) { stroke: #d48806; stroke-width: 2.5; }
  #transitions { font: 12px/1.5 ui-monospace, monospace; max-height: 180px; overflow: auto; margin: 0; padding: 0; list-style: none; }
  .channel { border-top: 1px solid var(--line); padding: 8px 0; }
  .channel:first-child { border-top: 0; }
  .channel-head { display: flex; align-items: center; gap: 8px; }
  .channel-head code { font-weight: 600; }
  .channel-head button { margin-left: auto; }
  .tag { font-size: 11px; padding: 0 6px; border-radius: 999px; background: #eceff4; color: var(--muted); }
  .row { display: flex; align-items: center; gap: 8px; padding: 4px 0; }
  .row input:not([type]) { flex: 1; min-width: 0; font: inherit; padding: 2px 6px; border: 1px solid var(--line); border-radius: 6px; }
  .row code:first-child { min-width: 120px; }
  pre.message { margin: 6px 0 0; padding: 6px 8px; background: #f1f3f7; border-radius: 6px;
                font-size: 12px; max-height: 140px; overflow: auto; white-space: pre-wrap; }
</style>
</head>
<body>
<header>
  <h1>foxglove-gateway</h1>
  <span class="state" data-testid="gateway-state" id="gateway-state">connecting to the gateway…</span>
  <span class="muted" id="gateway-summary"></span>
</header>
<main>
  <section class="wide">
    <h2>Statechart</h2>
    <div id="statechart" data-testid="statechart"></div>
  </section>
  <section>
    <h2>Gateway</h2>
    <dl id="gateway-details"></dl>
  </section>
  <section>
    <h2>Local LiveKit server</h2>
    <div id="livekit"></div>
  </section>
  <section>
    <h2>In-browser viewer</h2>
    <button id="connect-viewer" data-testid="connect-viewer" hidden>Connect viewer</button>
    <p class="muted" id="viewer-state" data-testid="viewer-state"></p>
    <p class="muted" id="viewer-rtt" data-testid="viewer-rtt" hidden></p>
    <p id="viewer-notice" data-testid="viewer-notice" hidden></p>
    <div id="viewer-channels"></div>
  </section>
  <section>
    <h2>Transitions</h2>
    <ul id="transitions" data-testid="transitions"></ul>
  </section>
  <section id="services-section" hidden>
    <h2>Services</h2>
    <div id="viewer-services"></div>
  </section>
  <section id="parameters-section" hidden>
    <h2>Parameters</h2>
    <div id="viewer-parameters"></div>
  </section>
</main>
<script type="module" src="/dashboard.js"></script>
</body>
</html>
`;
