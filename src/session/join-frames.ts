/** Concatenates frames into one buffer (one write instead of many: each write is an FFI call). */
export function joinFrames(frames: readonly Uint8Array[]): Uint8Array {
  if (frames.length === 1) return frames[0] as Uint8Array;
  let size = 0;
  for (const frame of frames) size += frame.length;
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const frame of frames) {
    joined.set(frame, offset);
    offset += frame.length;
  }
  return joined;
}
