/** Result of {@link readBodyCapped}. */
export type CappedBody =
  | { readonly tooLarge: false; readonly bytes: Uint8Array }
  | { readonly tooLarge: true };

/**
 * Reads a response body into memory, giving up as soon as it exceeds `maxBytes` (the rest is
 * cancelled, not drained), so a hostile or broken server cannot make us buffer without bound.
 *
 * Rejects with whatever the stream rejects with (connection reset, abort): the caller classifies.
 */
export async function readBodyCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<CappedBody> {
  if (body === null) return { tooLarge: false, bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        // Cancelling makes undici drop the connection instead of reading the remainder.
        reader.cancel().catch(() => {});
        return { tooLarge: true };
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { tooLarge: false, bytes };
}
