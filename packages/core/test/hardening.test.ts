import { describe, expect, it } from "vitest";
import {
  ADDRESS_LIMITS,
  AnymailInvalidAddress,
  AnymailSerializationError,
  AnymailUnsupportedFeature,
  createMailer,
  type EmailMessage,
  type FeatureQuirk,
  parseAddress,
  parseAddressList,
  prepareMessage,
} from "../src/index.js";
import { combineDefaults } from "../src/internal-unstable.js";
import { createTestProvider } from "../src/testing.js";

const base: EmailMessage = {
  from: "Shop <shop@example.com>",
  to: "ana@example.org",
  subject: "Hi",
};

/** The same rule Resend declares: a `To` header would show other recipients than the real ones. */
const spoofedTo: FeatureQuirk = {
  feature: "spoofing `To` header",
  when: (message) => Object.keys(message.headers ?? {}).some((n) => n.toLowerCase() === "to"),
};

function strictMailer() {
  const provider = createTestProvider({
    name: "Strict",
    features: { unsupported: ["envelopeSender"], quirks: [spoofedTo] },
  });
  return { provider, mailer: createMailer({ provider, retry: false }) };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}

describe("one header policy for headers, mergeHeaders and espExtra (issue 17, defect 3)", () => {
  it("refuses a spoofed To in mergeHeaders exactly as in headers, before any send", async () => {
    const { provider, mailer } = strictMailer();
    const viaHeaders = await rejection(
      mailer.send({ ...base, headers: { To: "ceo@example.com" } }),
    );
    expect(viaHeaders).toBeInstanceOf(AnymailUnsupportedFeature);
    const viaMerge = await rejection(
      mailer.send({ ...base, mergeHeaders: { "ana@example.org": { to: "ceo@example.com" } } }),
    );
    expect(viaMerge).toBeInstanceOf(AnymailUnsupportedFeature);
    expect(viaMerge.message).toBe(viaHeaders.message);
    expect(provider.outbox).toHaveLength(0);
  });

  it("refuses a To inside espExtra.headers and a Mailgun-style h:To key the same way", async () => {
    const { provider, mailer } = strictMailer();
    for (const espExtra of [
      { headers: { TO: "ceo@example.com" } },
      { "h:To": "ceo@example.com" },
    ]) {
      const error = await rejection(mailer.send({ ...base, espExtra }));
      expect(error).toBeInstanceOf(AnymailUnsupportedFeature);
    }
    expect(provider.outbox).toHaveLength(0);
  });

  it("refuses CR/LF and controls in mergeHeaders and espExtra header values and names", () => {
    const hostile: EmailMessage[] = [
      { ...base, mergeHeaders: { "ana@example.org": { "X-A": "a\r\nBcc: x@evil.example" } } },
      { ...base, mergeHeaders: { "ana@example.org": { "X-A": "a\u2028b" } } },
      { ...base, espExtra: { headers: { "X-A": "a\nBcc: x@evil.example" } } },
      { ...base, espExtra: { headers: { "Bad Name": "v" } } },
      { ...base, espExtra: { "h:X-A": "a\u0000b" } },
      { ...base, espExtra: { Headers: [{ Name: "X-A", Value: "a\r\nBcc: x@evil.example" }] } },
      {
        ...base,
        espExtra: {
          Headers: [
            { Name: "X-A", Value: "ok" },
            { Name: "X-A", Value: "a\u000bb" },
          ],
        },
      },
    ];
    for (const message of hostile) {
      expect(() => prepareMessage(message)).toThrow(AnymailSerializationError);
    }
  });

  it("parses From and Reply-To in mergeHeaders as addresses (a bad one is refused)", () => {
    const prepared = prepareMessage({
      ...base,
      mergeHeaders: {
        "ana@example.org": {
          "Reply-To": "Désk <help@bücher.example>, b@example.org",
          From: "Me <me@example.com>",
        },
      },
    });
    expect(prepared.mergeHeaders?.["ana@example.org"]).toEqual({
      "Reply-To": "Désk <help@xn--bcher-kva.example>, b@example.org",
      From: "Me <me@example.com>",
    });
    // As with `headers.From`: the message's from becomes the envelope sender.
    expect(prepared.envelopeSender?.addrSpec).toBe("shop@example.com");
    expect(() =>
      prepareMessage({
        ...base,
        mergeHeaders: { "ana@example.org": { "reply-to": "not an address" } },
      }),
    ).toThrow(AnymailInvalidAddress);
  });

  it("so a provider without envelope-sender support refuses a per-recipient From", async () => {
    const { mailer } = strictMailer();
    const error = await rejection(
      mailer.send({ ...base, mergeHeaders: { "ana@example.org": { From: "ceo@example.com" } } }),
    );
    expect(error).toBeInstanceOf(AnymailUnsupportedFeature);
    expect(error.message).toContain("envelopeSender");
  });
});

