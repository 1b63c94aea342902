import type { SecretRedaction } from "@anymail/core";
import { defineRedaction } from "@anymail/http";

/**
 * Postmark's contribution to redaction: the token header and option names (a per-message
 * `espExtra.server_token` included) and the configured token. Postmark tokens are UUIDs,
 * like its message ids, so no pattern: masking every UUID would hide the ids.
 */
export function postmarkRedaction(values: readonly (string | undefined)[]): SecretRedaction {
  return defineRedaction({
    keys: ["x-postmark-server-token", "x-postmark-account-token", "serverToken", "server_token"],
    values,
  });
}
