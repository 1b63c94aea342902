import { AnymailConfigurationError } from "@anymail/core";

/**
 * Resend's production API.
 *
 * @example
 * ```ts
 * resend({ apiUrl: process.env.USE_EMULATOR ? emulator.url : DEFAULT_RESEND_API_URL });
 * ```
 */
export const DEFAULT_RESEND_API_URL = "https://api.resend.com/";

/** An env var, treating empty as unset; safe where `process` doesn't exist (edge runtimes). */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The option when given and non-empty, else the first env var that is set. */
export function optionOrEnv(option: string | undefined, ...names: string[]): string | undefined {
  if (option !== undefined && option !== "") return option;
  for (const name of names) {
    const value = readEnv(name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The API key from the option or `ANYMAIL_RESEND_API_KEY` / `RESEND_API_KEY`, if any. */
export function resolveApiKey(option: string | undefined): string | undefined {
  const apiKey = optionOrEnv(option, "ANYMAIL_RESEND_API_KEY", "RESEND_API_KEY");
  if (apiKey !== undefined && /[\r\n]/.test(apiKey)) {
    // The key would otherwise break the Authorization header; never echo it.
    throw new AnymailConfigurationError("Resend API key contains a line break", {
      provider: "Resend",
    });
  }
  return apiKey;
}

/** The API base URL from the option or env, validated, always ending with `/`. */
export function resolveApiUrl(option: string | undefined): string {
  const rawUrl =
    optionOrEnv(option, "ANYMAIL_RESEND_API_URL", "RESEND_API_URL") ?? DEFAULT_RESEND_API_URL;
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch (cause) {
    throw new AnymailConfigurationError(`Resend apiUrl is not a valid URL: ${rawUrl}`, {
      provider: "Resend",
      cause,
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AnymailConfigurationError(`Resend apiUrl must be http(s): ${rawUrl}`, {
      provider: "Resend",
    });
  }
  parsed.search = "";
  parsed.hash = "";
  return parsed.href.endsWith("/") ? parsed.href : `${parsed.href}/`;
}

/** A positive duration option, else a configuration error naming it. */
export function positiveMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new AnymailConfigurationError(
      `Resend ${name} must be a positive number of milliseconds, got ${String(value)}`,
      { provider: "Resend" },
    );
  }
  return value;
}
