/** What Resend's `@resend.dev` test recipients make happen after a send. */
export type TestOutcome = "delivered" | "bounced" | "complained" | "suppressed";

const TEST_ADDRESS = /^(delivered|bounced|complained|suppressed)(?:\+[^@]*)?@resend\.dev$/i;
const PRECEDENCE: TestOutcome[] = ["suppressed", "bounced", "complained", "delivered"];

function bareAddress(value: string): string {
  const match = /<([^<>]+)>\s*$/.exec(value);
  return (match ? match[1]! : value).trim();
}

/** The outcome for a set of recipients; the most severe test address wins, ordinary mail is delivered. */
export function outcomeFor(recipients: readonly string[]): TestOutcome {
  let found: TestOutcome = "delivered";
  for (const recipient of recipients) {
    const match = TEST_ADDRESS.exec(bareAddress(recipient));
    if (!match) continue;
    const outcome = match[1]!.toLowerCase() as TestOutcome;
    if (PRECEDENCE.indexOf(outcome) < PRECEDENCE.indexOf(found)) found = outcome;
  }
  return found;
}
