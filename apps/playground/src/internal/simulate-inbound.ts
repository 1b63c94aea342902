import { AnymailSerializationError } from "@anymail/core";
import type { ComposeFile } from "./compose.js";

/** What the inbound simulator posts: fields with files, or a pasted raw message. */
export type InboundRequest =
  | { raw: string }
  | {
      from?: string;
      to?: string;
      cc?: string;
      subject?: string;
      text?: string;
      html?: string;
      attachments?: ComposeFile[];
    };

/** The emulator's `receive` input, built from {@link InboundRequest}. */
export type EmulatorInbound =
  | { raw: string }
  | {
      from: string;
      to: string[];
      cc?: string[];
      subject: string;
      text?: string;
      html?: string;
      attachments?: { filename: string; content: Uint8Array; contentType?: string }[];
    };

/** Checks the simulator form and shapes it for `emu.receive`; bad input is a typed error. */
export function toEmulatorInbound(request: InboundRequest): EmulatorInbound {
  if ("raw" in request) {
    if (request.raw.trim() === "") {
      throw new AnymailSerializationError("raw: paste an RFC 822 message", { field: "raw" });
    }
    // Browsers submit textareas with CRLF or LF; MIME wants CRLF line ends.
    return { raw: request.raw.replace(/\r?\n/g, "\r\n") };
  }
  const from = request.from?.trim() ?? "";
  const to = splitList(request.to);
  if (from === "") throw new AnymailSerializationError("from is required", { field: "from" });
  if (to.length === 0) throw new AnymailSerializationError("to is required", { field: "to" });
  const cc = splitList(request.cc);
  const attachments = (request.attachments ?? []).map((file, index) => ({
    filename: file.filename || `attachment-${index + 1}`,
    content: new Uint8Array(Buffer.from(file.contentBase64, "base64")),
    ...(file.contentType ? { contentType: file.contentType } : {}),
  }));
  return {
    from,
    to,
    ...(cc.length > 0 ? { cc } : {}),
    subject: request.subject ?? "",
    ...(request.text ? { text: request.text } : {}),
    ...(request.html ? { html: request.html } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}
