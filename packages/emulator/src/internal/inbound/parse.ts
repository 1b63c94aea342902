import { randomUUID } from "node:crypto";
import PostalMime, { type Address, type Attachment, type Email } from "postal-mime";
import { EmulatorError } from "../../errors.js";
import { buildMimeMessage } from "./mime-builder.js";
import type {
  InboundFieldsInput,
  InboundRawInput,
  ReceivedAttachment,
  ReceivedEmail,
} from "../../types.js";

function mailboxes(addresses: Address[] | undefined): { name: string; address: string }[] {
  const result: { name: string; address: string }[] = [];
  for (const entry of addresses ?? []) {
    if (entry.group) result.push(...entry.group);
    else if (entry.address) result.push({ name: entry.name, address: entry.address });
  }
  return result;
}

const formatMailbox = (mailbox: { name: string; address: string }) =>
  mailbox.name ? `${mailbox.name} <${mailbox.address}>` : mailbox.address;

function toBytes(content: Attachment["content"]): Uint8Array {
  if (typeof content === "string") return Buffer.from(content, "utf8");
  if (content instanceof Uint8Array) return content;
  return new Uint8Array(content);
}

function validateFields(input: InboundFieldsInput): void {
  if (typeof input.from !== "string" || input.from.trim() === "") {
    throw new EmulatorError("invalid_input", "receive() needs a `from` address.");
  }
  const to = Array.isArray(input.to) ? input.to : [input.to];
  if (
    to.length === 0 ||
    to.some((address) => typeof address !== "string" || !address.includes("@"))
  ) {
    throw new EmulatorError(
      "invalid_input",
      "receive() needs `to` as one or more email addresses.",
    );
  }
  if (typeof input.subject !== "string") {
    throw new EmulatorError("invalid_input", "receive() needs a `subject` string.");
  }
  if (input.text !== undefined && typeof input.text !== "string") {
    throw new EmulatorError("invalid_input", "receive() `text` must be a string.");
  }
  if (input.html !== undefined && typeof input.html !== "string") {
    throw new EmulatorError("invalid_input", "receive() `html` must be a string.");
  }
}

/**
 * Turns receive() input into a stored inbound email. Field input is first rendered to a real
 * MIME message and then parsed back, so both input forms go through the same parser.
 */
export async function parseInbound(
  input: InboundFieldsInput | InboundRawInput,
  now: number,
  messageId: (id: string) => string,
): Promise<ReceivedEmail> {
  if (typeof input !== "object" || input === null) {
    throw new EmulatorError("invalid_input", "receive() needs an object: fields or { raw }.");
  }
  let raw: Uint8Array;
  if ("raw" in input) {
    if (typeof input.raw === "string") raw = Buffer.from(input.raw, "utf8");
    else if (input.raw instanceof Uint8Array) raw = input.raw;
    else throw new EmulatorError("invalid_input", "receive({ raw }) needs a string or Uint8Array.");
  } else {
    validateFields(input);
    raw = buildMimeMessage(input, messageId(randomUUID()), new Date(now));
  }

  let parsed: Email;
  try {
    parsed = await PostalMime.parse(raw);
  } catch (error) {
    throw new EmulatorError(
      "invalid_input",
      `The inbound message could not be parsed: ${String(error)}`,
    );
  }
  const from = mailboxes(parsed.from ? [parsed.from] : [])[0];
  if (!from) throw new EmulatorError("invalid_input", "The inbound message has no From address.");
  const to = mailboxes(parsed.to).map((mailbox) => mailbox.address);
  const cc = mailboxes(parsed.cc).map((mailbox) => mailbox.address);
  if (to.length === 0 && cc.length === 0) {
    throw new EmulatorError("invalid_input", "The inbound message has no To or Cc recipient.");
  }
  const headers: Record<string, string> = {};
  for (const header of parsed.headers) headers[header.originalKey] ??= header.value;

  const attachments: ReceivedAttachment[] = parsed.attachments.map((attachment) => {
    const content = toBytes(attachment.content);
    const disposition = attachment.disposition;
    return {
      id: randomUUID(),
      filename: attachment.filename,
      contentType: attachment.mimeType,
      contentDisposition:
        disposition === "inline" ? "inline" : disposition === "attachment" ? "attachment" : null,
      contentId: attachment.contentId ? attachment.contentId.replace(/^<|>$/g, "") : null,
      size: content.byteLength,
      content,
    };
  });

  return {
    id: randomUUID(),
    from: formatMailbox(from),
    to,
    cc,
    bcc: mailboxes(parsed.bcc).map((mailbox) => mailbox.address),
    replyTo: mailboxes(parsed.replyTo).map((mailbox) => mailbox.address),
    receivedFor: to.length > 0 ? to : cc,
    subject: parsed.subject ?? "",
    html: parsed.html ?? null,
    text: parsed.text ?? null,
    headers,
    messageId: parsed.messageId ?? messageId(randomUUID()),
    attachments,
    raw,
    createdAt: now,
  };
}
