const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const utf8 = new TextEncoder();

/**
 * Percent-encodes one URL path segment with the strict rule of spec 3.5: every UTF-8 byte becomes
 * `%XX` (upper-case hex) except the unreserved characters `A-Z a-z 0-9 - . _ ~`.
 *
 * Stricter than `encodeURIComponent`, which leaves `! ' ( ) *` alone; the platform expects them
 * escaped. Same output as Python's `urllib.parse.quote(s, safe="")`. Lone surrogates are encoded as
 * U+FFFD, as `TextEncoder` does.
 *
 * @example
 * encodePathSegment("it's(1)!*"); // => "it%27s%281%29%21%2A"
 */
export function encodePathSegment(segment: string): string {
  let out = "";
  for (const byte of utf8.encode(segment)) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
