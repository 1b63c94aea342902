import type { Emulator } from "../../emulator.js";
import type { RouteResponse } from "./io.js";

const plain = (status: number, text: string): RouteResponse => ({
  status,
  body: text,
  contentType: "text/plain; charset=utf-8",
});

/**
 * Serves signed download links (`emu.signer.sign(...)`), which need no API key, like an ESP's
 * CDN links: `/_downloads/{inbound|sent}/{id}/raw.eml | attachments/{aid}`.
 */
export function serveDownload(emu: Emulator, path: string, query: URLSearchParams): RouteResponse {
  const verdict = emu.signer.verify(path, query.get("expires"), query.get("signature"));
  if (verdict === "invalid") return plain(403, "Invalid or missing signature.");
  if (verdict === "expired")
    return plain(403, "This download link has expired. Fetch the email again for a fresh link.");
  const [, , kind, emailId, what, attachmentId] = path.split("/");
  if (kind === "inbound") {
    const email = emu.inbound.get(emailId ?? "");
    if (!email) return plain(404, "Not found.");
    if (what === "raw.eml") return { status: 200, body: email.raw, contentType: "message/rfc822" };
    const attachment = email.attachments.find((item) => item.id === attachmentId);
    if (!attachment) return plain(404, "Not found.");
    return { status: 200, body: attachment.content, contentType: attachment.contentType };
  }
  const sent = emu.sent.get(emailId ?? "");
  const attachment = sent?.attachments.find((item) => item.id === attachmentId);
  if (!attachment?.content) return plain(404, "Not found.");
  return {
    status: 200,
    body: Buffer.from(attachment.content, "base64"),
    contentType: attachment.contentType ?? "application/octet-stream",
  };
}
