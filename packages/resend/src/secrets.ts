import type { SecretRedaction } from "@anymail/core";
import { defineRedaction } from "@anymail/http";

/** Resend API keys and svix webhook secrets, wherever they appear in text. */
const RESEND_SECRET_PATTERNS: readonly RegExp[] = [
  /\bre_[A-Za-z0-9_]{6,}/g,
  /\bwhsec_[A-Za-z0-9+/=_-]+/g,
];

/** Resend's contribution to redaction: its key formats plus the configured secrets. */
export function resendRedaction(values: readonly (string | undefined)[]): SecretRedaction {
  return defineRedaction({
    keys: ["signingSecret", "inboundSecret"],
    patterns: RESEND_SECRET_PATTERNS,
    values,
  });
}
