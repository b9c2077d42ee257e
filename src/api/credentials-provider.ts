import type { ApiClient } from "./client.js";
import { FoxgloveApiError } from "./errors.js";
import { createSingleFlight } from "./single-flight.js";
import type { ApiCallOptions, DeviceInfo, RtcCredentials } from "./types.js";

/**
 * Device info fetched once, RTC credentials cached until cleared (spec 4). Secrets stay in the
 * closure: JSON or `util.inspect` of the provider shows only device info and flags.
 */
export interface CredentialsProvider {
  /** Device info once {@link CredentialsProvider.init} has succeeded, else `undefined`. */
  readonly deviceInfo: DeviceInfo | undefined;
  /** `deviceInfo.name`, the default `serverInfo.name`. */
  readonly deviceName: string | undefined;
  /** True once device info has been fetched (it is never fetched again). */
  readonly initialized: boolean;
  /** True while RTC credentials are cached. */
  readonly hasCredentials: boolean;
  /**
   * Fetches device info unless already known. A failure leaves the provider uninitialised, so
   * the next call tries again. Concurrent calls share one request.
   * @throws FoxgloveApiError
   */
  init(options?: ApiCallOptions): Promise<DeviceInfo>;
  /**
   * Returns the cached credentials, or initialises if needed and POSTs for new ones. Concurrent
   * callers share one POST; a failure leaves the cache empty. Aborting `signal` rejects this
   * caller only (reason `aborted`); the request itself is cancelled once no caller waits for it.
   * @throws FoxgloveApiError
   */
  getCredentials(options?: ApiCallOptions): Promise<RtcCredentials>;
  /**
   * Empties the cache; the next {@link CredentialsProvider.getCredentials} POSTs again. A refresh
   * already in flight still answers its callers but does not repopulate the cache, as in the
   * reference, where clear waits for the refresh and then empties the cache.
   */
  clear(): void;
}

/**
 * Creates a {@link CredentialsProvider} over an API client.
 *
 * @example
 * const provider = createCredentialsProvider(createApiClient({ deviceToken }));
 * const { url, token } = await provider.getCredentials({ signal });
 * // after a room error: provider.clear();
 */
export function createCredentialsProvider(client: ApiClient): CredentialsProvider {
  const aborted = (reason: unknown) => FoxgloveApiError.aborted(undefined, reason);
  let device: DeviceInfo | undefined;
  let credentials: RtcCredentials | undefined;
  // Bumped by clear(): a refresh started under an older generation must not fill the cache.
  let generation = 0;

  const deviceFlight = createSingleFlight(async (signal) => {
    device = await client.fetchDeviceInfo({ signal });
    return device;
  }, aborted);

  const credentialsFlight = createSingleFlight(async (signal) => {
    const startedIn = generation;
    const { id } = device ?? (await deviceFlight.run(signal));
    const fresh = await client.authorizeRemoteVisualization(id, { signal });
    if (startedIn === generation) credentials = fresh;
    return fresh;
  }, aborted);

  return {
    get deviceInfo() {
      return device;
    },
    get deviceName() {
      return device?.name;
    },
    get initialized() {
      return device !== undefined;
    },
    get hasCredentials() {
      return credentials !== undefined;
    },
    async init(options) {
      return device ?? deviceFlight.run(options?.signal);
    },
    async getCredentials(options) {
      return credentials ?? credentialsFlight.run(options?.signal);
    },
    clear() {
      credentials = undefined;
      generation++;
      credentialsFlight.detach();
    },
  };
}
