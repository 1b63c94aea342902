import { describe, expect, it } from "vitest";
import {
  AnymailSerializationError,
  inlineImage,
  normalizeAttachment,
  prepareMessage,
} from "../src/index.js";

describe("normalizeAttachment", () => {
  it("encodes string content as UTF-8 and adds a charset to text types", () => {
    const a = normalizeAttachment({ filename: "report.csv", content: "é" });
    expect([...a.content]).toEqual([0xc3, 0xa9]);
    expect(a.mimeType).toBe("text/csv");
    expect(a.contentType).toBe('text/csv; charset="utf-8"');
    expect(a.inline).toBe(false);
    expect(a.filename).toBe("report.csv");
  });

  it("keeps a caller's charset", () => {
    const a = normalizeAttachment({ content: "x", contentType: "text/plain; charset=iso-8859-1" });
    expect(a.contentType).toBe("text/plain; charset=iso-8859-1");
    expect(a.mimeType).toBe("text/plain");
  });

  it("guesses binary types from the filename, else octet-stream", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(normalizeAttachment({ filename: "a.png", content: bytes }).contentType).toBe(
      "image/png",
    );
    expect(normalizeAttachment({ filename: "a.png", content: bytes }).content).toBe(bytes);
    expect(normalizeAttachment({ filename: "noext", content: bytes }).contentType).toBe(
      "application/octet-stream",
    );
    expect(normalizeAttachment({ content: bytes }).contentType).toBe("application/octet-stream");
  });

  it("a contentId makes it inline and loses its angle brackets", () => {
    const a = normalizeAttachment({ filename: "logo.png", content: "x", contentId: "<logo@x>" });
    expect(a.contentId).toBe("logo@x");
    expect(a.inline).toBe(true);
  });

  it.each([
    [{ content: 42 }, /content` must be a Uint8Array or a string/],
    [{ content: "x", filename: "a\r\n.txt" }, /CR or LF/],
    [{ content: "x", contentType: "text/plain\nX-Evil: 1" }, /CR or LF/],
    [{ content: "x", inline: "yes" }, /must be a boolean/],
  ])("rejects %j", (attachment, pattern) => {
    expect(() => normalizeAttachment(attachment as never)).toThrow(AnymailSerializationError);
    expect(() => normalizeAttachment(attachment as never)).toThrow(pattern);
  });

  it("names the attachment's index in prepareMessage errors", () => {
    expect(() =>
      prepareMessage({
        from: "a@example.com",
        to: "b@example.org",
        attachments: [{ content: "ok" }, { content: null as never }],
      }),
    ).toThrow(/attachments\[1\]\.content/);
  });
});

describe("inlineImage", () => {
  it("returns an inline attachment and a unique cid", () => {
    const first = inlineImage(new Uint8Array([137, 80]), { filename: "logo.png" });
    const second = inlineImage(new Uint8Array([137, 80]), { filename: "logo.png" });
    expect(first.cid).toMatch(/^img-[0-9a-f-]+@inline$/);
    expect(first.cid).not.toBe(second.cid);
    expect(first.attachment).toMatchObject({
      filename: "logo.png",
      contentId: first.cid,
      inline: true,
    });
    expect(normalizeAttachment(first.attachment).contentType).toBe("image/png");
  });

  it("uses a given contentId", () => {
    expect(inlineImage("x", { contentId: "<mine@example>" }).cid).toBe("mine@example");
  });
});
