import { type EmailMessage, type PreparedMessage, prepareMessage } from "@anymail/core";

export const BASE: EmailMessage = {
  from: "Shop <shop@example.com>",
  to: "ana@example.org",
  subject: "Hello",
  text: "Hi there",
};

/** A prepared message built by core, as a provider receives it. */
export function prepared(message: EmailMessage): PreparedMessage {
  return prepareMessage({ ...BASE, ...message });
}

/** `count` distinct recipients `r<i>@example.org`. */
export function recipients(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `r${i}@example.org`);
}
