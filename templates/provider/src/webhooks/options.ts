import { AnymailConfigurationError } from "@anymail/core";

/**
 * Options of `__name__Webhooks`.
 *
 * @example
 * ```ts
 * const options: __Name__WebhookOptions = { signingSecret: ["new-secret", "old-secret"] };
 * ```
 */
export interface __Name__WebhookOptions {
  /**
   * The secret(s) __Name__ signs webhooks with; several while you rotate. Else
   * `ANYMAIL___NAME___WEBHOOK_SECRET`, then `__NAME___WEBHOOK_SECRET`.
   */
  signingSecret?: string | readonly string[];
  /** Oldest accepted signature, in seconds (replays of older captures are refused). Default 300. */
  toleranceSeconds?: number;
}

function fromEnv(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.ANYMAIL___NAME___WEBHOOK_SECRET ?? env?.__NAME___WEBHOOK_SECRET;
}

/** The secrets to verify with; empty when none is configured (the routes are then unsigned). */
export function signingSecrets(options: __Name__WebhookOptions): string[] {
  const given = options.signingSecret ?? fromEnv();
  const secrets = typeof given === "string" ? given.split(",") : [...(given ?? [])];
  const cleaned = secrets.map((secret) => secret.trim()).filter((secret) => secret !== "");
  for (const secret of cleaned) {
    // Never echo the secret itself in the message.
    if (!/^[\x21-\x7e]+$/.test(secret)) {
      throw new AnymailConfigurationError(
        "__name__Webhooks: a signing secret must be visible ASCII (check the environment variable)",
      );
    }
  }
  return cleaned;
}
