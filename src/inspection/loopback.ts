/** Names of the loopback interface, as a host to bind to or as the host of a URL. */
const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host);
}

/** True for `http(s)://` origins on loopback, such as a dashboard page's. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK.has(url.hostname);
  } catch {
    return false;
  }
}

/** Throws unless `host` is loopback: what `server` serves is for this machine only. */
export function requireLoopbackHost(host: string, server: string): void {
  if (!isLoopbackHost(host)) {
    throw new Error(
      `${server} only listens on loopback (127.0.0.1, ::1, localhost), not on "${host}".`,
    );
  }
}
