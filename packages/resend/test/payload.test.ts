import { describe, expect, it } from "vitest";
import {
  planResendRequest,
  toResendBatchPayloads,
  toResendPayload,
} from "../src/message-converter.js";
import { BASE, prepared, recipients } from "./support/messages.js";
import { resend } from "../src/index.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("single send payload", () => {
  it("maps every field in anymail's shape", () => {
    const payload = toResendPayload(
      prepared({
        from: '"Shop, Inc." <shop@example.com>',
        to: ["Ana <ana@example.org>", "bob@example.org"],
        cc: "Carl <carl@example.org>",
        bcc: ["dee@example.org"],
        replyTo: "help@example.com",
        subject: "Your order",
        text: "Thanks!",
        html: "<p>Thanks!</p>",
        headers: { "X-Custom": "custom value", "X-Count": 3 },
        metadata: { user_id: "12345", n: 1 },
        tags: ["receipt", "reorder test 12"],
        sendAt: "2026-12-01T09:00:00+01:00",
      }),
    );
    expect(payload).toEqual({
      from: '"Shop, Inc." <shop@example.com>',
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: ["Carl <carl@example.org>"],
      bcc: ["dee@example.org"],
      reply_to: ["help@example.com"],
      subject: "Your order",
      text: "Thanks!",
      html: "<p>Thanks!</p>",
      headers: {
        "X-Custom": "custom value",
        "X-Count": "3",
        "X-Metadata": '{"user_id":"12345","n":1}',
        "X-Tags": '["receipt","reorder test 12"]',
      },
      scheduled_at: "2026-12-01T09:00:00+01:00",
    });
    // Header order: the caller's, then X-Metadata, then X-Tags.
    expect(Object.keys(payload.headers ?? {})).toEqual([
      "X-Custom",
      "X-Count",
      "X-Metadata",
      "X-Tags",
    ]);
  });

  it("omits empty address lists, unset bodies and headers", () => {
    const payload = toResendPayload(prepared({ text: undefined, html: "<b>x</b>" }));
    expect(payload).toEqual({
      from: "Shop <shop@example.com>",
      to: ["ana@example.org"],
      subject: "Hello",
      html: "<b>x</b>",
    });
  });

  it("sends empty metadata and tags as set values", () => {
    const payload = toResendPayload(prepared({ metadata: {}, tags: [] }));
    expect(payload.headers).toEqual({ "X-Metadata": "{}", "X-Tags": "[]" });
  });

  it("overwrites a user X-Metadata header spelled exactly, keeps other spellings", () => {
    const payload = toResendPayload(
      prepared({
        headers: { "X-Metadata": "mine", "x-tags": "mine" },
        metadata: { a: 1 },
        tags: ["t"],
      }),
    );
    expect(payload.headers).toEqual({
      "X-Metadata": '{"a":1}',
      "x-tags": "mine",
      "X-Tags": '["t"]',
    });
  });

  it("converts a Date sendAt to ISO 8601 and passes strings through", () => {
    const date = new Date("2026-12-01T08:00:00.000Z");
    expect(toResendPayload(prepared({ sendAt: date })).scheduled_at).toMatch(/^2026-12-01T/);
    expect(toResendPayload(prepared({ sendAt: "in 1 hour" })).scheduled_at).toBe("in 1 hour");
  });

  it("keeps non-ASCII display names raw and IDNA-encodes domains", () => {
    const payload = toResendPayload(prepared({ to: "Jörg <jorg@bücher.example>" }));
    expect(payload.to).toEqual(["Jörg <jorg@xn--bcher-kva.example>"]);
  });
});

