/**
 * Joins an API base URL and a request path exactly as the reference client does (spec 3.1): every
 * trailing `/` of `base` and every leading `/` of `path` is removed, then one `/` joins them.
 *
 * No normalisation happens beyond that, so a base with a path prefix keeps it.
 *
 * @example
 * joinUrl("http://host:8080/prefix/", "/internal/platform/v1/device-info");
 * // => "http://host:8080/prefix/internal/platform/v1/device-info"
 */
export function joinUrl(base: string, path: string): string {
  return `${trimEnd(base, "/")}/${trimStart(path, "/")}`;
}

function trimEnd(value: string, char: string): string {
  let end = value.length;
  while (end > 0 && value[end - 1] === char) end--;
  return value.slice(0, end);
}

function trimStart(value: string, char: string): string {
  let start = 0;
  while (start < value.length && value[start] === char) start++;
  return value.slice(start);
}
