import { describe, expect, it } from "vitest";
import {
  AnymailAPIError,
  type APIFailureKind,
  createMailer,
  type EmailMessage,
} from "../src/index.js";
import { createTestProvider } from "../src/testing.js";

const message: EmailMessage = { from: "a@example.com", to: "b@example.org", subject: "Hi" };

/** A provider whose first attempt fails with `kind`, then succeeds. */
function failingOnce(kind: APIFailureKind, idempotent: boolean) {
  return createTestProvider({
    idempotent,
    respond: (_message, context) => {
      if (context.attempt === 1) {
        throw new AnymailAPIError(`first attempt: ${kind}`, {
          kind,
          retryable: true,
          retryAfterMs: 0,
        });
      }
      return undefined;
    },
  });
}

describe("retries and the provider's idempotency declaration", () => {
  it.each<[APIFailureKind, boolean, number]>([
    // [kind, idempotent, attempts made]
    ["connect", false, 2], // never written: always safe to send again
    ["http", false, 2], // the ESP answered with a retryable status: it did not accept
    ["network", false, 1], // written, no answer: may have been accepted, never retried
    ["timeout", false, 1],
    ["connect", true, 2],
    ["network", true, 2], // the ESP de-duplicates by key: retrying is safe
    ["timeout", true, 2],
  ])("a %s failure, idempotent=%s: %i attempt(s)", async (kind, idempotent, attempts) => {
    const provider = failingOnce(kind, idempotent);
    const mailer = createMailer({ provider, retry: { attempts: 3, baseDelayMs: 0 } });
    const outcome = await mailer.send(message).then(
      () => "sent",
      (error: AnymailAPIError) => error,
    );
    expect(provider.calls).toHaveLength(attempts);
    if (attempts === 1) {
      expect(outcome).toMatchObject({ code: "api_error", kind, requestWritten: true });
    } else {
      expect(outcome).toBe("sent");
    }
  });

  it("a provider that declares nothing is treated as not idempotent", async () => {
    const provider = { ...failingOnce("network", true), idempotent: undefined };
    const mailer = createMailer({ provider, retry: { attempts: 3, baseDelayMs: 0 } });
    await expect(mailer.send(message)).rejects.toMatchObject({ kind: "network" });
  });

  it("requestWritten is false only for connect failures", () => {
    const kinds: APIFailureKind[] = ["http", "connect", "network", "timeout", "invalid_response"];
    expect(kinds.map((kind) => new AnymailAPIError("x", { kind }).requestWritten)).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
  });
});
