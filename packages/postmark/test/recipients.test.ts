// Ports django-anymail 15.1 tests/test_postmark_backend.py PostmarkBackendRecipientsRefusedTests.
import {
  AnymailAPIError,
  AnymailRecipientsRefused,
  createMailer,
  type EmailMessage,
  type Mailer,
  type SendResult,
} from "@anymail/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postmark } from "../src/index.js";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";

let server: CaptureServer;
let mailer: Mailer;

beforeAll(async () => {
  server = await startCaptureServer();
  mailer = createMailer({
    provider: postmark({ serverToken: "test_server_token", apiUrl: server.url }),
    retry: { attempts: 3 },
  });
});
afterEach(() => server.reset());
afterAll(async () => {
  await mailer.close();
  await server.close();
});

const message = (fields: Partial<EmailMessage>): EmailMessage => ({
  from: "from@example.com",
  subject: "Subject",
  text: "Body",
  ...fields,
});

const INACTIVE_422 = JSON.stringify({
  ErrorCode: 406,
  Message:
    "You tried to send to a recipient that has been marked as inactive.\nFound inactive addresses: hardbounce@example.com, spam@example.com.\nInactive recipients are ones that have generated a hard bounce or a spam complaint.",
});

async function refused(fields: Partial<EmailMessage>): Promise<SendResult> {
  const error = await mailer.send(message(fields)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AnymailRecipientsRefused);
  return (error as AnymailRecipientsRefused).result as SendResult;
}

