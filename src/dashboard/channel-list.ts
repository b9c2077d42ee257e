import type { ChannelDescriptor, Context } from "../context/index.js";
import type { ChannelSummary } from "./wire.js";

/**
 * The context's open channels, kept current by attaching as a sink that never subscribes: it learns
 * of channels without receiving (or costing) a single message. `onChange` is called at once with
 * the channels open now. Returns the function that stops watching.
 */
export function watchChannels(
  context: Context,
  onChange: (channels: ChannelSummary[]) => void,
): () => void {
  const open = new Map<number, ChannelSummary>();
  const changed = () => onChange([...open.values()]);
  const connection = context.addSink({
    addChannels(channels: readonly ChannelDescriptor[]) {
      for (const channel of channels) {
        open.set(channel.id, {
          id: channel.id,
          topic: channel.topic,
          encoding: channel.messageEncoding,
          schemaName: channel.schema?.name ?? "",
        });
      }
      changed();
    },
    removeChannel(channel: ChannelDescriptor) {
      open.delete(channel.id);
      changed();
    },
    log() {},
  });
  if (open.size === 0) changed();
  return () => connection.remove();
}
