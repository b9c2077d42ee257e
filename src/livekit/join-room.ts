import { Room, type RoomOptions } from "@livekit/rtc-node";
import { redact } from "../redact.js";
import { dataTracksOf } from "./data-track.js";
import { JoinedRoom } from "./joined-room.js";

export interface JoinOptions {
  /** Abandons the attempt. A connection that succeeds afterwards is closed at once. */
  signal?: AbortSignal;
  /** Per signalling attempt (rtc-node's default is 5 s). */
  connectTimeoutMs?: number;
  /** Extra signalling attempts inside rtc-node. Default: 1. */
  joinRetries?: number;
}

/** Why joining failed; the message never contains the token. */
export class RoomJoinError extends Error {
  override name = "RoomJoinError";

  constructor(
    message: string,
    readonly reason: "rejected" | "aborted",
  ) {
    super(message);
  }
}

/**
 * Joins a LiveKit room with a fresh rtc-node `Room` (one per attempt: byte-stream handlers are per
 * room, and a used room cannot be reset).
 *
 * rtc-node cannot abort a connect in flight, so an aborted join settles at once and the late room,
 * if it ever connects, is disconnected here.
 *
 * @example
 * const room = await joinRoom(url, token, { signal });
 * room.subscribe((signal) => console.log(signal.type));
 */
export async function joinRoom(
  url: string,
  token: string,
  options: JoinOptions = {},
): Promise<JoinedRoom> {
  const { signal } = options;
  if (signal?.aborted) throw aborted();
  const room = new Room();
  const roomOptions = {
    // The gateway sends and receives byte streams only: no media to subscribe to.
    autoSubscribe: false,
    dynacast: false,
    joinRetries: options.joinRetries ?? 1,
    ...(options.connectTimeoutMs ? { connectTimeoutMs: BigInt(options.connectTimeoutMs) } : {}),
  } as RoomOptions;
  const connecting = room.connect(url, token, roomOptions).then(
    () => {
      // Tracks published before we joined are announced once, on a later turn: listen from now.
      dataTracksOf(room);
      return new JoinedRoom(room);
    },
    (error: unknown) => {
      // rtc-node's error text can contain the token: scrub it here, before anyone sees it.
      const message = error instanceof Error ? error.message : String(error);
      throw new RoomJoinError(
        `could not join the LiveKit room: ${redact(message, [token])}`,
        "rejected",
      );
    },
  );
  if (!signal) return connecting;

  return new Promise<JoinedRoom>((resolve, reject) => {
    const onAbort = () => {
      reject(aborted());
      connecting.then(
        (late) => late.disconnect(),
        () => {},
      );
    };
    signal.addEventListener("abort", onAbort, { once: true });
    connecting.then(
      (joined) => {
        signal.removeEventListener("abort", onAbort);
        resolve(joined);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function aborted(): RoomJoinError {
  return new RoomJoinError("joining the LiveKit room was cancelled", "aborted");
}
