import { AnymailAPIError, type InboundEvent } from "@anymail/core";
import type { DownloadBudget, InboundHttp } from "./inbound-http.js";
import {
  type DownloadedAttachment,
  messageFromFields,
  messageFromMime,
} from "./inbound-message.js";
import {
  deliveryIdOf,
  eventTimestamp,
  invalidPayload,
  isJsonObject,
  type JsonObject,
  optionalString,
  type ResendEnvelope,
} from "./payload.js";

const MAX_ATTACHMENT_PAGES = 50;
/** Resend's ids (UUIDs today): nothing that could change the path of the API request. */
const RESEND_ID = /^[A-Za-z0-9_-]{1,128}$/;

function invalidResponse(message: string): AnymailAPIError {
  return new AnymailAPIError(message, {
    provider: "Resend",
    kind: "invalid_response",
    retryable: true,
  });
}

/** Lists every attachment of a received email (the list is paginated). */
async function listAttachments(http: InboundHttp, emailId: string): Promise<JsonObject[]> {
  const items: JsonObject[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_ATTACHMENT_PAGES; page++) {
    const query = new URLSearchParams({ limit: "100" });
    if (after !== undefined) query.set("after", after);
    const list = await http.getApiJson(
      `emails/receiving/${encodeURIComponent(emailId)}/attachments?${query}`,
    );
    const data = isJsonObject(list) && Array.isArray(list.data) ? list.data : undefined;
    if (data === undefined) {
      throw invalidResponse("Resend's attachment list for a received email has no data array");
    }
    for (const item of data) if (isJsonObject(item)) items.push(item);
    const last = items.at(-1);
    if (!(isJsonObject(list) && list.has_more === true) || last === undefined) return items;
    after = optionalString(last.id);
    if (after === undefined) throw invalidResponse("Resend's attachment list item has no id");
  }
  throw invalidResponse(`Resend's attachment list has more than ${MAX_ATTACHMENT_PAGES} pages`);
}

async function downloadAttachments(
  http: InboundHttp,
  emailId: string,
  email: JsonObject,
  budget: DownloadBudget,
): Promise<DownloadedAttachment[]> {
  const expected = Array.isArray(email.attachments) ? email.attachments.length : 0;
  if (expected === 0) return [];
  const listed = await listAttachments(http, emailId);
  if (listed.length < expected) {
    throw invalidResponse(
      `Resend listed ${listed.length} of the ${expected} attachments of received email ${emailId}`,
    );
  }
  const downloads: DownloadedAttachment[] = [];
  for (const [index, meta] of listed.entries()) {
    const url = optionalString(meta.download_url);
    const name = optionalString(meta.filename) ?? `#${index + 1}`;
    if (url === undefined) throw invalidResponse(`Resend attachment ${name} has no download_url`);
    const { bytes, contentType } = await http.download(url, `attachment ${name}`, budget);
    downloads.push({
      meta,
      bytes,
      ...(contentType === undefined ? {} : { downloadContentType: contentType }),
    });
  }
  return downloads;
}

async function parseMime(bytes: Uint8Array, email: JsonObject, emailId: string) {
  try {
    return await messageFromMime(bytes, email);
  } catch (cause) {
    throw new AnymailAPIError(
      `Resend's raw message for received email ${emailId} is not parsable MIME`,
      {
        provider: "Resend",
        kind: "invalid_response",
        cause,
      },
    );
  }
}

/**
 * Turns an `email.received` notification (metadata only) into an InboundEvent by fetching
 * the message. Any failure rejects as a whole: no partly built message is handed on.
 */
export async function toInboundEvent(
  envelope: ResendEnvelope,
  headers: Headers,
  http: InboundHttp,
): Promise<InboundEvent> {
  if (envelope.type !== "email.received") {
    throw invalidPayload(
      `Resend sent a ${envelope.type} event to the anymail inbound webhook URL. Only email.received belongs on .../resend/inbound; point Resend's webhook for ${envelope.type} at .../resend/tracking instead.`,
    );
  }
  const emailId = optionalString(envelope.data.email_id);
  if (emailId === undefined) {
    throw invalidPayload("Resend email.received webhook has no data.email_id");
  }

  if (!RESEND_ID.test(emailId)) {
    // Checked before any request: a signed payload must not steer the authenticated GET.
    throw invalidPayload(
      "Resend email.received webhook has a data.email_id that is not a Resend id (letters, digits, '-' and '_' only)",
    );
  }

  const email = await http.getApiJson(`emails/receiving/${emailId}`);
  const budget = http.newBudget();
  if (!isJsonObject(email)) throw invalidResponse("Resend's received email is not a JSON object");
  const raw = isJsonObject(email.raw) ? optionalString(email.raw.download_url) : undefined;
  const message =
    raw !== undefined
      ? await parseMime((await http.download(raw, "the raw message", budget)).bytes, email, emailId)
      : messageFromFields(email, await downloadAttachments(http, emailId, email, budget));

  const event: InboundEvent = {
    eventType: "inbound",
    timestamp: eventTimestamp(envelope, headers),
    message,
    espEvent: envelope.parsed,
  };
  const eventId = deliveryIdOf(headers);
  if (eventId !== undefined) event.eventId = eventId;
  return event;
}
