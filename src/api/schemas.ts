import type { ApiErrorBody } from "./errors.js";
import type { DeviceInfo, RtcCredentials } from "./types.js";
import type { WatchHelloData, WatchWakeData } from "./watch.js";

/**
 * Thrown by the parsers below. Its message names the offending field and the expected type, never
 * a value: a credentials body contains a JWT.
 */
export class ShapeError extends Error {
  override readonly name = "ShapeError";
}

type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ShapeError("body is not a JSON object");
  }
  return value as JsonObject;
}

function requiredString(object: JsonObject, key: string): string {
  const value = object[key];
  if (typeof value !== "string") throw new ShapeError(`field "${key}" is not a string`);
  return value;
}

/** Validates a device-info body (spec 3.4). @throws ShapeError */
export function parseDeviceInfo(json: unknown): DeviceInfo {
  const object = asObject(json);
  const info: DeviceInfo = {
    id: requiredString(object, "id"),
    name: requiredString(object, "name"),
    projectId: requiredString(object, "projectId"),
  };
  const retain = object.retainRecordingsSeconds;
  if (retain === undefined || retain === null) return info;
  if (typeof retain !== "number" || !Number.isSafeInteger(retain) || retain < 0) {
    throw new ShapeError(`field "retainRecordingsSeconds" is not a non-negative integer`);
  }
  return { ...info, retainRecordingsSeconds: retain };
}

/** Validates an authorize-remote-visualization body (spec 3.5). @throws ShapeError */
export function parseRtcCredentials(json: unknown): RtcCredentials {
  const object = asObject(json);
  return { url: requiredString(object, "url"), token: requiredString(object, "token") };
}

function nonNegativeInteger(object: JsonObject, key: string): number {
  const value = object[key];
  // serde's u64: an integer (JSON.parse cannot tell 5 from 5.0, so both pass), not negative.
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ShapeError(`field "${key}" is not a non-negative integer`);
  }
  return value;
}

/** Validates a watch `hello` event's data (spec 11.4), before clamping. @throws ShapeError */
export function parseWatchHello(json: unknown): WatchHelloData {
  const object = asObject(json);
  const watchLeaseId = requiredString(object, "watchLeaseId");
  if (watchLeaseId === "") throw new ShapeError(`field "watchLeaseId" is empty`);
  return {
    watchLeaseId,
    deviceWaitForViewerMs: nonNegativeInteger(object, "deviceWaitForViewerMs"),
    heartbeatIntervalMs: nonNegativeInteger(object, "heartbeatIntervalMs"),
  };
}

/** Validates a watch `wake` event's data (spec 11.4); a `null` session id counts as absent. @throws ShapeError */
export function parseWatchWake(json: unknown): WatchWakeData {
  const object = asObject(json);
  const wake = { url: requiredString(object, "url"), token: requiredString(object, "token") };
  const sessionId = object.remoteAccessSessionId;
  if (sessionId === undefined || sessionId === null) return wake;
  if (typeof sessionId !== "string") {
    throw new ShapeError(`field "remoteAccessSessionId" is not a string`);
  }
  return { remoteAccessSessionId: sessionId, ...wake };
}

/** Validates an error body `{"error": string, "code"?: string}` (spec 3.6). @throws ShapeError */
export function parseErrorBody(json: unknown): ApiErrorBody {
  const object = asObject(json);
  const error = requiredString(object, "error");
  const code = object.code;
  if (code === undefined || code === null) return { error };
  if (typeof code !== "string") throw new ShapeError(`field "code" is not a string`);
  return { error, code };
}
