import { AnymailConfigurationError } from "@anymail/core";

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

/** Parses an http(s) base URL and makes it end with `/`; else a configuration error. */
export function baseUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch (cause) {
    throw new AnymailConfigurationError(`Postmark apiUrl is not a valid URL: ${raw}`, {
      provider: "Postmark",
      cause,
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AnymailConfigurationError(`Postmark apiUrl must be http(s): ${raw}`, {
      provider: "Postmark",
    });
  }
  parsed.search = "";
  parsed.hash = "";
  return parsed.href.endsWith("/") ? parsed.href : `${parsed.href}/`;
}
