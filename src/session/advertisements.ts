/**
 * Turns channels into `advertise` entries (spec 8.2 steps 1-3): filter, convert, and report
 * what was skipped so the caller can log it. Video is deferred (8.13), so no entry is ever
 * annotated with `foxglove.hasVideoTrack` here (a channel's own metadata passes through as is).
 */

import type { ChannelDescriptor } from "../context/channel-descriptor.js";
import {
  type AdvertisedChannel,
  type ProtocolErrorKind,
  toAdvertisedChannel,
} from "../protocol/index.js";

/** Decides which channels are advertised; false hides the channel from viewers. */
export type ChannelFilter = (channel: ChannelDescriptor) => boolean;

/**
 * Why a channel was not advertised: rejected by the filter, the filter threw, or the protocol
 * could not describe it (`missing-schema`: its encoding needs a schema; `invalid-utf8`: its text
 * schema is not UTF-8).
 */
export type SkipReason = "filtered" | "filter-error" | ProtocolErrorKind;

/** A channel left out of the advertisement. */
export interface SkippedChannel {
  readonly channel: ChannelDescriptor;
  readonly reason: SkipReason;
  /** Human-readable, ready to log. */
  readonly message: string;
  /** What the filter threw (`filter-error` only). */
  readonly cause?: unknown;
}

/** The result of {@link planAdvertisements}. */
export interface AdvertisementPlan {
  /** The `advertise` entries, in input order. Empty: send nothing (8.2 step 3). */
  readonly entries: AdvertisedChannel[];
  /** The channels behind `entries`, same order: record these as advertised (8.2 step 4). */
  readonly advertised: ChannelDescriptor[];
  /** Channels left out, in input order. Only schema problems are errors worth logging loudly. */
  readonly skipped: SkippedChannel[];
}

/**
 * Filters and converts channels for one `advertise` message. Never throws: a throwing filter
 * skips that channel (the Context calls sinks synchronously and they must not throw).
 */
export function planAdvertisements(
  channels: readonly ChannelDescriptor[],
  filter?: ChannelFilter,
): AdvertisementPlan {
  const plan: AdvertisementPlan = { entries: [], advertised: [], skipped: [] };
  for (const channel of channels) {
    if (filter !== undefined) {
      let keep: boolean;
      try {
        keep = filter(channel);
      } catch (cause) {
        const message = `channel ${channel.id} (${channel.topic}): channel filter threw: ${String(cause)}`;
        plan.skipped.push({ channel, reason: "filter-error", message, cause });
        continue;
      }
      if (!keep) {
        const message = `channel ${channel.id} (${channel.topic}): rejected by the channel filter`;
        plan.skipped.push({ channel, reason: "filtered", message });
        continue;
      }
    }
    const entry = toAdvertisedChannel(channel);
    if (!entry.ok) {
      // Name the channel in the log line unless the protocol's message already does.
      const prefix = `channel ${channel.id} (${channel.topic})`;
      const { kind, message } = entry.error;
      const text = message.startsWith(prefix) ? message : `${prefix}: ${message}`;
      plan.skipped.push({ channel, reason: kind, message: text });
      continue;
    }
    plan.entries.push(entry.value);
    plan.advertised.push(channel);
  }
  return plan;
}
