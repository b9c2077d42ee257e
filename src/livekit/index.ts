export { disposeLivekit } from "./dispose.js";
export { type JoinOptions, joinRoom, RoomJoinError } from "./join-room.js";
export {
  type ByteStreamSink,
  DISCONNECT_TIMEOUT_MS,
  JoinedRoom,
  type RoomSignal,
} from "./joined-room.js";
