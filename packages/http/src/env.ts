/**
 * An environment variable, empty treated as unset; `undefined` where `process` doesn't
 * exist (edge runtimes without Node compatibility).
 *
 * @example
 * ```ts
 * readEnv("RESEND_API_KEY"); // "re_…" or undefined
 * ```
 */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * A resolved setting and where it came from (`"option"` or the variable's name), so an
 * error can say which setting is wrong without echoing its value.
 *
 * @example
 * ```ts
 * const setting: Setting = { value: "https://api.resend.com/", source: "RESEND_BASE_URL" };
 * ```
 */
export interface Setting {
  readonly value: string;
  readonly source: string;
}

/**
 * Where {@link resolveSetting} looks besides the option.
 *
 * @example
 * ```ts
 * const lookup: SettingLookup = { esp: "RESEND", name: "API_URL", fallbacks: ["RESEND_BASE_URL"] };
 * ```
 */
export interface SettingLookup {
  /** The ESP's env prefix, upper case: `"RESEND"`, `"POSTMARK"`. */
  esp: string;
  /** The setting's env name, upper case: `"API_KEY"`, `"SIGNING_SECRET"`. */
  name: string;
  /** More variables read last, in order (e.g. an official SDK's own name). */
  fallbacks?: readonly string[];
}

/**
 * The variables a setting is read from, in order: `ANYMAIL_<ESP>_<NAME>` (django-anymail's
 * names), `<ESP>_<NAME>`, then the fallbacks. For docs and error messages.
 *
 * @example
 * ```ts
 * settingEnvNames({ esp: "RESEND", name: "API_KEY" }); // ["ANYMAIL_RESEND_API_KEY", "RESEND_API_KEY"]
 * ```
 */
export function settingEnvNames(lookup: SettingLookup): string[] {
  return [
    `ANYMAIL_${lookup.esp}_${lookup.name}`,
    `${lookup.esp}_${lookup.name}`,
    ...(lookup.fallbacks ?? []),
  ];
}

/**
 * The option when given and non-empty, else the first variable of
 * {@link settingEnvNames} that is set, else undefined.
 *
 * @example
 * ```ts
 * resolveSetting(options.apiKey, { esp: "POSTMARK", name: "SERVER_TOKEN" });
 * // option → ANYMAIL_POSTMARK_SERVER_TOKEN → POSTMARK_SERVER_TOKEN
 * ```
 */
export function resolveSetting(
  option: string | undefined,
  lookup: SettingLookup,
): Setting | undefined {
  if (option !== undefined && option !== "") return { value: option, source: "option" };
  for (const name of settingEnvNames(lookup)) {
    const value = readEnv(name);
    if (value !== undefined) return { value, source: name };
  }
  return undefined;
}
