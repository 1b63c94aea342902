import { describe, expect, it } from "vitest";
import {
  AnymailInvalidAddress,
  AnymailSerializationError,
  type EmailMessage,
  prepareMessage,
} from "../src/index.js";

const base: EmailMessage = {
  from: "Shop <shop@example.com>",
  to: "ana@example.org",
  subject: "Hi",
};

function serializationError(message: EmailMessage): AnymailSerializationError {
  try {
    prepareMessage(message);
  } catch (error) {
    expect(error).toBeInstanceOf(AnymailSerializationError);
    return error as AnymailSerializationError;
  }
  throw new Error("expected a serialization error");
}

describe("prepareMessage", () => {
  it("normalizes a full message", () => {
    const prepared = prepareMessage({
      ...base,
      cc: ["Bob <bob@example.org>"],
      bcc: "c@example.net, d@example.net",
      replyTo: "help@example.com",
      text: "t",
      html: "<p>h</p>",
      headers: { "X-Count": 3, "X-Text": "v" },
      tags: ["a"],
      metadata: { orderId: 1, nothing: null },
      trackClicks: false,
      templateId: "tpl",
      envelopeSender: "bounce@příklad.cz",
      espExtra: { nested: { a: [1, 2] } },
    });
    expect(prepared.from.address).toBe("Shop <shop@example.com>");
    expect(prepared.cc.map((a) => a.addrSpec)).toEqual(["bob@example.org"]);
    expect(prepared.bcc).toHaveLength(2);
    expect(prepared.headers).toEqual({ "X-Count": "3", "X-Text": "v" });
    expect(prepared.trackClicks).toBe(false);
    expect(prepared.envelopeSender?.addrSpec).toBe("bounce@xn--pklad-zsa96e.cz");
    expect(prepared.isBatch).toBe(false);
    expect(prepared.attachments).toEqual([]);
    expect("sendAt" in prepared).toBe(false);
  });

  it("requires a from address", () => {
    expect(() => prepareMessage({ to: "a@example.org" })).toThrow(AnymailInvalidAddress);
    expect(() => prepareMessage({ to: "a@example.org" })).toThrow(/Missing `from`/);
  });

  it("requires exactly one from address", () => {
    expect(() => prepareMessage({ ...base, from: "a@example.com, b@example.com" })).toThrow(
      /exactly one/,
    );
  });

  it("requires at least one recipient", () => {
    expect(() => prepareMessage({ from: "a@example.com", to: [] })).toThrow(/No recipients/);
    expect(prepareMessage({ from: "a@example.com", bcc: "b@example.org" }).bcc).toHaveLength(1);
  });

  it("rejects CR/LF in the subject", () => {
    const error = serializationError({ ...base, subject: "Hi\r\nBcc: victim@example.org" });
    expect(error.field).toBe("subject");
    expect(error.code).toBe("serialization_error");
  });

  it.each([
    [{ "X-Evil": "a\r\nBcc: victim@example.org" }, /must not contain CR or LF/],
    [{ "X-Evil\r\nBcc": "a" }, /Invalid header name/],
    [{ "Bad Name": "a" }, /Invalid header name/],
    [{ "Bad:Name": "a" }, /Invalid header name/],
    [{ "": "a" }, /Invalid header name/],
    [{ "X-Obj": { a: 1 } }, /must be a string or a number, got an object/],
    [{ "X-Bool": true }, /got a boolean/],
    [{ "X-NaN": Number.NaN }, /got a number/],
  ])("rejects bad headers %j", (headers, pattern) => {
    const error = serializationError({ ...base, headers: headers as EmailMessage["headers"] });
    expect(error.field).toBe("headers");
    expect(error.message).toMatch(pattern);
  });

  it("rejects CR/LF in an address field", () => {
    expect(() =>
      prepareMessage({ ...base, to: "a@example.org\r\nBcc: victim@example.org" }),
    ).toThrow(AnymailInvalidAddress);
  });

  describe("sendAt", () => {
    it("formats a Date with +00:00 and no milliseconds when zero", () => {
      expect(prepareMessage({ ...base, sendAt: new Date("2025-03-04T05:06:07Z") }).sendAt).toBe(
        "2025-03-04T05:06:07+00:00",
      );
    });
    it("keeps non-zero milliseconds", () => {
      expect(prepareMessage({ ...base, sendAt: new Date("2025-03-04T05:06:07.089Z") }).sendAt).toBe(
        "2025-03-04T05:06:07.089+00:00",
      );
    });
    it("passes a string through", () => {
      expect(prepareMessage({ ...base, sendAt: "in 1 hour" }).sendAt).toBe("in 1 hour");
    });
    it("rejects an invalid Date", () => {
      expect(serializationError({ ...base, sendAt: new Date("nope") }).field).toBe("sendAt");
    });
  });

  it.each([
    ["BigInt", { n: 10n }],
    ["function", { f: () => 1 }],
    ["Infinity", { n: Number.POSITIVE_INFINITY }],
    ["class instance", { m: new Map() }],
  ])("rejects metadata that isn't JSON: %s", (_label, metadata) => {
    const error = serializationError({ ...base, metadata: metadata as never });
    expect(error.field).toBe("metadata");
  });

  it("rejects cycles in espExtra and mergeMetadata", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(serializationError({ ...base, espExtra: { cycle } }).message).toMatch(/circular/);
    expect(
      serializationError({ ...base, mergeMetadata: { "ana@example.org": { cycle } } }).field,
    ).toBe("mergeMetadata");
  });

  it("isBatch follows mergeData, mergeMetadata and mergeHeaders, empty included", () => {
    expect(prepareMessage({ ...base, mergeData: {} }).isBatch).toBe(true);
    expect(prepareMessage({ ...base, mergeMetadata: {} }).isBatch).toBe(true);
    expect(prepareMessage({ ...base, mergeHeaders: {} }).isBatch).toBe(true);
    expect(prepareMessage({ ...base, mergeGlobalData: {} }).isBatch).toBe(false);
  });

  it("validates merge keys as addresses and normalizes them to addr-specs", () => {
    const prepared = prepareMessage({
      ...base,
      mergeMetadata: { "Ana <ana@příklad.cz>": { id: 1 } },
      mergeHeaders: { "ana@example.org": { "X-Id": "1" } },
    });
    expect(Object.keys(prepared.mergeMetadata ?? {})).toEqual(["ana@xn--pklad-zsa96e.cz"]);
    expect(() => prepareMessage({ ...base, mergeData: { "not an address": {} } })).toThrow(
      AnymailInvalidAddress,
    );
    expect(() =>
      prepareMessage({ ...base, mergeHeaders: { "ana@example.org": { "X-Bad": "a\nb" } } }),
    ).toThrow(AnymailSerializationError);
  });

  it("reads merge keys that are recipients' addr-specs exactly as parsing them would", () => {
    const to = [
      '"quoted local"@example.org',
      "Zoë <jösé@example.org>",
      "Ana <ana@příklad.cz>",
      '"Dr. Who" <who+tag@Sub-Domain.Example.COM>',
    ];
    const recipients = prepareMessage({ ...base, to }).to;
    for (const recipient of recipients) {
      // The shortcut relies on this: an addr-spec parses back to itself.
      expect(prepareMessage({ ...base, to: recipient.addrSpec }).to[0]?.addrSpec).toBe(
        recipient.addrSpec,
      );
    }
    const mergeMetadata = Object.fromEntries(recipients.map((r, i) => [r.addrSpec, { i }]));
    const prepared = prepareMessage({
      ...base,
      to,
      cc: "cc@example.net",
      mergeMetadata: { ...mergeMetadata, "Someone Else <other@example.net>": { i: 9 } },
      mergeData: { "cc@example.net": { x: 1 } },
    });
    expect(prepared.mergeMetadata).toEqual({
      '"quoted local"@example.org': { i: 0 },
      "jösé@example.org": { i: 1 },
      "ana@xn--pklad-zsa96e.cz": { i: 2 },
      "who+tag@Sub-Domain.Example.COM": { i: 3 },
      "other@example.net": { i: 9 },
    });
    expect(Object.keys(prepared.mergeData ?? {})).toEqual(["cc@example.net"]);
  });

  it("still finds two merge keys for one recipient when one of them is its addr-spec", () => {
    const error = serializationError({
      ...base,
      mergeMetadata: { "ana@example.org": { a: 1 }, "Ana <ana@example.org>": { a: 2 } },
    });
    expect(error.message).toContain("two entries for ana@example.org");
  });

  it("type-checks scalars", () => {
    expect(serializationError({ ...base, trackOpens: "yes" as never }).field).toBe("trackOpens");
    expect(serializationError({ ...base, text: 42 as never }).field).toBe("text");
    expect(serializationError({ ...base, tags: ["ok", 1] as never }).field).toBe("tags");
    expect(serializationError({ ...base, tags: "a" as never }).field).toBe("tags");
  });
});

