import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { isLoopbackOrigin } from "./loopback.js";

/** Where the Stately inspector's UI lives. */
export const STATELY_INSPECTOR_URL = "https://stately.ai/inspect";

/** A loopback bridge from a Node process to the Stately inspector in a browser. */
export interface StatelyBridge {
  /** Open this page: it embeds the inspector and relays the events to it. */
  pageUrl: string;
  /** Where `createStatelyInspector()` sends the events. */
  socketUrl: string;
  close(): Promise<void>;
}

/**
 * Serves, on 127.0.0.1 only, a page that embeds the Stately inspector, and a WebSocket that relays
 * every message from the process's inspector to the open pages. (`@statelyai/inspect`'s own server
 * listens on every interface; an inspection stream is for this machine only.)
 */
export async function startStatelyBridge(options: { port?: number } = {}): Promise<StatelyBridge> {
  const http = createServer((_request, response) => {
    const { port } = http.address() as AddressInfo;
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(bridgePage(`ws://127.0.0.1:${port}`));
  });
  // Only the bridge page (loopback origin) and Node clients (no origin) may connect.
  const sockets = new WebSocketServer({
    server: http,
    verifyClient: ({ origin }: { origin?: string }) => !origin || isLoopbackOrigin(origin),
  });
  // What arrived before a page opened, replayed to it (bounded).
  const backlog: string[] = [];
  sockets.on("connection", (socket) => {
    for (const message of backlog) socket.send(message);
    socket.on("message", (data) => {
      const message = data.toString();
      backlog.push(message);
      if (backlog.length > 1000) backlog.shift();
      for (const client of sockets.clients) if (client !== socket) client.send(message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    pageUrl: `http://127.0.0.1:${port}/`,
    socketUrl: `ws://127.0.0.1:${port}`,
    close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function bridgePage(socketUrl: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>Foxglove gateway in the Stately inspector</title>
<style>html,body,iframe{margin:0;width:100%;height:100%;border:0}</style>
<iframe id="inspector" src="${STATELY_INSPECTOR_URL}"></iframe>
<script>
  const frame = document.getElementById("inspector");
  const waiting = [];
  let ready = false;
  addEventListener("message", (event) => {
    if (event.data?.type !== "@statelyai.connected") return;
    ready = true;
    for (const data of waiting.splice(0)) frame.contentWindow.postMessage(data, "*");
  });
  new WebSocket(${JSON.stringify(socketUrl)}).onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (ready) frame.contentWindow.postMessage(data, "*");
    else waiting.push(data);
  };
</script>
`;
}
