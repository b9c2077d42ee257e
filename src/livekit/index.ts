export {
  type DataTrackFrame,
  DataTrackPublishError,
  type DataTrackPushResult,
  DataTrackSubscribeError,
  type LocalDataTrack,
  type RemoteDataTrack,
} from "./data-track.js";
export { disposeLivekit } from "./dispose.js";
export { type JoinOptions, joinRoom, RoomJoinError } from "./join-room.js";
export {
  type ByteStreamSink,
  DISCONNECT_TIMEOUT_MS,
  JoinedRoom,
  type RemoteParticipantInfo,
  type RoomSignal,
} from "./joined-room.js";
