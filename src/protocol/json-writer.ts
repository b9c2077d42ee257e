/**
 * An ordered JSON writer. The wire format fixes key order (`op` first, then table order) and
 * sorts some maps byte-wise, which plain `JSON.stringify` of JS objects cannot guarantee
 * (integer-like keys are enumerated first). Values are composed from already-encoded fragments,
 * so the order written is exactly the order given.
 */

/** Encodes a string literal; `JSON.stringify` escapes exactly like the reference (§7.1). */
export function jsonString(value: string): string {
  return JSON.stringify(value);
}

/** Encodes a boolean literal. */
export function jsonBool(value: boolean): string {
  return value ? "true" : "false";
}

/** Encodes a non-negative integer `<= max` (default: largest safe integer); throws otherwise. */
export function jsonUint(value: number, max: number = Number.MAX_SAFE_INTEGER): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`expected an unsigned integer <= ${max}, got ${String(value)}`);
  }
  return String(value);
}

/** Largest u32 value. */
export const U32_MAX = 0xffff_ffff;

/** Encodes a u32 integer; throws when out of range. */
export function jsonU32(value: number): string {
  return jsonUint(value, U32_MAX);
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Encodes an i64 integer (as bigint: values beyond 2^53 stay exact); throws when out of range. */
export function jsonInt64(value: bigint): string {
  if (value < I64_MIN || value > I64_MAX) {
    throw new RangeError(`integer ${value} is outside the i64 range`);
  }
  return value.toString();
}

/**
 * Encodes a finite double the way the reference (serde_json, i.e. ryu) does: shortest
 * round-trip digits, a whole-valued float keeps `.0`, and exponent notation (`1e16`, `1.5e-7`,
 * no `+`) outside 1e-5 <= |x| < 1e16. Throws on NaN/Infinity, which JSON cannot represent.
 */
export function jsonFloat64(value: number): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`cannot encode non-finite float ${String(value)} as JSON`);
  }
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  // JS number-to-string yields the shortest round-trip digits; only the layout differs.
  const text = String(Math.abs(value));
  const ePos = text.indexOf("e");
  const mantissa = ePos < 0 ? text : text.slice(0, ePos);
  const exponent = ePos < 0 ? 0 : Number(text.slice(ePos + 1));
  const dot = mantissa.indexOf(".");
  const intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const fracPart = dot < 0 ? "" : mantissa.slice(dot + 1);
  let digits = intPart + fracPart;
  // value = 0.<digits> * 10^pointPos
  let pointPos = intPart.length + exponent;
  let lead = 0;
  while (lead < digits.length - 1 && digits.charCodeAt(lead) === 0x30) lead++;
  digits = digits.slice(lead);
  pointPos -= lead;
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 0x30) end--;
  digits = digits.slice(0, end);

  const length = digits.length;
  const kk = pointPos; // 10^(kk-1) <= value < 10^kk
  const k = kk - length; // value = digits * 10^k
  let body: string;
  if (k >= 0 && kk <= 16) {
    body = `${digits}${"0".repeat(k)}.0`;
  } else if (kk > 0 && kk <= 16) {
    body = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  } else if (kk > -5 && kk <= 0) {
    body = `0.${"0".repeat(-kk)}${digits}`;
  } else if (length === 1) {
    body = `${digits}e${kk - 1}`;
  } else {
    body = `${digits.charAt(0)}.${digits.slice(1)}e${kk - 1}`;
  }
  return sign + body;
}

/** Encodes an array from already-encoded element fragments. */
export function jsonArray(items: readonly string[]): string {
  return `[${items.join(",")}]`;
}

/** Encodes an array of strings. */
export function jsonStringArray(items: readonly string[]): string {
  return jsonArray(items.map(jsonString));
}

/**
 * A field for {@link jsonObject}: key plus already-encoded value. An `undefined` value means
 * "omitted" (the wire format never writes `null` for absent fields).
 */
export type JsonField = readonly [key: string, encodedValue: string | undefined];

/** Encodes an object whose keys appear exactly in the given order, skipping omitted fields. */
export function jsonObject(fields: readonly JsonField[]): string {
  let out = "{";
  let first = true;
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    if (!first) out += ",";
    out += `${jsonString(key)}:${value}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * Compares two strings by the byte order of their UTF-8 encodings (= code point order), which
 * differs from JS `<` (UTF-16 code units) for characters above U+FFFF vs U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Move surrogates (code points >= U+10000) above U+E000..U+FFFF.
    if (ca >= 0xd800) ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
    if (cb >= 0xd800) cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    return ca - cb;
  }
  return a.length - b.length;
}

/**
 * Encodes a string-keyed map with keys in ascending UTF-8 byte order, each value encoded by
 * `encodeValue` (as the reference's BTreeMap does for channel metadata and parameter dicts).
 */
export function jsonSortedMap<V>(
  map: Readonly<Record<string, V>>,
  encodeValue: (value: V) => string,
): string {
  const keys = Object.keys(map).sort(compareUtf8);
  return jsonObject(keys.map((key) => [key, encodeValue(map[key] as V)]));
}

/** Encodes a string→string map with byte-wise sorted keys. */
export function jsonSortedStringMap(map: Readonly<Record<string, string>>): string {
  return jsonSortedMap(map, jsonString);
}
