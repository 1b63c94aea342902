import {
  isAnymailError,
  type Logger,
  redactSecrets,
  type SecretRedaction,
  type WebhookProvider,
} from "@anymail/core";

/** The default logger: warnings and errors to the console, with their fields. */
export const consoleLogger: Logger = (record) => {
  const { level, message, ...rest } = record;
  const fields = Object.keys(rest).length > 0 ? [rest] : [];
  if (level === "error") console.error(`[anymail] ${message}`, ...fields);
  else if (level === "warn") console.warn(`[anymail] ${message}`, ...fields);
};

/** The log fields that describe an error without its stack or any request data. */
export function errorSummary(error: unknown): Record<string, unknown> {
  if (isAnymailError(error))
    return { errorName: error.name, errorCode: error.code, errorMessage: error.message };
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorMessage: String(error) };
}

/**
 * Wraps a logger so every record is redacted with the providers' secrets (an API error
 * may echo a key; a custom logger and the console one both get the masked record).
 */
export function redactingLogger(logger: Logger, providers: readonly WebhookProvider[]): Logger {
  const redaction: SecretRedaction = {
    keys: providers.flatMap((p) => p.redaction?.keys ?? []),
    patterns: providers.flatMap((p) => p.redaction?.patterns ?? []),
    values: providers.flatMap((p) => p.redaction?.values ?? []),
  };
  return (record) => logger(redactSecrets(record, redaction));
}
