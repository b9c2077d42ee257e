const decoder = new TextDecoder();

/** A message as the page shows it: JSON pretty-printed; anything else as its size and first bytes. */
export function formatPayload(encoding: string, payload: Uint8Array): string {
  if (encoding === "json") {
    try {
      return JSON.stringify(JSON.parse(decoder.decode(payload)), null, 2).slice(0, 2000);
    } catch {
      // Shown below as bytes.
    }
  }
  const hex = [...payload.subarray(0, 32)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return `${payload.length} bytes: ${hex}${payload.length > 32 ? " …" : ""}`;
}

/** A round trip: tenths of a millisecond on loopback, whole ones beyond 10 ms. */
export function formatMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
