import type { TestOutcome } from "../../types.js";

const TEST_ADDRESS = /^(delivered|bounced|complained|suppressed)(?:\+[^@]*)?@resend\.dev$/i;

/** What Resend's `@resend.dev` test recipients (with any `+label`) make happen after a send. */
export function resendTestOutcome(address: string): TestOutcome | null {
  const match = TEST_ADDRESS.exec(address);
  return match ? (match[1]!.toLowerCase() as TestOutcome) : null;
}