describe("attachments", () => {
  it("sends base64 content, filename, content_type and content_id", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const payload = toResendPayload(
      prepared({
        html: '<img src="cid:logo-1">',
        attachments: [
          { filename: "notes.txt", content: "héllo" },
          { filename: "report.pdf", content: new Uint8Array([37, 80, 68, 70]) },
          { content: png, contentType: "image/png", contentId: "logo-1" },
          { filename: "data.csv", content: "a,b\n1,2", contentType: "text/csv" },
        ],
      }),
    );
    expect(payload.attachments).toEqual([
      {
        content: b64("héllo"),
        filename: "notes.txt",
        content_type: 'text/plain; charset="utf-8"',
      },
      { content: "JVBERg==", filename: "report.pdf", content_type: "application/pdf" },
      {
        content: Buffer.from(png).toString("base64"),
        filename: "attachment.png",
        content_type: "image/png",
        content_id: "logo-1",
      },
      { content: b64("a,b\n1,2"), filename: "data.csv", content_type: 'text/csv; charset="utf-8"' },
    ]);
  });

  it("names unnamed attachments attachment.<ext> from their type", () => {
    const payload = toResendPayload(
      prepared({
        attachments: [
          { content: "x", contentType: "text/plain" },
          { content: new Uint8Array([1]) },
          { content: new Uint8Array([1]), contentType: "message/rfc822" },
          { content: new Uint8Array([1]), contentType: "image/jpeg" },
        ],
      }),
    );
    expect(payload.attachments?.map((a) => a.filename)).toEqual([
      "attachment.txt",
      "attachment.bin",
      "attachment.eml",
      "attachment.jpg",
    ]);
  });

  it("encodes a Uint8Array view without its neighbours", () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const payload = toResendPayload(
      prepared({ attachments: [{ filename: "a.bin", content: backing.subarray(2, 5) }] }),
    );
    expect(payload.attachments?.[0]?.content).toBe(Buffer.from([1, 2, 3]).toString("base64"));
  });
});