describe("Postmark recipients refused", () => {
  it("marks inactive recipients rejected, matching the case sent (test_recipients_inactive)", async () => {
    server.respond({ status: 422, body: INACTIVE_422 });
    const result = await refused({
      to: ["HardBounce@example.com", "Hates Spam <spam@example.com>"],
    });
    expect(result.recipients["HardBounce@example.com"]?.status).toBe("rejected");
    expect(result.recipients["spam@example.com"]?.status).toBe("rejected");
    // A 422 is an answer, not a failure: sent once, never retried.
    expect(server.requests).toHaveLength(1);
  });

  it("marks an invalid To recipient invalid (test_recipients_invalid)", async () => {
    server.respond({
      status: 422,
      body: JSON.stringify({
        ErrorCode: 300,
        Message: "Invalid 'To' address: 'invalid@localhost'.",
      }),
    });
    const result = await refused({ to: "Invalid@LocalHost" });
    expect(result.recipients["Invalid@LocalHost"]?.status).toBe("invalid");
  });

  it("marks a Cc Postmark can't parse invalid (test_recipients_parse_error)", async () => {
    // Core refuses `user@+` itself, so the address here is one only Postmark dislikes.
    server.respond({
      status: 422,
      body: JSON.stringify({
        ErrorCode: 300,
        Message: "Error parsing 'Cc': Illegal email domain 'x' in address 'user@x'.",
      }),
    });
    const result = await refused({ cc: "user@x" });
    expect(result.recipients["user@x"]?.status).toBe("invalid");
  });

  it("raises an API error for an invalid From (test_from_email_invalid)", async () => {
    server.respond({
      status: 422,
      body: JSON.stringify({
        ErrorCode: 300,
        Message: "Invalid 'From' address: 'invalid@localhost'.",
      }),
    });
    const error = (await mailer
      .send(message({ from: "invalid@localhost", to: "to@example.com" }))
      .catch((e: unknown) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error.statusCode).toBe(422);
    expect(error.providerCode).toBe("300");
    expect(error.retryable).toBe(false);
  });

  it("raises an API error for a bad Reply-To (test_reply_to_invalid)", async () => {
    server.respond({
      status: 422,
      body: JSON.stringify({
        ErrorCode: 300,
        Message: "Error parsing 'Reply-To': Illegal email domain '+' in address 'invalid@+'.",
      }),
    });
    await expect(
      mailer.send(message({ to: "to@example.com", replyTo: "invalid@x" })),
    ).rejects.toThrow("Error parsing 'Reply-To'");
  });

  it("raises an API error for other ErrorCode 300 problems (test_errorcode_300)", async () => {
    server.respond({
      status: 422,
      body: JSON.stringify({
        ErrorCode: 300,
        Message: "Invalid metadata content. Field names are limited to 20 characters...",
      }),
    });
    await expect(
      mailer.send(
        message({ to: "to@example.com", metadata: { "this-key-name-is-too-long": "data" } }),
      ),
    ).rejects.toThrow(AnymailAPIError);
    await expect(
      mailer.send(
        message({ to: "to@example.com", metadata: { "this-key-name-is-too-long": "data" } }),
      ),
    ).rejects.toThrow("Invalid metadata content");
  });

  // test_fail_silently: no fail_silently; the refused result travels on the error (above).
  // test_ignore_recipient_status: core has no such switch; the result on the error covers it.

  it("doesn't throw when any recipient was accepted (test_mixed_response)", async () => {
    server.respond({
      body: JSON.stringify({
        To: "hardbounce@example.com, valid@example.com, Hates Spam <spam@example.com>",
        SubmittedAt: "2016-03-12T22:59:06.2505871-05:00",
        MessageID: "089dce03-feee-408e-9f0c-ee69bf1c5f35",
        ErrorCode: 0,
        Message:
          "Message OK, but will not deliver to these inactive addresses: hardbounce@example.com, spam@example.com. Inactive recipients are ones that have generated a hard bounce or a spam complaint.",
      }),
    });
    const result = await mailer.send(
      message({
        to: ["HardBounce@example.com", "valid@example.com", "Hates Spam <spam@example.com>"],
      }),
    );
    expect(result.recipients["HardBounce@example.com"]).toEqual({ status: "rejected" });
    expect(result.recipients["valid@example.com"]).toEqual({
      status: "sent",
      messageId: "089dce03-feee-408e-9f0c-ee69bf1c5f35",
    });
    expect(result.recipients["spam@example.com"]).toEqual({ status: "rejected" });
    expect(result.status).toEqual(new Set(["rejected", "sent"]));
    expect(result.messageId).toBeUndefined();
  });

  it("reports queued for 'delivery may be delayed' without an ErrorCode (test_delivery_delayed_response)", async () => {
    server.respond({
      body: JSON.stringify({
        Message: "Message accepted, but delivery may be delayed.",
        MessageID: "38360f97-ff7f-44b2-bcd1-5ea94ff2af00",
        SubmittedAt: "2024-08-05T02:03:37.0951168Z",
        To: "to@example.com",
      }),
    });
    const result = await mailer.send(message({ to: "to@example.com" }));
    expect(result.recipients["to@example.com"]?.status).toBe("queued");
    expect(result.messageId).toBe("38360f97-ff7f-44b2-bcd1-5ea94ff2af00");
  });

  it("reads per-message results of a batch: one rejected, one sent", async () => {
    server.respond({
      body: JSON.stringify([
        {
          ErrorCode: 406,
          Message:
            "You tried to send to a recipient that has been marked as inactive. Found inactive addresses: alice@example.com. Inactive recipients are ones that have generated a hard bounce or a spam complaint.",
        },
        { ErrorCode: 0, Message: "OK", To: "bob@example.com", MessageID: "id-bob" },
      ]),
    });
    const result = await mailer.send(
      message({ to: ["Alice@example.com", "bob@example.com"], mergeMetadata: {} }),
    );
    expect(result.recipients).toEqual({
      "Alice@example.com": { status: "rejected" },
      "bob@example.com": { status: "sent", messageId: "id-bob" },
    });
  });

  it("raises a non-retryable error when a batch holds an unexpected error next to accepted messages", async () => {
    server.respond({
      body: JSON.stringify([
        { ErrorCode: 0, Message: "OK", To: "alice@example.com", MessageID: "id-alice" },
        { ErrorCode: 1101, Message: "Template not found." },
      ]),
    });
    const error = (await mailer
      .send(message({ to: ["alice@example.com", "bob@example.com"], mergeMetadata: {} }))
      .catch((e: unknown) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error.providerCode).toBe("1101");
    expect(error.retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a response of the wrong shape", async () => {
    for (const body of ["[]", "{}", JSON.stringify({ ErrorCode: 0, Message: "OK" }), "null"]) {
      server.reset();
      server.respond({ body });
      const error = (await mailer
        .send(message({ to: "to@example.com" }))
        .catch((e: unknown) => e)) as AnymailAPIError;
      expect(error).toBeInstanceOf(AnymailAPIError);
      expect(error.message).toContain("Invalid Postmark API");
    }
  });
});
