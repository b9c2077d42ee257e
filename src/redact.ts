/** What replaces a secret in any text that leaves the gateway. */
export const REDACTED = "[redacted]";

// A JWT: three base64url parts, the first two starting with `{"` encoded (eyJ).
const JWT = /eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*/g;

/**
 * Removes secrets from text meant for logs, errors or inspection: each given secret verbatim, and
 * anything shaped like a JWT (rtc-node puts the LiveKit token in some error messages).
 *
 * @example
 * redact(`401 for token ${jwt}`) // "401 for token [redacted]"
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join(REDACTED);
  }
  return result.replace(JWT, REDACTED);
}
