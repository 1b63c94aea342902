// A runtime's describe block, or its skip (locally) / failure (CI) when it can't start.
import { describe, it } from "vitest";
import { type Availability, mustRun, type RuntimeName } from "./runtimes.js";

/** Declares a scenario for a runtime, or its skip / CI failure when the runtime can't start. */
export function describeForRuntime(
  title: string,
  name: RuntimeName,
  availability: Availability,
  scenario: () => void,
): void {
  if (!availability.ok) {
    if (mustRun()) {
      describe(`${name}: ${title}`, () => {
        it("starts (CI requires every runtime)", () => {
          throw new Error(availability.detail);
        });
      });
      return;
    }
    console.warn(`[edge-tests] skipping ${name}: ${availability.detail}`);
    describe.skip(`${name}: ${title} — skipped: ${availability.detail}`, scenario);
    return;
  }
  describe(`${name} (${availability.detail}): ${title}`, scenario);
}
