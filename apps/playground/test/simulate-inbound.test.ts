import { AnymailSerializationError } from "@anymail/core";
import { describe, expect, it } from "vitest";
import { toEmulatorInbound } from "../src/internal/simulate-inbound.js";

describe("toEmulatorInbound", () => {
  it("splits address lists and decodes attachments", () => {
    expect(
      toEmulatorInbound({
        from: "Ana <ana@example.org>",
        to: "a@example.com, b@example.com",
        subject: "Hi",
        text: "Body",
        attachments: [{ filename: "", contentBase64: "aGk=" }],
      }),
    ).toEqual({
      from: "Ana <ana@example.org>",
      to: ["a@example.com", "b@example.com"],
      subject: "Hi",
      text: "Body",
      attachments: [{ filename: "attachment-1", content: new Uint8Array([104, 105]) }],
    });
  });

  it("normalizes pasted raw MIME to CRLF line ends", () => {
    expect(toEmulatorInbound({ raw: "Subject: x\n\nbody\n" })).toEqual({
      raw: "Subject: x\r\n\r\nbody\r\n",
    });
  });

  it.each([
    [{ raw: "  " }, "raw"],
    [{ from: "", to: "a@example.com" }, "from"],
    [{ from: "a@example.org", to: " , " }, "to"],
  ])("rejects %j with a typed error", (request, field) => {
    expect(() => toEmulatorInbound(request)).toThrow(AnymailSerializationError);
    try {
      toEmulatorInbound(request);
    } catch (error) {
      expect((error as AnymailSerializationError).field).toBe(field);
    }
  });
});
