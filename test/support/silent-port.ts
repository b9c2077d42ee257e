import { createServer, type Socket } from "node:net";
import { freeTcpPort } from "../../src/dev/livekit-server.js";
import { cleanUp } from "./clean-up.js";

/** A loopback port that accepts TCP connections and never says a word (closed after the test). */
export async function silentPort(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  const port = await freeTcpPort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  cleanUp(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return port;
}
