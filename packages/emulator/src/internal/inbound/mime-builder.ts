import { randomBytes } from "node:crypto";
import { EmulatorError } from "../../errors.js";
import type { InboundAttachmentInput, InboundFieldsInput } from "../../types.js";

const CRLF = "\r\n";

const TYPES_BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  txt: "text/plain",
  csv: "text/csv",
  html: "text/html",
  json: "application/json",
  zip: "application/zip",
  ics: "text/calendar",
  eml: "message/rfc822",
};

function contentTypeFor(attachment: InboundAttachmentInput): string {
  if (attachment.contentType) return attachment.contentType;
  const extension = attachment.filename.split(".").pop()?.toLowerCase() ?? "";
  return TYPES_BY_EXTENSION[extension] ?? "application/octet-stream";
}

const isAscii = (value: string) => /^[\x20-\x7e]*$/.test(value);

function assertHeaderSafe(value: string, what: string): string {
  if (/[\r\n]/.test(value))
    throw new EmulatorError("invalid_input", `${what} must not contain line breaks.`);
  return value;
}

/** RFC 2047 encoded-word for non-ASCII header text. */
function encodeWord(value: string): string {
  return isAscii(value) ? value : `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

function encodeAddress(value: string): string {
  const match = /^\s*"?(.*?)"?\s*<([^<>]+)>\s*$/.exec(value);
  if (!match || match[1] === "") return match ? match[2]! : value.trim();
  const name = match[1]!;
  const shown = isAscii(name) ? `"${name.replace(/(["\\])/g, "\\$1")}"` : encodeWord(name);
  return `${shown} <${match[2]}>`;
}

function base64Lines(bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join(CRLF);
}

/** RFC 2231 parameter, so non-ASCII file names survive. */
function fileParameter(name: string, filename: string): string {
  const safe = assertHeaderSafe(filename, "Attachment filename");
  return isAscii(safe)
    ? `${name}="${safe.replace(/(["\\])/g, "\\$1")}"`
    : `${name}*=UTF-8''${encodeURIComponent(safe)}`;
}

interface Part {
  headers: string[];
  body: string;
}

const render = (part: Part) => part.headers.join(CRLF) + CRLF + CRLF + part.body;

function textPart(content: string, subtype: "plain" | "html"): Part {
  return {
    headers: [`Content-Type: text/${subtype}; charset=utf-8`, "Content-Transfer-Encoding: base64"],
    body: base64Lines(Buffer.from(content, "utf8")),
  };
}

function attachmentPart(attachment: InboundAttachmentInput): Part {
  const bytes =
    typeof attachment.content === "string"
      ? Buffer.from(attachment.content, "utf8")
      : attachment.content;
  const inline = attachment.contentId !== undefined;
  const headers = [
    `Content-Type: ${assertHeaderSafe(contentTypeFor(attachment), "contentType")}; ${fileParameter("name", attachment.filename)}`,
    `Content-Disposition: ${inline ? "inline" : "attachment"}; ${fileParameter("filename", attachment.filename)}`,
    "Content-Transfer-Encoding: base64",
  ];
  if (inline) headers.push(`Content-ID: <${assertHeaderSafe(attachment.contentId!, "contentId")}>`);
  return { headers, body: base64Lines(bytes) };
}

function multipart(subtype: string, parts: Part[]): Part {
  const boundary = `----=_emulator_${randomBytes(12).toString("hex")}`;
  const body =
    parts.map((part) => `--${boundary}${CRLF}${render(part)}${CRLF}`).join("") +
    `--${boundary}--${CRLF}`;
  return { headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"`], body };
}

/**
 * Builds an RFC 822 message: multipart/alternative for text + html, multipart/related around it
 * for inline (`contentId`) parts, multipart/mixed around that for regular attachments.
 */
export function buildMimeMessage(
  input: InboundFieldsInput,
  messageId: string,
  date: Date,
): Uint8Array {
  const to = Array.isArray(input.to) ? input.to : [input.to];
  const cc = input.cc === undefined ? [] : Array.isArray(input.cc) ? input.cc : [input.cc];
  const attachments = input.attachments ?? [];
  for (const attachment of attachments) {
    if (typeof attachment?.filename !== "string" || attachment.filename === "") {
      throw new EmulatorError("invalid_input", "Every inbound attachment needs a filename.");
    }
    if (typeof attachment.content !== "string" && !(attachment.content instanceof Uint8Array)) {
      throw new EmulatorError(
        "invalid_input",
        `Attachment ${attachment.filename} needs content as a Uint8Array or string.`,
      );
    }
  }

  let body: Part;
  if (input.text !== undefined && input.html !== undefined) {
    body = multipart("alternative", [textPart(input.text, "plain"), textPart(input.html, "html")]);
  } else if (input.html !== undefined) {
    body = textPart(input.html, "html");
  } else {
    body = textPart(input.text ?? "", "plain");
  }
  const inline = attachments.filter((attachment) => attachment.contentId !== undefined);
  if (inline.length > 0) body = multipart("related", [body, ...inline.map(attachmentPart)]);
  const regular = attachments.filter((attachment) => attachment.contentId === undefined);
  if (regular.length > 0) body = multipart("mixed", [body, ...regular.map(attachmentPart)]);

  const custom = Object.entries(input.headers ?? {});
  const overridden = new Set(custom.map(([name]) => name.toLowerCase()));
  const headers: string[] = [];
  const standard: [string, string][] = [
    ["From", encodeAddress(assertHeaderSafe(input.from, "from"))],
    ["To", to.map((address) => encodeAddress(assertHeaderSafe(address, "to"))).join(", ")],
    ["Cc", cc.map((address) => encodeAddress(assertHeaderSafe(address, "cc"))).join(", ")],
    ["Subject", encodeWord(assertHeaderSafe(input.subject, "subject"))],
    ["Date", date.toUTCString().replace("GMT", "+0000")],
    ["Message-ID", messageId],
  ];
  for (const [name, value] of standard) {
    if (value !== "" && !overridden.has(name.toLowerCase())) headers.push(`${name}: ${value}`);
  }
  for (const [name, value] of custom) {
    if (!/^[!-9;-~]+$/.test(name))
      throw new EmulatorError("invalid_input", `Bad header name ${JSON.stringify(name)}.`);
    headers.push(`${name}: ${encodeWord(assertHeaderSafe(String(value), `Header ${name}`))}`);
  }
  headers.push("MIME-Version: 1.0", ...body.headers);
  return Buffer.from(headers.join(CRLF) + CRLF + CRLF + body.body, "utf8");
}
