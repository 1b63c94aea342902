import {
  AnymailAPIError,
  AnymailCancelSend,
  AnymailConfigurationError,
  AnymailError,
  type AnymailErrorCode,
  AnymailImproperlyInstalled,
  AnymailInvalidAddress,
  AnymailInvalidWebhookPayload,
  AnymailRecipientsRefused,
  AnymailSerializationError,
  AnymailUnsupportedFeature,
  AnymailWebhookValidationFailure,
  isAnymailError,
} from "@anymail/core";
import { decodeResult, type Encoded, encode, encodeResult } from "./codec.js";

/** An AnymailError as kept on a job in Redis. */
export interface StoredError {
  name: string;
  code: AnymailErrorCode;
  message: string;
  provider?: string;
  statusCode?: number;
  providerCode?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  kind?: string;
  response?: Encoded;
  feature?: string;
  field?: string;
  input?: string;
  packageName?: string;
  result?: Encoded;
}

/** Wraps anything thrown into an AnymailError, keeping the original as `cause`. */
export function toAnymailError(error: unknown, provider?: string): AnymailError {
  if (isAnymailError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new AnymailError(text, { cause: error, ...(provider ? { provider } : {}) });
}

/** Every field a typed error carries, as JSON. */
export function serializeError(error: AnymailError): StoredError {
  const stored: StoredError = { name: error.name, code: error.code, message: error.message };
  const fields = error as unknown as Record<string, unknown>;
  for (const key of [
    "provider",
    "statusCode",
    "providerCode",
    "retryable",
    "retryAfterMs",
    "kind",
    "feature",
    "field",
    "input",
    "packageName",
  ] as const) {
    if (fields[key] !== undefined)
      (stored as unknown as Record<string, unknown>)[key] = fields[key];
  }
  if (fields.response !== undefined) stored.response = encode(fields.response);
  const result = fields.result as { status?: unknown } | undefined;
  if (result !== undefined && result.status instanceof Set) {
    stored.result = encodeResult(result as Parameters<typeof encodeResult>[0]);
  }
  return stored;
}

/** Rebuilds the error class a stored error came from, with its fields. */
export function deserializeError(stored: StoredError): AnymailError {
  const base = { ...(stored.provider === undefined ? {} : { provider: stored.provider }) };
  let error: AnymailError;
  switch (stored.code) {
    case "api_error":
      error = new AnymailAPIError(stored.message, {
        ...base,
        ...(stored.statusCode === undefined ? {} : { statusCode: stored.statusCode }),
        ...(stored.providerCode === undefined ? {} : { providerCode: stored.providerCode }),
        ...(stored.retryAfterMs === undefined ? {} : { retryAfterMs: stored.retryAfterMs }),
        ...(stored.response === undefined
          ? {}
          : { response: stored.response as unknown as AnymailAPIError["response"] & object }),
        retryable: stored.retryable === true,
        ...(stored.kind === undefined ? {} : { kind: stored.kind as AnymailAPIError["kind"] }),
      });
      break;
    case "unsupported_feature":
      error = new AnymailUnsupportedFeature(stored.provider ?? "", stored.feature ?? "");
      break;
    case "invalid_address":
      error = new AnymailInvalidAddress(stored.message, {
        ...base,
        ...(stored.field === undefined ? {} : { field: stored.field }),
        ...(stored.input === undefined ? {} : { input: stored.input }),
      });
      break;
    case "serialization_error":
      error = new AnymailSerializationError(stored.message, {
        ...base,
        ...(stored.field === undefined ? {} : { field: stored.field }),
      });
      break;
    case "recipients_refused":
      error = new AnymailRecipientsRefused(stored.message, {
        ...base,
        ...(stored.result === undefined ? {} : { result: decodeResult(stored.result) }),
      });
      break;
    case "send_cancelled":
      error = new AnymailCancelSend(stored.message, base);
      break;
    case "webhook_validation_failure":
      error = new AnymailWebhookValidationFailure(stored.message, base);
      break;
    case "invalid_webhook_payload":
      error = new AnymailInvalidWebhookPayload(stored.message, base);
      break;
    case "improperly_installed":
      error = new AnymailImproperlyInstalled(stored.packageName ?? "", "", base);
      break;
    case "configuration_error":
      error = new AnymailConfigurationError(stored.message, base);
      break;
    default:
      error = new AnymailError(stored.message, base);
  }
  // The stored text wins: some constructors build their own message.
  if (error.message !== stored.message) {
    Object.defineProperty(error, "message", { value: stored.message, enumerable: false });
  }
  return error;
}