describe("prototype pollution", () => {
  const polluted = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
  const constructorKey = JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as Record<
    string,
    unknown
  >;

  it.each([
    ["metadata", { metadata: polluted }],
    ["headers", { headers: polluted }],
    ["espExtra", { espExtra: constructorKey }],
    ["espExtra nested", { espExtra: { deep: polluted } }],
    ["mergeGlobalData", { mergeGlobalData: polluted }],
    ["mergeData", { mergeData: polluted }],
    ["mergeMetadata inner", { mergeMetadata: { "ana@example.org": polluted } }],
  ])("%s with a prototype key is rejected and pollutes nothing", (_label, extra) => {
    expect(() => prepareMessage({ ...base, ...(extra as EmailMessage) })).toThrow(
      AnymailSerializationError,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("invalid UTF-16 is refused, never sent as U+FFFD", () => {
  it.each([
    ["subject", { subject: "a\uD800" }],
    ["text", { text: "x\uDC00y" }],
    ["html", { html: "<p>\uDBFF</p>" }],
    ["headers", { headers: { "X-Note": "x\uD83D" } }],
    ["tags", { tags: ["ok", "bad\uD800"] }],
    ["attachments", { attachments: [{ filename: "a.txt", content: "\uD800" }] }],
  ] as const)("in %s", (field, extra) => {
    const error = serializationError({ ...base, ...extra } as EmailMessage);
    expect(error.field).toBe(field);
    expect(error.message).toContain("lone surrogate");
  });

  it("keeps well-formed astral characters", () => {
    expect(prepareMessage({ ...base, subject: "party 🎉" }).subject).toBe("party 🎉");
  });
});

describe("address headers (anymail a.4)", () => {
  it("a Reply-To header replaces replyTo and leaves the custom headers", () => {
    const prepared = prepareMessage({
      ...base,
      replyTo: "old@example.org",
      headers: { "reply-to": "Help <help@example.org>, b@example.org", "X-Keep": "1" },
    });
    expect(prepared.replyTo.map((a) => a.address)).toEqual([
      "Help <help@example.org>",
      "b@example.org",
    ]);
    expect(prepared.headers).toEqual({ "X-Keep": "1" });
  });

  it("a From header becomes the sender and `from` the envelope sender", () => {
    const prepared = prepareMessage({ ...base, headers: { From: "Team <team@example.com>" } });
    expect(prepared.from.address).toBe("Team <team@example.com>");
    expect(prepared.envelopeSender?.addrSpec).toBe("shop@example.com");
    expect(prepared.headers).toBeUndefined();
  });

  it("a bad address in a Reply-To header names the header", () => {
    expect(() => prepareMessage({ ...base, headers: { "Reply-To": "nobody@" } })).toThrow(
      expect.objectContaining({ code: "invalid_address", field: "headers.Reply-To" }),
    );
  });

  it("refuses two spellings of one header", () => {
    const error = serializationError({ ...base, headers: { "X-Tag": "a", "x-tag": "b" } });
    expect(error.field).toBe("headers");
    expect(error.message).toContain('"X-Tag" and "x-tag"');
  });
});
