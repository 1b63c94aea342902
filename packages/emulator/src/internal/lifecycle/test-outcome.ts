import type { TestOutcome } from "../../types.js";

const PRECEDENCE: TestOutcome[] = ["suppressed", "bounced", "complained", "delivered"];

/** The bare address of `addr@domain` or `Name <addr@domain>`. */
function bareAddress(value: string): string {
  const match = /<([^<>]+)>\s*$/.exec(value);
  return (match ? match[1]! : value).trim();
}

/**
 * The outcome of a send to these recipients: the most severe one any recipient triggers
 * (through the personality's test addresses); ordinary mail is delivered.
 */
export function outcomeFor(
  recipients: readonly string[],
  testOutcome: ((address: string) => TestOutcome | null) | undefined,
): TestOutcome {
  let found: TestOutcome = "delivered";
  if (!testOutcome) return found;
  for (const recipient of recipients) {
    const outcome = testOutcome(bareAddress(recipient));
    if (outcome !== null && PRECEDENCE.indexOf(outcome) < PRECEDENCE.indexOf(found)) {
      found = outcome;
    }
  }
  return found;
}
