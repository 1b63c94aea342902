import { createInboundMessage, type InboundAttachment, type InboundMessage } from "@anymail/core";
import type { Address } from "postal-mime";

function mailbox(name: string, address: string): string {
  if (name === "") return address;
  const plain = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ \u0080-\uFFFF]*$/.test(name);
  return `${plain ? name : `"${name.replace(/(["\\])/g, "\\$1")}"`} <${address}>`;
}

function flatten(list: Address[] | undefined): string[] {
  const out: string[] = [];
  for (const address of list ?? []) {
    if (address.group)
      for (const member of address.group) out.push(mailbox(member.name, member.address));
    else if (address.address) out.push(mailbox(address.name, address.address));
  }
  return out;
}

function bytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === "string") return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

/**
 * Parses a raw RFC 822 message (Mailgun's `body-mime`) with postal-mime, loaded on first
 * use; `envelope` adds what Mailgun's route post knows beyond the MIME.
 */
export async function messageFromMime(
  raw: Uint8Array,
  envelope: Pick<InboundMessage, "envelopeSender" | "envelopeRecipient">,
): Promise<InboundMessage> {
  const { default: PostalMime } = await import("postal-mime");
  const parsed = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
  const attachments: InboundAttachment[] = parsed.attachments.map((part) => {
    const contentId = part.contentId?.trim().replace(/^<(.*)>$/, "$1");
    return {
      ...(part.filename ? { filename: part.filename } : {}),
      contentType: part.mimeType || "application/octet-stream",
      content: bytes(part.content),
      ...(contentId ? { contentId } : {}),
      inline: part.disposition === "inline" || part.related === true,
    };
  });
  const date = parsed.date === undefined ? undefined : new Date(parsed.date);
  const replyTo = flatten(parsed.replyTo);
  return createInboundMessage({
    ...envelope,
    from: flatten(parsed.from ? [parsed.from] : undefined)[0] ?? "",
    to: flatten(parsed.to),
    cc: flatten(parsed.cc),
    ...(replyTo.length > 0 ? { replyTo } : {}),
    subject: parsed.subject ?? "",
    ...(date === undefined || Number.isNaN(date.getTime()) ? {} : { date }),
    ...(parsed.text === undefined ? {} : { text: parsed.text }),
    ...(parsed.html === undefined ? {} : { html: parsed.html }),
    headers: parsed.headers.map((h) => ({ name: h.originalKey || h.key, value: h.value })),
    attachments,
    raw,
  });
}
