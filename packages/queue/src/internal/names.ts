import { AnymailConfigurationError } from "@anymail/core";

export const DEFAULT_PREFIX = "anymail";

export function checkQueueName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name === "" || name.includes(":")) {
    throw new AnymailConfigurationError(
      `A mail queue needs a name without ":" (it is part of Redis keys), got ${JSON.stringify(name)}`,
    );
  }
}
