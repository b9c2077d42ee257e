/** A channel's schema: how its messages are described to viewers. */
export interface Schema {
  /** e.g. `foxglove.Log`, or a JSON Schema's title. */
  name: string;
  /** e.g. `jsonschema`, `protobuf` (a FileDescriptorSet), `ros2msg`. */
  encoding: string;
  data: Uint8Array;
}

/** What every sink knows about a channel (spec 8.1). Ids are unique, never reused, from 1. */
export interface ChannelDescriptor {
  readonly id: number;
  readonly topic: string;
  /** The encoding of the messages themselves: `json`, `protobuf`, `ros1`, `cdr`, ... */
  readonly messageEncoding: string;
  readonly schema?: Schema;
  readonly metadata: Readonly<Record<string, string>>;
}