describe("espExtra", () => {
  it("is deep-merged last: nested objects merge, other values replace", () => {
    const payload = toResendPayload(
      prepared({
        headers: { "X-A": "1" },
        tags: ["t"],
        espExtra: {
          headers: { "X-B": "2", "X-A": "override" },
          tags: [{ name: "category", value: "welcome" }],
          topic_id: "topic-1",
          subject: "Replaced",
        },
      }),
    );
    expect(payload.headers).toEqual({ "X-A": "override", "X-Tags": '["t"]', "X-B": "2" });
    expect(payload.tags).toEqual([{ name: "category", value: "welcome" }]);
    expect(payload.topic_id).toBe("topic-1");
    expect(payload.subject).toBe("Replaced");
  });

  it("ignores prototype keys at every level", () => {
    const espExtra = JSON.parse(
      '{"__proto__": {"polluted": true}, "headers": {"__proto__": {"x": 1}, "constructor": "c", "X-Ok": "1"}, "prototype": 1}',
    );
    // Core already refuses these; the converter must hold even when handed one directly.
    const message = { ...prepared({}), espExtra };
    const payload = toResendPayload(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(payload.headers).toEqual({ "X-Ok": "1" });
    expect(Object.hasOwn(payload, "prototype")).toBe(false);
    expect(JSON.parse(planResendRequest(message).body)).not.toHaveProperty("__proto__.polluted");
  });

  it("reports values with no JSON form as serialization errors", () => {
    expect(() => planResendRequest(prepared({ espExtra: { big: 10n } }))).toThrow(
      expect.objectContaining({ code: "serialization_error", field: "espExtra" }),
    );
  });
});

describe("batch payloads", () => {
  it("makes one element per to with per-recipient metadata and case-insensitive headers", () => {
    const elements = toResendBatchPayloads(
      prepared({
        to: ["Ana <ana@example.org>", "bob@example.org", "cy@example.org"],
        cc: "audit@example.com",
        bcc: "log@example.com",
        headers: { "X-Campaign": "spring", "List-Unsubscribe": "<mailto:u@example.com>" },
        metadata: { campaign: "spring", tier: "free" },
        mergeMetadata: { "ana@example.org": { tier: "gold", id: 1 }, "BOB@example.org": { id: 2 } },
        mergeHeaders: { "ana@example.org": { "x-campaign": "vip", "X-Extra": "e" } },
      }),
    );
    expect(elements).toEqual([
      {
        from: "Shop <shop@example.com>",
        to: ["Ana <ana@example.org>"],
        cc: ["audit@example.com"],
        bcc: ["log@example.com"],
        subject: "Hello",
        text: "Hi there",
        headers: {
          "X-Campaign": "vip",
          "List-Unsubscribe": "<mailto:u@example.com>",
          "X-Metadata": '{"campaign":"spring","tier":"gold","id":1}',
          "X-Extra": "e",
        },
      },
      {
        from: "Shop <shop@example.com>",
        to: ["bob@example.org"],
        cc: ["audit@example.com"],
        bcc: ["log@example.com"],
        subject: "Hello",
        text: "Hi there",
        headers: {
          "X-Campaign": "spring",
          "List-Unsubscribe": "<mailto:u@example.com>",
          "X-Metadata": '{"campaign":"spring","tier":"free","id":2}',
        },
      },
      {
        from: "Shop <shop@example.com>",
        to: ["cy@example.org"],
        cc: ["audit@example.com"],
        bcc: ["log@example.com"],
        subject: "Hello",
        text: "Hi there",
        headers: {
          "X-Campaign": "spring",
          "List-Unsubscribe": "<mailto:u@example.com>",
          "X-Metadata": '{"campaign":"spring","tier":"free"}',
        },
      },
    ]);
  });

  it("uses a recipient's merge headers as is when the message has none", () => {
    const [element] = toResendBatchPayloads(
      prepared({ mergeHeaders: { "ana@example.org": { "X-Only": "1" } } }),
    );
    expect(element?.headers).toEqual({ "X-Only": "1" });
  });

  it("triggers on all-empty mergeData and applies espExtra to every element", () => {
    const plan = planResendRequest(
      prepared({
        to: ["a@example.org", "b@example.org"],
        mergeData: { "a@example.org": {} },
        espExtra: { topic_id: "t1" },
      }),
    );
    expect(plan.batch).toBe(true);
    const body = JSON.parse(plan.body) as { to: string[]; topic_id: string }[];
    expect(body.map((e) => [e.to, e.topic_id])).toEqual([
      [["a@example.org"], "t1"],
      [["b@example.org"], "t1"],
    ]);
  });

  it("declares a split of more than 100 batch recipients into calls of at most 100", () => {
    const message = prepared({ to: recipients(250), mergeMetadata: {} });
    const parts = resend({ apiKey: "re_test" }).split!(message);
    expect(parts.map((part) => part.to.length)).toEqual([100, 100, 50]);
    const third = planResendRequest(parts[2]!);
    expect(third.batch).toBe(true);
    expect((JSON.parse(third.body) as { to: string[] }[])[0]?.to).toEqual(["r200@example.org"]);
    expect(third.to[49]?.addrSpec).toBe("r249@example.org");
  });

  it("plans a single send as one call to /emails", () => {
    const plan = planResendRequest(prepared({}));
    expect(plan).toMatchObject({ batch: false });
    expect(JSON.parse(plan.body)).toEqual(toResendPayload(prepared({})));
  });
});

describe("Resend hosted templates", () => {
  // templateId + mergeGlobalData → template { id, variables } (issue 18 item 5)
  it("maps templateId and mergeGlobalData to template on a single send", () => {
    const payload = toResendPayload(
      prepared({
        ...BASE,
        text: undefined,
        templateId: "order-confirmation",
        mergeGlobalData: { PRODUCT: "Lamp", PRICE: 49 },
      }),
    );
    expect(payload.template).toEqual({
      id: "order-confirmation",
      variables: { PRODUCT: "Lamp", PRICE: 49 },
    });
    expect(payload).not.toHaveProperty("text");
  });

  it("sends a template without variables as a bare id", () => {
    expect(
      toResendPayload(prepared({ ...BASE, text: undefined, templateId: "welcome" })).template,
    ).toEqual({
      id: "welcome",
    });
  });

  it("merges each recipient's mergeData over the global variables in a batch", () => {
    const elements = toResendBatchPayloads(
      prepared({
        ...BASE,
        text: undefined,
        to: ["ana@example.org", "Bo <BO@example.org>", "cy@example.org"],
        templateId: "receipt",
        mergeGlobalData: { SHOP: "Lamps", TOTAL: 0 },
        mergeData: { "ana@example.org": { TOTAL: 10 }, "bo@example.org": { TOTAL: 20 } },
      }),
    );
    expect(elements.map((e) => e.template)).toEqual([
      { id: "receipt", variables: { SHOP: "Lamps", TOTAL: 10 } },
      { id: "receipt", variables: { SHOP: "Lamps", TOTAL: 20 } },
      { id: "receipt", variables: { SHOP: "Lamps", TOTAL: 0 } },
    ]);
    expect(elements.map((e) => e.to)).toEqual([
      ["ana@example.org"],
      ["Bo <BO@example.org>"],
      ["cy@example.org"],
    ]);
  });

  it("lets espExtra.template override the mapped one (merged last)", () => {
    const payload = toResendPayload(
      prepared({ ...BASE, text: undefined, templateId: "a", espExtra: { template: { id: "b" } } }),
    );
    expect(payload.template?.id).toBe("b");
  });
});
