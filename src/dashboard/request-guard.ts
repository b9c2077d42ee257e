import type { IncomingMessage } from "node:http";
import { isLoopbackHostname } from "../inspection/loopback.js";

/**
 * Why a request to the dashboard is refused, or undefined when it may proceed.
 *
 * The dashboard listens on loopback, but a web page from anywhere can still make the browser send
 * requests to it. The Host header must name loopback (against DNS rebinding), and requests that
 * act or hand out a token must come from the dashboard's own page (the browser's Origin header).
 */
export function refusal(request: IncomingMessage, action: boolean): string | undefined {
  const host = request.headers.host ?? "";
  const hostname = host.replace(/:\d+$/, "");
  if (!isLoopbackHostname(hostname)) return `Host "${host}" is not loopback`;
  if (action && request.headers.origin !== `http://${host}`) {
    return "actions are only accepted from the dashboard's own page";
  }
  return undefined;
}
