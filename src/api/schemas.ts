import type { ApiErrorBody } from "./errors.js";
import type { DeviceInfo, RtcCredentials } from "./types.js";

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

/** Validates an error body `{"error": string, "code"?: string}` (spec 3.6). @throws ShapeError */
export function parseErrorBody(json: unknown): ApiErrorBody {
  const object = asObject(json);
  const error = requiredString(object, "error");
  const code = object.code;
  if (code === undefined || code === null) return { error };
  if (typeof code !== "string") throw new ShapeError(`field "code" is not a string`);
  return { error, code };
}
