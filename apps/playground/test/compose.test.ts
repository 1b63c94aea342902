import { AnymailSerializationError, type Attachment } from "@anymail/core";
import { describe, expect, it } from "vitest";
import { composeMessage, type InlineImageFactory } from "../src/internal/compose.js";

const fakeCid: InlineImageFactory = (content, options) => {
  const attachment: Attachment = {
    content,
    contentId: "cid-1",
    inline: true,
    ...(options.filename ? { filename: options.filename } : {}),
  };
  return { attachment, cid: "cid-1" };
};

describe("composeMessage", () => {
  it("leaves empty fields unset and keeps set ones", () => {
    const { message } = composeMessage(
      {
        from: "A <a@example.com>",
        to: "b@example.com, c@example.com",
        cc: "",
        subject: "Hi",
        text: "",
        tags: "one, two ,",
        metadata: '{"orderId": 4411}',
        headers: [
          { name: "X-Thing", value: "1" },
          { name: " ", value: "ignored" },
        ],
        trackClicks: false,
        espExtra: '{"topic_id": "t"}',
        sendAt: "2030-01-01T10:00:00.000Z",
      },
      fakeCid,
    );
    expect(message).toEqual({
      from: "A <a@example.com>",
      to: "b@example.com, c@example.com",
      subject: "Hi",
      tags: ["one", "two"],
      metadata: { orderId: 4411 },
      headers: { "X-Thing": "1" },
      espExtra: { topic_id: "t" },
      sendAt: "2030-01-01T10:00:00.000Z",
    });
  });

  it("turns batch rows into to recipients with mergeMetadata keyed by addr-spec", () => {
    const { message } = composeMessage(
      {
        batch: [
          { to: "Ana <ana@example.org>", mergeMetadata: '{"n": 1}' },
          { to: "bob@example.org", mergeMetadata: "" },
          { to: "  ", mergeMetadata: '{"ignored": true}' },
        ],
      },
      fakeCid,
    );
    expect(message.to).toEqual(["Ana <ana@example.org>", "bob@example.org"]);
    expect(message.mergeMetadata).toEqual({ "ana@example.org": { n: 1 }, "bob@example.org": {} });
  });

  it("carries mergeData, mergeHeaders and mergeGlobalData (a template batch)", () => {
    const { message } = composeMessage(
      {
        templateId: "receipt",
        mergeGlobalData: '{"SHOP": "Lamps"}',
        batch: [
          {
            to: "Ana <ana@example.org>",
            mergeData: '{"NAME": "Ana"}',
            mergeHeaders: '{"X-Ref": "1"}',
          },
          { to: "bob@example.org", mergeData: '{"NAME": "Bob"}' },
        ],
      },
      fakeCid,
    );
    expect(message).toMatchObject({
      templateId: "receipt",
      mergeGlobalData: { SHOP: "Lamps" },
      mergeData: { "ana@example.org": { NAME: "Ana" }, "bob@example.org": { NAME: "Bob" } },
      mergeHeaders: { "ana@example.org": { "X-Ref": "1" } },
      mergeMetadata: { "ana@example.org": {}, "bob@example.org": {} },
    });
  });

  it("names the row of a malformed mergeData", () => {
    expect(() =>
      composeMessage({ batch: [{ to: "a@example.org", mergeData: "{" }] }, fakeCid),
    ).toThrow(/mergeData \(a@example.org\)/);
  });

  it("decodes files and places inline images in the html", () => {
    const { message, inlineImageCids } = composeMessage(
      {
        html: '<p><img src="cid:logo.png"></p>',
        attachments: [{ filename: "a.txt", contentType: "text/plain", contentBase64: "aGk=" }],
        inlineImages: [{ filename: "logo.png", contentBase64: "AAEC" }],
      },
      fakeCid,
    );
    expect(message.html).toBe('<p><img src="cid:cid-1"></p>');
    expect(inlineImageCids).toEqual([{ filename: "logo.png", cid: "cid-1" }]);
    expect(message.attachments?.[0]).toEqual({
      filename: "a.txt",
      contentType: "text/plain",
      content: new Uint8Array([104, 105]),
    });
    expect(message.attachments?.[1]?.content).toEqual(new Uint8Array([0, 1, 2]));
  });

  it("appends an inline image the html doesn't mention", () => {
    const { message } = composeMessage(
      { inlineImages: [{ filename: "x.png", contentBase64: "AA==" }] },
      fakeCid,
    );
    expect(message.html).toBe('<img src="cid:cid-1" alt="x.png">');
  });

  it.each([
    ["metadata", { metadata: "{nope" }, "metadata"],
    ["metadata as an array", { metadata: "[1]" }, "metadata"],
    ["espExtra as a string", { espExtra: '"x"' }, "espExtra"],
    [
      "merge metadata",
      { batch: [{ to: "a@example.org", mergeMetadata: "{" }] },
      "mergeMetadata (a@example.org)",
    ],
    ["attachment content", { attachments: [{ contentBase64: "not base64!" }] }, "attachments"],
  ])("rejects bad %s with a typed error naming the field", (_label, form, field) => {
    let caught: unknown;
    try {
      composeMessage(form, fakeCid);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AnymailSerializationError);
    expect((caught as AnymailSerializationError).field).toBe(field);
  });
});
