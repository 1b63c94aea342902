import { describe, expect, it } from "vitest";
import {
  AnymailAPIError,
  AnymailCancelSend,
  AnymailConfigurationError,
  AnymailError,
  type AnymailErrorCode,
  AnymailImproperlyInstalled,
  AnymailInvalidAddress,
  AnymailInvalidWebhookPayload,
  AnymailPartialSend,
  AnymailRecipientsRefused,
  AnymailSerializationError,
  AnymailUnsupportedFeature,
  AnymailWebhookValidationFailure,
  isAnymailError,
} from "../src/index.js";

const cases: [AnymailError, AnymailErrorCode, string][] = [
  [new AnymailError("base"), "anymail_error", "AnymailError"],
  [
    new AnymailAPIError("api", { statusCode: 500, retryable: true }),
    "api_error",
    "AnymailAPIError",
  ],
  [
    new AnymailUnsupportedFeature("Test", "trackOpens"),
    "unsupported_feature",
    "AnymailUnsupportedFeature",
  ],
  [
    new AnymailInvalidAddress("bad", { field: "to", input: "x" }),
    "invalid_address",
    "AnymailInvalidAddress",
  ],
  [
    new AnymailSerializationError("bad", { field: "metadata" }),
    "serialization_error",
    "AnymailSerializationError",
  ],
  [new AnymailRecipientsRefused(), "recipients_refused", "AnymailRecipientsRefused"],
  [
    new AnymailPartialSend("part", {
      result: { status: new Set(), recipients: {} },
      failedRecipients: [],
      unknownRecipients: [],
    }),
    "partial_send",
    "AnymailPartialSend",
  ],
  [new AnymailCancelSend(), "send_cancelled", "AnymailCancelSend"],
  [
    new AnymailWebhookValidationFailure("sig"),
    "webhook_validation_failure",
    "AnymailWebhookValidationFailure",
  ],
  [
    new AnymailInvalidWebhookPayload("json"),
    "invalid_webhook_payload",
    "AnymailInvalidWebhookPayload",
  ],
  [new AnymailConfigurationError("key"), "configuration_error", "AnymailConfigurationError"],
  [
    new AnymailImproperlyInstalled("svix", "webhook signatures"),
    "improperly_installed",
    "AnymailImproperlyInstalled",
  ],
];

describe("errors", () => {
  it.each(cases)("%s has code %s and name %s", (error, code, name) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(AnymailError);
    expect(error).toBeInstanceOf(Error);
    expect(isAnymailError(error)).toBe(true);
    expect(isAnymailError(error, code)).toBe(true);
    expect(isAnymailError(error, code === "api_error" ? "invalid_address" : "api_error")).toBe(
      false,
    );
  });

  it("keeps the cause and provider", () => {
    const cause = new TypeError("socket hang up");
    const error = new AnymailAPIError("network", { cause, provider: "Resend", kind: "network" });
    expect(error.cause).toBe(cause);
    expect(error.provider).toBe("Resend");
    expect(error.kind).toBe("network");
    expect(error.retryable).toBe(false);
  });

  it("formats the unsupported-feature message like anymail", () => {
    const error = new AnymailUnsupportedFeature("Resend", "trackOpens");
    expect(error.message).toBe("Resend does not support trackOpens");
    expect(error.feature).toBe("trackOpens");
  });

  it("recognises an error from a duplicate copy of the package by its brand", () => {
    class ForeignAnymailError extends Error {
      readonly code = "api_error";
      readonly retryable = true;
      constructor() {
        super("from another copy");
        Object.defineProperty(this, Symbol.for("anymail.error"), { value: true });
      }
    }
    const foreign = new ForeignAnymailError();
    expect(foreign).not.toBeInstanceOf(AnymailError);
    expect(isAnymailError(foreign)).toBe(true);
    expect(isAnymailError(foreign, "api_error")).toBe(true);
    expect(isAnymailError(foreign, "invalid_address")).toBe(false);
  });

  it("does not recognise look-alikes without the brand", () => {
    expect(isAnymailError(new Error("x"))).toBe(false);
    expect(isAnymailError({ code: "api_error", name: "AnymailAPIError" })).toBe(false);
    expect(isAnymailError(null)).toBe(false);
    expect(isAnymailError("api_error")).toBe(false);
  });
});
