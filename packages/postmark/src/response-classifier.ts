import type {
  AnymailAPIError,
  EmailAddress,
  EspResponse,
  PreparedMessage,
  RecipientStatus,
  SendResult,
  SendStatus,
} from "@anymail/core";
import { apiErrorFromResponse, invalidResponse, isRetryableStatus } from "@anymail/http";

/**
 * Postmark's ErrorCode for "Invalid email request" (bad addresses among others).
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "api_error") && err.providerCode === String(POSTMARK_INVALID_REQUEST)) fixTheMessage();
 * ```
 */
export const POSTMARK_INVALID_REQUEST = 300;
/**
 * Postmark's ErrorCode for "Inactive recipient" (a hard bounce or spam complaint before).
 *
 * @example
 * ```ts
 * // a 422 with this code becomes recipients with status "rejected", not an API error
 * POSTMARK_INACTIVE_RECIPIENT; // 406
 * ```
 */
export const POSTMARK_INACTIVE_RECIPIENT = 406;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The `Message` of a Postmark error body, else undefined (the kit shows a text body). */
function messageOf(body: unknown): string | undefined {
  return isObject(body) && typeof body.Message === "string" ? body.Message : undefined;
}

function errorCodeOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const code = body.ErrorCode;
  return typeof code === "number" || typeof code === "string" ? String(code) : undefined;
}

/**
 * An API error for a Postmark answer (`item`: the body, or one result of a batch).
 * Retryable only for statuses that prove nothing was accepted (5xx, 408, 429): a 200 or
 * 422 with an ErrorCode never is.
 */
function postmarkApiError(response: EspResponse, item: unknown = response.body): AnymailAPIError {
  const providerCode = errorCodeOf(item);
  const detail = messageOf(item);
  return apiErrorFromResponse("Postmark", response, {
    retryable: isRetryableStatus(response.status),
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(detail === undefined ? {} : { detail }),
  });
}

/** The comma-separated addr-specs the first group of `pattern` finds in a message, lower-cased. */
function addrSpecsIn(text: string, pattern: RegExp): string[] {
  const match = pattern.exec(text);
  if (!match?.[1]) return [];
  return match[1]
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== "");
}

const INACTIVE = /inactive addresses:\s*(.*?)\.\s*Inactive recipients/s;
const INVALID_RECIPIENT = /^(Invalid|Error\s+parsing)\s+'(To|Cc|Bcc)'/i;
const INVALID_ADDRESS = /address:?\s*'(.*)'/;

/**
 * Addr-specs as Postmark reports them (lower-case, no display names): a `To` field
 * `Name <a@b>, c@d` in a success, or a list in a message.
 */
function addrSpecsOfHeader(value: string): string[] {
  const specs: string[] = [];
  for (const match of value.matchAll(/(?:^|,)\s*(?:[^,<]*<([^<>]+)>|([^\s,<>]+@[^\s,<>]+))/g)) {
    const spec = match[1] ?? match[2];
    if (spec) specs.push(spec.trim());
  }
  return specs;
}

/** Recipient statuses keyed by the addr-spec as sent; Postmark's lower-case ones map back. */
class RecipientTable {
  readonly statuses: Record<string, RecipientStatus> = {};
  private readonly byLower = new Map<string, string>();

  add(address: EmailAddress) {
    if (this.statuses[address.addrSpec] !== undefined) return;
    this.statuses[address.addrSpec] = { status: "unknown" };
    this.byLower.set(address.addrSpec.toLowerCase(), address.addrSpec);
  }

  set(addrSpec: string, status: RecipientStatus) {
    const key = this.byLower.get(addrSpec.toLowerCase()) ?? addrSpec;
    this.byLower.set(key.toLowerCase(), key);
    this.statuses[key] = status;
  }
}

/**
 * Reads one Postmark answer into per-recipient statuses, as anymail does: ErrorCode 0 →
 * sent (queued when "delivery may be delayed"), with inactive addresses named in the
 * message → rejected; 406 → the named addresses rejected; 300 about To/Cc/Bcc → the named
 * addresses invalid; any other ErrorCode or status → {@link AnymailAPIError}.
 *
 * @example
 * ```ts
 * const result = parsePostmarkResponse(espResponse, prepared);
 * result.recipients["ana@example.org"]; // { status: "sent", messageId: "b7bc2f4a-…" }
 * ```
 */
export function parsePostmarkResponse(response: EspResponse, message: PreparedMessage): SendResult {
  // 422 carries per-recipient failures; every other non-2xx is an error of the request.
  if ((response.status < 200 || response.status > 299) && response.status !== 422) {
    throw postmarkApiError(response);
  }
  const table = new RecipientTable();
  for (const address of [...message.to, ...message.cc, ...message.bcc]) table.add(address);
  const ccAndBcc = [...message.cc, ...message.bcc];

  const items = Array.isArray(response.body) ? response.body : [response.body];
  if (Array.isArray(response.body) && response.body.length === 0) {
    throw invalidResponse("Postmark", response, "an empty list of results");
  }
  for (const item of items) {
    // ErrorCode may be missing when Postmark delays delivery ("delivery may be delayed").
    if (!isObject(item) || typeof item.Message !== "string") {
      throw invalidResponse("Postmark", response, "a result without Message");
    }
    const code = item.ErrorCode ?? 0;
    const text = item.Message;
    if (code === 0) {
      if (typeof item.MessageID !== "string") {
        throw invalidResponse("Postmark", response, "a success without MessageID");
      }
      const status: SendStatus = text.includes("delivery may be delayed") ? "queued" : "sent";
      const sent: RecipientStatus = { status, messageId: item.MessageID };
      // "To" is absent for a cc- or bcc-only send.
      if (typeof item.To === "string") {
        for (const spec of addrSpecsOfHeader(item.To)) table.set(spec, { ...sent });
      }
      // Postmark doesn't echo Cc/Bcc: they share the message's fate.
      for (const address of ccAndBcc) table.set(address.addrSpec, { ...sent });
      for (const spec of addrSpecsIn(text, INACTIVE)) table.set(spec, { status: "rejected" });
    } else if (code === POSTMARK_INVALID_REQUEST && INVALID_RECIPIENT.test(text)) {
      for (const spec of addrSpecsIn(text, INVALID_ADDRESS)) table.set(spec, { status: "invalid" });
    } else if (code === POSTMARK_INACTIVE_RECIPIENT) {
      for (const spec of addrSpecsIn(text, INACTIVE)) table.set(spec, { status: "rejected" });
    } else {
      // A 200 here can be a batch where other messages were accepted: never retryable.
      throw postmarkApiError(response, item);
    }
  }

  const recipients = table.statuses;
  const values = Object.values(recipients);
  const ids = new Set(values.map((r) => r.messageId));
  const result: SendResult = {
    status: new Set(values.map((r) => r.status)),
    recipients,
    espResponse: response,
  };
  const [only] = ids;
  if (ids.size === 1 && only !== undefined) result.messageId = only;
  return result;
}
