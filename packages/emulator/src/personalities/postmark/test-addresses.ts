import type { TestOutcome } from "../../types.js";

/** Postmark's bounce-testing domain: `hardbounce@…` bounces, `spamcomplaint@…` complains. */
const BOUNCE_TESTING = /^([a-z]+)(?:\+[^@]*)?@bounce-testing\.postmarkapp\.com$/i;

/** What a Postmark bounce-testing recipient makes happen after a send. */
export function postmarkTestOutcome(address: string): TestOutcome | null {
  const match = BOUNCE_TESTING.exec(address.trim());
  switch (match?.[1]?.toLowerCase()) {
    case "hardbounce":
      return "bounced";
    case "spamcomplaint":
      return "complained";
    default:
      return null;
  }
}

/**
 * An emulator convention (Postmark's inactive list is per account): `inactive@…` at the
 * bounce-testing domain is an inactive recipient, refused with ErrorCode 406.
 */
export function isInactive(addrSpec: string): boolean {
  const match = BOUNCE_TESTING.exec(addrSpec);
  return match?.[1]?.toLowerCase() === "inactive";
}