describe("control characters in header-bound fields (issue 17, limits)", () => {
  const controls = [
    "\u0000",
    "\u000b",
    "\u000c",
    "\u001b",
    "\u007f",
    "\u0085",
    "\u009b",
    "\u2028",
    "\u2029",
  ];
  const fields: [string, (c: string) => EmailMessage][] = [
    ["subject", (c) => ({ ...base, subject: `Hi${c}there` })],
    ["header value", (c) => ({ ...base, headers: { "X-Note": `a${c}b` } })],
    [
      "mergeHeaders value",
      (c) => ({ ...base, mergeHeaders: { "ana@example.org": { "X-Note": `a${c}b` } } }),
    ],
    ["tag", (c) => ({ ...base, tags: [`t${c}`] })],
    ["templateId", (c) => ({ ...base, templateId: `tpl${c}` })],
    [
      "attachment filename",
      (c) => ({ ...base, attachments: [{ filename: `a${c}.txt`, content: "x" }] }),
    ],
    [
      "attachment contentId",
      (c) => ({ ...base, attachments: [{ contentId: `c${c}id`, content: "x" }] }),
    ],
  ];
  for (const [name, build] of fields) {
    it(`refuses every C0/C1 control, DEL and U+2028/2029 in the ${name}`, () => {
      for (const c of controls)
        expect(() => prepareMessage(build(c)), JSON.stringify(c)).toThrow(
          AnymailSerializationError,
        );
      // Tab is the one control allowed (folded headers use it).
      expect(() => prepareMessage(build("\t"))).not.toThrow();
    });
  }

  it("refuses controls in display names and in every address field", () => {
    for (const c of controls) {
      for (const field of ["from", "to", "cc", "bcc", "replyTo", "envelopeSender"] as const) {
        const message = { ...base, [field]: `Ana${c}Smith <ana@example.org>` };
        expect(() => prepareMessage(message), `${field} ${JSON.stringify(c)}`).toThrow(
          AnymailInvalidAddress,
        );
      }
    }
  });

  it("refuses controls in the idempotency key (sent as an HTTP header)", async () => {
    const { mailer } = strictMailer();
    const error = await rejection(mailer.send({ ...base, idempotencyKey: "key\u0000x" }));
    expect(error).toBeInstanceOf(AnymailSerializationError);
  });

  it("refuses bidi overrides and isolates in display names and filenames, keeps LRM/RLM", () => {
    for (const c of [
      "\u202a",
      "\u202b",
      "\u202c",
      "\u202d",
      "\u202e",
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
    ]) {
      expect(() => parseAddress(`Pay${c}lapyap <ana@example.org>`, "from")).toThrow(/bidi control/);
      expect(() =>
        prepareMessage({
          ...base,
          attachments: [{ filename: `invoice${c}fdp.exe`, content: "x" }],
        }),
      ).toThrow(/bidi control/);
    }
    expect(
      parseAddress("\u05e9\u05dc\u05d5\u05dd\u200f <ana@example.org>", "from").displayName,
    ).toBe("\u05e9\u05dc\u05d5\u05dd\u200f");
  });
});

