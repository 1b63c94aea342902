/** An env var, treating empty as unset; safe where `process` doesn't exist (edge runtimes). */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The option when given and non-empty, else `ANYMAIL_MAILGUN_<NAME>`, then `MAILGUN_<NAME>`. */
export function mailgunSetting(option: string | undefined, name: string): string | undefined {
  if (option !== undefined && option !== "") return option;
  return readEnv(`ANYMAIL_MAILGUN_${name}`) ?? readEnv(`MAILGUN_${name}`);
}
