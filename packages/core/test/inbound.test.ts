import { describe, expect, it } from "vitest";
import {
  AnymailInvalidWebhookPayload,
  createInboundMessage,
  decodeInboundText,
  type EventType,
} from "../src/index.js";

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

describe("createInboundMessage", () => {
  const message = createInboundMessage({
    headers: [
      { name: "From", value: '"Ana B." <ana@bücher.example>' },
      { name: "To", value: "support@shop.example, Sales <sales@shop.example>" },
      { name: "Cc", value: "cc@shop.example" },
      { name: "Reply-To", value: "replies@shop.example" },
      { name: "Subject", value: "Order 4411" },
      { name: "Date", value: "Tue, 01 Dec 2026 03:00:00 +0000" },
      { name: "Received", value: "from a" },
      { name: "received", value: "from b" },
    ],
    text: "Where is my order?",
    attachments: [
      { contentType: "image/png", content: png, contentId: "<logo@x>", inline: true },
      { filename: "a.txt", contentType: "text/plain", content: new Uint8Array([104, 105]) },
      { contentType: "image/gif", content: png, contentId: "spacer@x" },
    ],
  });

  it("parses From into fromAddress and keeps the header text in from", () => {
    expect(message.from).toBe('"Ana B." <ana@bücher.example>');
    expect(message.fromAddress?.displayName).toBe("Ana B.");
    expect(message.fromAddress?.addrSpec).toBe("ana@xn--bcher-kva.example");
  });

  it("reads recipients, reply-to, subject and date from the headers when the ESP gives none", () => {
    expect(message.to).toEqual(["support@shop.example", "Sales <sales@shop.example>"]);
    expect(message.cc).toEqual(["cc@shop.example"]);
    expect(message.replyTo).toEqual(["replies@shop.example"]);
    expect(message.bcc).toEqual([]);
    expect(message.subject).toBe("Order 4411");
    expect(message.date?.toISOString()).toBe("2026-12-01T03:00:00.000Z");
  });

  it("looks headers up case-insensitively, repeats in order", () => {
    expect(message.getHeader("SUBJECT")).toBe("Order 4411");
    expect(message.getAll("Received")).toEqual(["from a", "from b"]);
    expect(message.getHeader("X-Missing")).toBeUndefined();
    expect(message.getAll("X-Missing")).toEqual([]);
  });

  it("lists inline parts and maps Content-IDs without angle brackets", () => {
    expect(message.attachments).toHaveLength(3);
    expect(message.inlines.map((a) => a.contentId)).toEqual(["logo@x", "spacer@x"]);
    expect(message.contentIdMap["logo@x"]?.content).toBe(png);
    expect(Object.keys(message.contentIdMap)).toEqual(["logo@x", "spacer@x"]);
  });

  it("stays plain data: JSON and structuredClone see only the fields", () => {
    const json = JSON.parse(JSON.stringify(message));
    expect(Object.keys(json)).not.toContain("getHeader");
    expect(Object.keys(json)).not.toContain("inlines");
    expect(() => structuredClone(message)).not.toThrow();
  });

  it("lets the ESP's fields win over headers, keeps Bcc it reports, keeps unparsable text", () => {
    const built = createInboundMessage({
      from: "envelope@example.org",
      to: ["Exact <exact@example.org>"],
      bcc: ["hidden@example.org"],
      headers: [
        { name: "To", value: "other@example.org" },
        { name: "Cc", value: "undisclosed-recipients:;, not an address" },
      ],
    });
    expect(built.to).toEqual(["Exact <exact@example.org>"]);
    expect(built.bcc).toEqual(["hidden@example.org"]);
    expect(built.cc).toEqual(["undisclosed-recipients:;, not an address"]);
    expect(built.subject).toBe("");
  });

  it("has no fromAddress for a missing or unparsable From", () => {
    expect(createInboundMessage({}).fromAddress).toBeUndefined();
    expect(createInboundMessage({ from: "<<<" }).fromAddress).toBeUndefined();
  });
});

describe("decodeInboundText", () => {
  it("decodes with the content type's charset, UTF-8 by default", () => {
    expect(decodeInboundText(new Uint8Array([0xe9]), 'text/plain; charset="iso-8859-1"')).toBe("é");
    expect(decodeInboundText(new Uint8Array([0xd0, 0xb6]), "text/plain")).toBe("ж");
    expect(decodeInboundText(new Uint8Array([0xc6]), "text/plain; charset=koi8-r")).toBe("ф");
  });

  it("refuses an unknown charset with a typed error", () => {
    expect(() => decodeInboundText(new Uint8Array([1]), "text/plain; charset=x-klingon")).toThrow(
      AnymailInvalidWebhookPayload,
    );
  });
});

it("has the inbound_failed event type", () => {
  const type: EventType = "inbound_failed";
  expect(type).toBe("inbound_failed");
});
