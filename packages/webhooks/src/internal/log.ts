import { isAnymailError, type Logger } from "@anymail/core";

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
