import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The built declarations (turbo builds before testing), as users' editors see them.
const declarations = (file: string) =>
  readFileSync(new URL(`../dist/${file}`, import.meta.url), "utf8");

function classBody(source: string, name: string): string {
  const start = source.indexOf(`declare class ${name}`);
  expect(start, `declare class ${name}`).toBeGreaterThan(-1);
  return source.slice(start, source.indexOf("\n}", start));
}

describe("published declarations", () => {
  it.each(["index.d.ts", "index.d.cts"])("%s: no @internal member of Emulator ships", (file) => {
    const emulator = classBody(declarations(file), "Emulator");
    for (const member of [
      "personality:",
      "options:",
      "idempotency:",
      "rateLimiter:",
      "sent:",
      "inbound:",
      "server:",
      "sleepers:",
      "accept(",
      "cancel(",
      "reschedule(",
      "constructor(",
    ]) {
      expect(emulator, member).not.toContain(member);
    }
    expect(emulator).toContain("get emails(): StoredEmail[];");
    expect(emulator).toContain("receive(input: InboundFieldsInput | InboundRawInput)");
  });

  it("exports the public names from index and testing", () => {
    const index = declarations("index.d.ts");
    for (const name of ["startEmulator", "startResendEmulator", "Emulator", "EmulatorError"]) {
      expect(index).toMatch(new RegExp(`export \\{[^}]*\\b${name}\\b`));
    }
    const testing = declarations("testing.d.ts");
    for (const name of [
      "seededRandom",
      "svixSigner",
      "svixSignedHeaders",
      "generateWebhookSecret",
    ]) {
      expect(testing).toMatch(new RegExp(`export \\{[^}]*\\b${name}\\b`));
    }
  });
});
