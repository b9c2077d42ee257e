import type { ChannelDescriptor } from "../../src/context/channel-descriptor.js";
import type { Sink } from "../../src/context/sink.js";

export type SinkCall =
  | { kind: "addChannels"; ids: number[] }
  | { kind: "removeChannel"; id: number }
  | { kind: "log"; id: number; payload: Uint8Array; logTime: bigint };

/** A sink that records every call, in order, for the tests to assert on. */
export class RecordingSink implements Sink {
  readonly calls: SinkCall[] = [];

  addChannels(channels: readonly ChannelDescriptor[]): void {
    this.calls.push({ kind: "addChannels", ids: channels.map((c) => c.id) });
  }

  removeChannel(channel: ChannelDescriptor): void {
    this.calls.push({ kind: "removeChannel", id: channel.id });
  }

  log(channel: ChannelDescriptor, payload: Uint8Array, logTime: bigint): void {
    this.calls.push({ kind: "log", id: channel.id, payload, logTime });
  }

  /** The `log` calls only. */
  get logs(): Extract<SinkCall, { kind: "log" }>[] {
    return this.calls.filter((call) => call.kind === "log");
  }
}

/** Sends a sink's errors nowhere, so that tests stay quiet unless they check errors. */
export const ignoreSinkErrors = (): void => {};
