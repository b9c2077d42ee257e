/** Names of the loopback interface, as hosts to bind to. */
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** True for a loopback hostname as URLs and Host headers spell it (`[::1]` in brackets). */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK.has(hostname.replace(/^\[(.*)\]$/, "$1"));
}

/** True for `http(s)://` origins on loopback, such as a dashboard page's. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (
      (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHostname(url.hostname)
    );
  } catch {
    return false;
  }
}

/**
 * Throws unless `host` is a loopback address to bind to (`::1` without brackets): what `server`
 * serves is for this machine only.
 */
export function requireLoopbackHost(host: string, server: string): void {
  if (!LOOPBACK.has(host)) {
    throw new Error(
      `${server} only listens on loopback (127.0.0.1, ::1, localhost), not on "${host}".`,
    );
  }
}
