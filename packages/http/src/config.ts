import { AnymailConfigurationError } from "@anymail/core";
import type { Setting } from "./env.js";

/**
 * Names a setting in an error without its value: `apiKey (from RESEND_API_KEY)`.
 *
 * @example
 * ```ts
 * describeSetting("apiKey", { value: "re_…", source: "RESEND_API_KEY" }); // "apiKey (from RESEND_API_KEY)"
 * ```
 */
export function describeSetting(option: string, setting: Setting | undefined): string {
  return setting === undefined || setting.source === "option"
    ? option
    : `${option} (from ${setting.source})`;
}

// Visible ASCII: a key or token goes into a header; anything else would break the header
// or turn into a "network" error that gets retried.
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Checks a credential (API key, token, password) and returns it: visible ASCII only, so
 * it can't break a header. Throws `AnymailConfigurationError` naming the setting and
 * the offending position, never the value.
 *
 * @example
 * ```ts
 * const apiKey = checkCredential("Example", "apiKey", resolveSetting(options.apiKey, { esp: "EXAMPLE", name: "API_KEY" }));
 * ```
 */
export function checkCredential(provider: string, option: string, setting: Setting): string {
  const { value } = setting;
  if (!VISIBLE_ASCII.test(value)) {
    const position = [...value].findIndex((char) => !VISIBLE_ASCII.test(char));
    throw new AnymailConfigurationError(
      `${provider} ${describeSetting(option, setting)} must be visible ASCII: character ${position + 1} of ${value.length} is not (a pasted line break, space or control character?)`,
      { provider },
    );
  }
  return value;
}

/**
 * A required credential: missing is an `AnymailConfigurationError` listing where it was
 * looked for; present, it is checked by {@link checkCredential}.
 *
 * @example
 * ```ts
 * requireCredential("Example", "apiKey", setting, ["ANYMAIL_EXAMPLE_API_KEY", "EXAMPLE_API_KEY"]);
 * ```
 */
export function requireCredential(
  provider: string,
  option: string,
  setting: Setting | undefined,
  envNames: readonly string[],
): string {
  if (setting === undefined) {
    throw new AnymailConfigurationError(
      `${provider} ${option} missing: pass it as the ${option} option, or set ${envNames.join(" or ")}`,
      { provider },
    );
  }
  return checkCredential(provider, option, setting);
}

/**
 * An http(s) base URL, query and fragment dropped, always ending with `/`. An unusable
 * value is an `AnymailConfigurationError` that describes it (never echoes it: it may be
 * a key pasted into the wrong variable) and keeps no `cause` (a `URL` TypeError carries
 * the input).
 *
 * @example
 * ```ts
 * parseBaseUrl("Example", "apiUrl", { value: "http://127.0.0.1:3025", source: "option" }); // "http://127.0.0.1:3025/"
 * ```
 */
export function parseBaseUrl(provider: string, option: string, setting: Setting): string {
  let parsed: URL;
  try {
    parsed = new URL(setting.value);
  } catch {
    throw new AnymailConfigurationError(
      `${provider} ${describeSetting(option, setting)} is not a valid absolute URL (${setting.value.length} characters, ${/^[a-z][a-z0-9+.-]*:\/\//i.test(setting.value) ? "has a scheme" : "no scheme"})`,
      { provider },
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AnymailConfigurationError(
      `${provider} ${describeSetting(option, setting)} must be an http: or https: URL`,
      { provider },
    );
  }
  parsed.search = "";
  parsed.hash = "";
  return parsed.href.endsWith("/") ? parsed.href : `${parsed.href}/`;
}

/**
 * A positive number of milliseconds, else an `AnymailConfigurationError` naming it.
 *
 * @example
 * ```ts
 * positiveMs("Example", "timeoutMs", options.timeoutMs ?? 30_000); // 30000
 * ```
 */
export function positiveMs(provider: string, option: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new AnymailConfigurationError(
      `${provider} ${option} must be a positive number of milliseconds`,
      { provider },
    );
  }
  return value;
}

/**
 * A positive whole number (connections, byte limits), else an `AnymailConfigurationError`.
 *
 * @example
 * ```ts
 * positiveInteger("Example", "connections", 16); // 16
 * ```
 */
export function positiveInteger(provider: string, option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new AnymailConfigurationError(`${provider} ${option} must be a positive whole number`, {
      provider,
    });
  }
  return value;
}

/**
 * A header value given as an option (e.g. `userAgent`): no CR, LF or other control
 * characters, else an `AnymailConfigurationError`.
 *
 * @example
 * ```ts
 * headerOption("Example", "userAgent", "my-app/1.0"); // "my-app/1.0"
 * ```
 */
export function headerOption(provider: string, option: string, value: string): string {
  if (typeof value !== "string" || /[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
    throw new AnymailConfigurationError(
      `${provider} ${option} must be a single-line string without control characters`,
      { provider },
    );
  }
  return value;
}
