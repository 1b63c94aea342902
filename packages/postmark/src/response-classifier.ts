import {
  AnymailAPIError,
  type EmailAddress,
  type EspResponse,
  isRetryableStatus,
  type PreparedMessage,
  type RecipientStatus,
  type SendResult,
  type SendStatus,
} from "@anymail/core";

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

/** The `Message` of a Postmark error body, else the raw text. */
function describeBody(body: unknown): string {
  if (isObject(body) && typeof body.Message === "string") return body.Message;
  if (typeof body === "string") return body.slice(0, 500);
  return "";
}

function errorCodeOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const code = body.ErrorCode;
  return typeof code === "number" || typeof code === "string" ? String(code) : undefined;
}

function retryAfterMs(headers: Record<string, string>): number | undefined {
  const value = headers["retry-after"];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * An API error for a Postmark answer. Retryable only for statuses that prove nothing was
 * accepted (5xx, 408, 429): a 200 or 422 with an ErrorCode never is.
 */
export function postmarkApiError(
  response: EspResponse,
  detail?: string,
  item: unknown = response.body,
): AnymailAPIError {
  const text = detail ?? describeBody(item);
  const providerCode = errorCodeOf(item);
  const after = retryAfterMs(response.headers);
  return new AnymailAPIError(
    `Postmark API response ${response.status}${providerCode === undefined ? "" : ` (ErrorCode ${providerCode})`}${text === "" ? "" : `: ${text}`}`,
    {
      provider: "Postmark",
      statusCode: response.status,
      response,
      retryable: isRetryableStatus(response.status),
      kind: "http",
      ...(providerCode === undefined ? {} : { providerCode }),
      ...(after === undefined ? {} : { retryAfterMs: after }),
    },
  );
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
    throw postmarkApiError(response, "Invalid Postmark API response format (empty list)");
  }
  for (const item of items) {
    // ErrorCode may be missing when Postmark delays delivery ("delivery may be delayed").
    if (!isObject(item) || typeof item.Message !== "string") {
      throw postmarkApiError(response, "Invalid Postmark API response format");
    }
    const code = item.ErrorCode ?? 0;
    const text = item.Message;
    if (code === 0) {
      if (typeof item.MessageID !== "string") {
        throw postmarkApiError(response, "Invalid Postmark API success response format");
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
      throw postmarkApiError(response, text, item);
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
