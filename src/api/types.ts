/** The device-info response (spec 3.4). Unknown keys are dropped. */
export interface DeviceInfo {
  /** Device id; used in the credentials path. */
  readonly id: string;
  /** Device name; the default `serverInfo.name`. */
  readonly name: string;
  /** Project the device belongs to. Not used by the gateway. */
  readonly projectId: string;
  /** Recording retention; omitted when the platform sends it absent or `null`. Not used. */
  readonly retainRecordingsSeconds?: number;
}

/**
 * RTC credentials from the authorize-remote-visualization response (spec 3.5).
 * `token` is a LiveKit JWT: a secret. Do not log this object or put it in machine context.
 */
export interface RtcCredentials {
  /** LiveKit server URL (e.g. `wss://...`). */
  readonly url: string;
  /** LiveKit access token (JWT). */
  readonly token: string;
}

/** Options accepted by every API call. */
export interface ApiCallOptions {
  /** Aborting it rejects the call promptly with a `FoxgloveApiError` of reason `aborted`. */
  readonly signal?: AbortSignal;
}