describe("deep nesting is a typed serialization error (issue 17, defect 7)", () => {
  const deep = nested(10_000);
  const cases: [string, EmailMessage][] = [
    ["metadata", { ...base, metadata: deep as never }],
    ["espExtra", { ...base, espExtra: deep }],
    ["mergeGlobalData", { ...base, mergeGlobalData: deep }],
    ["mergeData", { ...base, mergeData: { "ana@example.org": deep } }],
    ["mergeMetadata", { ...base, mergeMetadata: { "ana@example.org": deep } }],
  ];
  for (const [field, message] of cases) {
    it(`10,000 levels in ${field}`, () => {
      let error: unknown;
      try {
        prepareMessage(message);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AnymailSerializationError);
      expect((error as AnymailSerializationError).field).toBe(field);
      expect((error as Error).message).toContain("nested more than 64 levels");
    });
  }

  it("in defaults' deep merge of espExtra, through a real send", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({ provider, retry: false, defaults: { espExtra: deep } });
    const error = await rejection(mailer.send({ ...base, espExtra: nested(10_000) }));
    expect(error).toBeInstanceOf(AnymailSerializationError);
    expect(provider.outbox).toHaveLength(0);
  });

  it("keeps what real payloads use: 60 levels are sent", () => {
    expect(prepareMessage({ ...base, metadata: nested(60) as never }).metadata).toEqual(nested(60));
  });
});

describe("address input caps (issue 17, limits)", () => {
  it("refuses a 100,000-address comma string without running the parser", () => {
    const huge = Array.from({ length: 100_000 }, (_, i) => `user${i}@example.com`).join(", ");
    // The length is checked first: the message names the cap, not a parse failure.
    expect(() => parseAddressList(huge, "to")).toThrow(/over the limit of 65536/);
  });

  it("parses a long list of plain addresses in one string on the linear path", () => {
    const list = Array.from({ length: 2_000 }, (_, i) => `Name ${i} <u${i}@example.com>`).join(
      ", ",
    );
    expect(list.length).toBeLessThan(ADDRESS_LIMITS.maxStringLength);
    expect(parseAddressList(list, "to")).toHaveLength(2_000);
  });

  it("caps what the full parser reads; an array of the same addresses still works", () => {
    const quoted = Array.from({ length: 200 }, (_, i) => `"Doe, J. ${i}" <j${i}@example.com>`);
    expect(() => parseAddressList(quoted.join(", "), "to")).toThrow(/over its limit of 4096/);
    expect(parseAddressList(quoted, "to")).toHaveLength(200);
  });

  it("does not memoize long inputs", () => {
    const quoted = Array.from({ length: 40 }, (_, i) => `"Doe, J. ${i}" <j${i}@example.com>`).join(
      ", ",
    );
    expect(quoted.length).toBeGreaterThan(ADDRESS_LIMITS.maxMemoizedLength);
    const first = parseAddressList(quoted, "to");
    const second = parseAddressList(quoted, "to");
    expect(second[0]).not.toBe(first[0]);
    expect(Object.isFrozen(first[0])).toBe(false);
    // A short full-parser input is kept (frozen entries, the same object on a hit).
    const short = parseAddressList("Dœ <j@example.com>, Zoë <z@example.com>", "to");
    expect(parseAddressList("Dœ <j@example.com>, Zoë <z@example.com>", "to")[0]).toBe(short[0]);
  });
});

describe("null removes a default (issue 18, item 6)", () => {
  const defaults: EmailMessage = {
    from: "Shop <shop@example.com>",
    replyTo: "help@example.com",
    tags: ["shop"],
    metadata: { source: "shop" },
    headers: { "X-Shop": "1" },
    espExtra: { a: 1 },
  };

  it("tags: null and replyTo: null send without the defaults", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({ provider, defaults });
    await mailer.send({
      to: "ana@example.org",
      tags: null,
      replyTo: null,
      metadata: null,
      headers: null,
      espExtra: null,
    });
    const sent = provider.outbox[0]!.message;
    expect(sent.tags).toBeUndefined();
    expect(sent.replyTo).toEqual([]);
    expect(sent.metadata).toBeUndefined();
    expect(sent.headers).toBeUndefined();
    expect(sent.espExtra).toBeUndefined();
  });

  it("combineDefaults leaves no null field behind; null without defaults means unset", () => {
    const combined = combineDefaults(defaults, { to: "ana@example.org", tags: null });
    expect("tags" in combined).toBe(false);
    expect(combined.replyTo).toBe("help@example.com");
    const prepared = prepareMessage({
      ...base,
      cc: null,
      subject: null,
      sendAt: null,
      mergeHeaders: null,
    });
    expect(prepared.cc).toEqual([]);
    expect(prepared.subject).toBeUndefined();
    expect(prepared.isBatch).toBe(false);
  });

  it("a null default is no default", () => {
    expect(combineDefaults({ tags: null }, { tags: ["a"] }).tags).toEqual(["a"]);
  });
});
