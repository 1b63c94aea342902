import { createHash } from "node:crypto";
import type { AnymailErrorCode, EmailMessage, Provider, SendResult } from "@anymail/core";
import { createMailer, isAnymailError } from "@anymail/core";
import { resend } from "@anymail/resend";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { storedRequest } from "../src/soak.mjs";

// Every hostile message must end in a clear typed error or a correct send: never a crash,
// an untyped error, or a request that says something other than what the caller asked.

let emu: ResendEmulator;
let providerCalls = 0;
let mailer: ReturnType<typeof createMailer>;

function counted(provider: Provider): Provider {
  return {
    name: provider.name,
    features: provider.features,
    ...(provider.split === undefined ? {} : { split: provider.split }),
    send: (message, context) => {
      providerCalls++;
      return provider.send(message, context);
    },
    close: () => provider.close?.() ?? Promise.resolve(),
  };
}

beforeAll(async () => {
  emu = await startResendEmulator({ port: 0, rateLimit: false });
  mailer = createMailer({
    provider: counted(resend({ apiKey: "re_hostile_key", apiUrl: emu.url })),
    retry: false,
  });
});
afterAll(async () => {
  await mailer.close();
  await emu.close();
});
beforeEach(() => {
  providerCalls = 0;
});

type Outcome =
  | { ok: true; result: SendResult; stored: Record<string, unknown>[] }
  | { ok: false; error: unknown; stored: Record<string, unknown>[] };

async function attempt(message: EmailMessage): Promise<Outcome> {
  const before = emu.emails.length;
  try {
    const result = await mailer.send(message);
    return { ok: true, result, stored: emu.emails.slice(before).map(storedRequest) };
  } catch (error) {
    return { ok: false, error, stored: emu.emails.slice(before).map(storedRequest) };
  }
}

function expectTypedError(outcome: Outcome, codes: AnymailErrorCode[], label = ""): void {
  if (outcome.ok) throw new Error(`${label}: expected a typed error, the send succeeded`);
  const { error } = outcome;
  if (!isAnymailError(error)) throw new Error(`${label}: untyped error ${String(error)}`);
  expect(codes, `${label}: ${error.code} ${error.message}`).toContain(error.code);
  expect(error.message.length).toBeGreaterThan(10);
  expect(outcome.stored).toEqual([]);
}

function rejectedBeforeHttp(outcome: Outcome, codes: AnymailErrorCode[], label = ""): void {
  expectTypedError(outcome, codes, label);
  expect(providerCalls, `${label}: provider was called`).toBe(0);
}

function header(stored: Record<string, unknown>, name: string): string | undefined {
  const headers = (stored.headers ?? {}) as Record<string, string>;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/** What core refuses in header-bound text: C0 but tab, DEL, C1, U+2028/2029. */
const HEADER_UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/;

const base = {
  from: "Shop <shop@example.com>",
  to: "ana@example.org",
  subject: "hostile",
  text: "hi",
} as const;

describe("header injection", () => {
  const injections = [
    "\r\nBcc: evil@example.com",
    "\nBcc: evil@example.com",
    "\rX: y",
    "a\r\n\r\n<html>",
  ];

  it.each(injections)("CR/LF in the subject is refused before any request (%j)", async (inj) => {
    const outcome = await attempt({ ...base, subject: `Hello${inj}` });
    rejectedBeforeHttp(outcome, ["serialization_error"]);
    expect((outcome as { error: { field?: string } }).error.field).toBe("subject");
  });

  it.each(injections)("CR/LF in a header value is refused (%j)", async (inj) => {
    rejectedBeforeHttp(await attempt({ ...base, headers: { "X-Ref": `v${inj}` } }), [
      "serialization_error",
    ]);
  });

  it.each(["X-Ref\r\nBcc", "X-Ref: evil", "X Ref", "", "Bcc\n", "X-Réf", "X-Ref\u0000"])(
    "an invalid header name is refused (%j)",
    async (name) => {
      rejectedBeforeHttp(await attempt({ ...base, headers: { [name]: "v" } }), [
        "serialization_error",
      ]);
    },
  );

  it.each([
    ["to", "ana@example.org\r\nBcc: evil@example.com"],
    ["to", '"Ana\r\nBcc: evil@example.com" <ana@example.org>'],
    ["from", "shop@example.com\nBcc: evil@example.com"],
    ["replyTo", "r@example.org\r\n"],
    ["cc", "Ana <ana@example.org>\rX: y"],
  ] as const)("CR/LF in %s is refused", async (field, value) => {
    rejectedBeforeHttp(await attempt({ ...base, [field]: value }), [
      "invalid_address",
      "serialization_error",
    ]);
  });

  it("CR/LF in a per-recipient mergeHeaders value is refused", async () => {
    rejectedBeforeHttp(
      await attempt({
        ...base,
        mergeHeaders: { "ana@example.org": { "X-Ref": "a\r\nBcc: evil@example.com" } },
      }),
      ["serialization_error"],
    );
  });

  it("CR/LF inside metadata, tags and filenames is escaped JSON, never a raw header line", async () => {
    const metadata = { note: "line1\r\nBcc: evil@example.com" };
    const tags = ["a\r\nb"];
    const outcome = await attempt({ ...base, subject: "meta", metadata, tags });
    if (!outcome.ok) {
      expectTypedError(outcome, ["serialization_error"]);
      return;
    }
    const [stored] = outcome.stored;
    expect(outcome.stored).toHaveLength(1);
    const xMetadata = header(stored!, "X-Metadata")!;
    const xTags = header(stored!, "X-Tags")!;
    expect(xMetadata).not.toMatch(/[\r\n]/);
    expect(xTags).not.toMatch(/[\r\n]/);
    expect(JSON.parse(xMetadata)).toEqual(metadata);
    expect(JSON.parse(xTags)).toEqual(tags);
  });

  it("property: any subject/header value is either sent verbatim or refused for a control character", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 60, unit: "binary-ascii" }),
        async (subject, value) => {
          providerCalls = 0;
          const outcome = await attempt({ ...base, subject, headers: { "X-Fuzz": value } });
          if (HEADER_UNSAFE.test(subject) || HEADER_UNSAFE.test(value)) {
            rejectedBeforeHttp(outcome, ["serialization_error"]);
            return;
          }
          if (!outcome.ok) {
            // Other refusals must still be typed and clear (e.g. control characters).
            expectTypedError(
              outcome,
              ["serialization_error", "api_error"],
              JSON.stringify({ subject, value }),
            );
            return;
          }
          expect(outcome.stored).toHaveLength(1);
          expect(outcome.stored[0]!.subject).toBe(subject);
          expect(header(outcome.stored[0]!, "X-Fuzz")).toBe(value);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("giant attachments", () => {
  it("an attachment over Resend's 40 MB limit is a clear non-retryable error, nothing stored", async () => {
    const content = new Uint8Array(31 * 1024 * 1024).fill(65); // 31 MiB → ~41.3 MB base64
    const outcome = await attempt({
      ...base,
      subject: "giant",
      attachments: [{ filename: "big.bin", content }],
    });
    expectTypedError(outcome, ["api_error", "serialization_error"]);
    const error = (outcome as { error: { retryable?: boolean; message: string } }).error;
    expect(error.retryable ?? false).toBe(false);
  });

  it("a 20 MiB attachment arrives byte for byte", async () => {
    const content = new Uint8Array(20 * 1024 * 1024);
    for (let i = 0; i < content.length; i++) content[i] = (i * 7919) & 0xff;
    const outcome = await attempt({
      ...base,
      subject: "big but fine",
      attachments: [{ filename: "data.bin", content }],
    });
    if (!outcome.ok) throw outcome.error;
    const attachments = outcome.stored[0]!.attachments as { content: string; filename: string }[];
    const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
    expect(attachments).toHaveLength(1);
    expect(digest(Buffer.from(attachments[0]!.content, "base64"))).toBe(digest(content));
  });

  it("500 small attachments are all sent, in order", async () => {
    const attachments = Array.from({ length: 500 }, (_, i) => ({
      filename: `f${i}.txt`,
      content: `file ${i}`,
    }));
    const outcome = await attempt({ ...base, subject: "many", attachments });
    if (!outcome.ok) throw outcome.error;
    const stored = outcome.stored[0]!.attachments as { filename: string; content: string }[];
    expect(stored.map((a) => a.filename)).toEqual(attachments.map((a) => a.filename));
    expect(Buffer.from(stored[321]!.content, "base64").toString()).toBe("file 321");
  });
});

describe("invalid UTF-16 (lone surrogates)", () => {
  const lone = ["\uD800", "a\uDC00b", "\uDBFF", "x\uD83D"];

  it.each(["subject", "text", "html"] as const)(
    "in %s: refused, or sent exactly",
    async (field) => {
      for (const bad of lone) {
        const outcome = await attempt({ ...base, subject: "s", [field]: `v${bad}` });
        if (!outcome.ok) {
          expectTypedError(outcome, ["serialization_error"], `${field} ${JSON.stringify(bad)}`);
          continue;
        }
        expect(outcome.stored[0]![field]).toBe(`v${bad}`);
      }
    },
  );

  it("in a header value, display name or metadata: refused, or sent exactly", async () => {
    for (const bad of lone) {
      const outcomes = [
        [
          await attempt({ ...base, headers: { "X-S": bad } }),
          (s: Record<string, unknown>) => header(s, "X-S"),
          bad,
        ],
        [
          await attempt({ ...base, metadata: { k: bad } }),
          (s: Record<string, unknown>) => JSON.parse(header(s, "X-Metadata") ?? "{}").k,
          bad,
        ],
      ] as const;
      for (const [outcome, read, expected] of outcomes) {
        if (!outcome.ok) expectTypedError(outcome, ["serialization_error"]);
        else expect(read(outcome.stored[0]!)).toBe(expected);
      }
      const named = await attempt({ ...base, to: `"Ana ${bad}" <ana@example.org>` });
      if (!named.ok) expectTypedError(named, ["invalid_address", "serialization_error"]);
      else expect((named.stored[0]!.to as string[])[0]).toContain(`Ana ${bad}`);
    }
  });

  it("in text attachment content: refused (UTF-8 cannot carry it; U+FFFD would be silent corruption)", async () => {
    for (const bad of lone) {
      const outcome = await attempt({
        ...base,
        attachments: [{ filename: "note.txt", content: `before${bad}after` }],
      });
      expectTypedError(outcome, ["serialization_error"], JSON.stringify(bad));
    }
  });
});

describe("prototype keys", () => {
  const polluted = () => ({}) as Record<string, unknown>;

  function assertNoPollution() {
    expect(polluted().polluted).toBeUndefined();
    expect(polluted().subject).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  }

  it("__proto__ in metadata: refused, or sent as a literal key; never pollutes", async () => {
    const metadata = JSON.parse('{"__proto__": {"polluted": "yes"}, "ok": 1}');
    const outcome = await attempt({ ...base, subject: "proto meta", metadata });
    assertNoPollution();
    if (!outcome.ok) return expectTypedError(outcome, ["serialization_error"]);
    const sent = JSON.parse(header(outcome.stored[0]!, "X-Metadata")!);
    expect(sent.ok).toBe(1);
    expect(Object.hasOwn(sent, "__proto__")).toBe(true);
    expect(JSON.stringify(sent)).toBe('{"__proto__":{"polluted":"yes"},"ok":1}');
  });

  it("__proto__ / constructor / prototype in headers: refused or sent literally; never pollutes", async () => {
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const headers = JSON.parse(`{"${key}": "x", "X-Ok": "1"}`);
      const outcome = await attempt({ ...base, subject: `proto header ${key}`, headers });
      assertNoPollution();
      if (!outcome.ok) {
        expectTypedError(outcome, ["serialization_error"], key);
        continue;
      }
      expect(header(outcome.stored[0]!, "X-Ok")).toBe("1");
      expect(header(outcome.stored[0]!, key)).toBe("x");
    }
  });

  it("__proto__ in espExtra cannot rewrite the request or pollute", async () => {
    const espExtra = JSON.parse(
      '{"__proto__": {"subject": "hijacked", "polluted": true}, "headers": {"__proto__": {"polluted": 1}}, "constructor": {"prototype": {"polluted": 2}}}',
    );
    const outcome = await attempt({ ...base, subject: "original", espExtra });
    assertNoPollution();
    if (!outcome.ok) return expectTypedError(outcome, ["serialization_error"]);
    expect(outcome.stored[0]!.subject).toBe("original");
  });

  it("__proto__ in defaults and per-recipient data never pollutes", async () => {
    const protoMailer = createMailer({
      provider: resend({ apiKey: "re_hostile_key", apiUrl: emu.url }),
      retry: false,
      defaults: {
        from: "shop@example.com",
        metadata: JSON.parse('{"__proto__": {"polluted": "defaults"}}'),
        headers: JSON.parse('{"__proto__": {"polluted": "defaults"}}'),
        espExtra: JSON.parse('{"__proto__": {"polluted": "defaults"}}'),
      },
    });
    try {
      for (const message of [
        { to: "ana@example.org", subject: "d1" },
        { to: "ana@example.org", mergeMetadata: JSON.parse('{"__proto__": {"polluted": 1}}') },
        {
          to: "ana@example.org",
          mergeHeaders: JSON.parse('{"ana@example.org": {"__proto__": "x"}}'),
        },
      ]) {
        try {
          await protoMailer.send(message);
        } catch (error) {
          expect(isAnymailError(error), String(error)).toBe(true);
        }
        assertNoPollution();
      }
    } finally {
      await protoMailer.close();
    }
  });
});

describe("absurd address lists", () => {
  it("10,000 `to` recipients in one send: refused before any request", async () => {
    const to = Array.from({ length: 10_000 }, (_, i) => `r${i}@example.org`);
    rejectedBeforeHttp(await attempt({ ...base, to }), ["unsupported_feature"]);
  });

  it.each([
    ["100k commas", ",".repeat(100_000)],
    ["100k empty entries", Array.from({ length: 100_000 }, () => "")],
    ["a 1 MB local part", `${"x".repeat(1_000_000)}@example.org`],
    ["10k unbalanced quotes", `${'"'.repeat(10_001)} <a@example.org>`],
    ["10k nested comments", `a@example.org ${"(".repeat(10_000)}`],
    ["10k nested angle brackets", `${"<".repeat(10_000)}a@example.org${">".repeat(10_000)}`],
    ["10k-deep group syntax", `${"g:".repeat(10_000)}a@example.org${";".repeat(10_000)}`],
    ["a domain of 10k labels", `a@${"x.".repeat(10_000)}org`],
    ["invalid punycode", "a@xn--zz-.example"],
    ["only a display name", "Ana Silva"],
  ] as const)("%s: a typed error, no request", async (_label, to) => {
    const outcome = await attempt({ ...base, to: to as string | string[] });
    if (outcome.ok) {
      // Accepting is only allowed if what was sent is a faithful, sane address.
      expect(outcome.stored).toHaveLength(1);
      return;
    }
    rejectedBeforeHttp(outcome, ["invalid_address", "unsupported_feature"], _label);
  });

  it("a batch to 1,000 recipients sends each exactly once with its own id", async () => {
    const to = Array.from({ length: 1_000 }, (_, i) => `batch${i}@example.org`);
    const mergeMetadata = Object.fromEntries(to.map((addr, i) => [addr, { i }]));
    const outcome = await attempt({ ...base, subject: "big batch", to, mergeMetadata });
    if (!outcome.ok) throw outcome.error;
    expect(outcome.stored).toHaveLength(1_000);
    const storedTo = outcome.stored.map((s) => (s.to as string[])[0]).sort();
    expect(storedTo).toEqual([...to].sort());
    for (const addr of to) expect(outcome.result.recipients[addr]?.messageId).toBeTruthy();
    // Core splits it into Resend's batches of 100, one call each.
    expect(providerCalls).toBe(10);
  });

  it("duplicated recipients across to/cc/bcc are a send or a clear error, not a crash", async () => {
    const outcome = await attempt({
      ...base,
      to: ["ana@example.org", "ANA@example.org", "ana@example.org"],
      cc: "ana@example.org",
      bcc: "ana@example.org",
    });
    if (!outcome.ok) expectTypedError(outcome, ["invalid_address", "api_error"]);
    else expect(outcome.stored).toHaveLength(1);
  });
});

describe("limits (issue 17): refused fast, in bounded memory, before any request", () => {
  /** Runs `fn` and returns how long it took and how much the heap grew (after a GC when exposed). */
  async function measured<T>(
    fn: () => Promise<T>,
  ): Promise<{ value: T; ms: number; heapMb: number }> {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const value = await fn();
    const ms = performance.now() - started;
    gc?.();
    return { value, ms, heapMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20 };
  }

  // Bounds are ~100x the figures measured on an idle machine, so a loaded CI box passes;
  // before the caps, the 100k-address string alone took 9.6 s and its result stayed memoized.
  const FAST_MS = 2_000;

  it("a 100,000-address comma string: typed error, no request, no memo growth", async () => {
    const to = Array.from({ length: 100_000 }, (_, i) => `user${i}@example.com`).join(", ");
    const {
      value: outcome,
      ms,
      heapMb,
    } = await measured(async () => {
      let last: Outcome | undefined;
      for (let i = 0; i < 20; i++) last = await attempt({ ...base, to });
      return last!;
    });
    rejectedBeforeHttp(outcome, ["invalid_address"]);
    expect(ms / 20).toBeLessThan(FAST_MS);
    expect(heapMb).toBeLessThan(64);
  });

  it("property: random address text up to 200k characters is answered quickly and typed", async () => {
    const atom = fc.constantFrom(
      "a@b.example",
      '"x, y"',
      "(c)",
      "<",
      ">",
      ",",
      " ",
      ":",
      ";",
      "@",
      "\\",
      "é",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(atom, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 5_000 }),
        async (parts, times) => {
          providerCalls = 0;
          const to = parts.join("").repeat(times);
          const started = performance.now();
          const outcome = await attempt({ ...base, to });
          expect(performance.now() - started, `${to.length} chars`).toBeLessThan(FAST_MS);
          if (!outcome.ok)
            expectTypedError(outcome, ["invalid_address", "unsupported_feature"], to.slice(0, 80));
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    ["metadata", (deep: Record<string, unknown>) => ({ metadata: deep })],
    ["espExtra", (deep: Record<string, unknown>) => ({ espExtra: deep })],
    ["mergeGlobalData", (deep: Record<string, unknown>) => ({ mergeGlobalData: deep })],
    [
      "mergeMetadata",
      (deep: Record<string, unknown>) => ({ mergeMetadata: { "ana@example.org": deep } }),
    ],
  ] as const)(
    "%s nested 10,000 deep: serialization error, no stack overflow",
    async (_field, build) => {
      let deep: Record<string, unknown> = { leaf: 1 };
      for (let i = 0; i < 10_000; i++) deep = { n: deep };
      const { value: outcome, ms } = await measured(() =>
        attempt({ ...base, ...build(deep) } as EmailMessage),
      );
      rejectedBeforeHttp(outcome, ["serialization_error"]);
      expect(ms).toBeLessThan(FAST_MS);
    },
  );

  it("defaults' espExtra merged with a 10,000-deep message espExtra: serialization error", async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    const withDefaults = createMailer({
      provider: counted(resend({ apiKey: "re_hostile_key", apiUrl: emu.url })),
      retry: false,
      defaults: { espExtra: deep },
    });
    const error = await withDefaults.send({ ...base, espExtra: deep }).catch((e: unknown) => e);
    await withDefaults.close();
    expect(isAnymailError(error) && error.code).toBe("serialization_error");
    expect(providerCalls).toBe(0);
  });

  it.each([
    ["NUL", "\u0000"],
    ["VT", "\u000b"],
    ["FF", "\u000c"],
    ["NEL", "\u0085"],
    ["U+2028", "\u2028"],
    ["U+2029", "\u2029"],
  ])(
    "%s in subject, header value, mergeHeaders, tag, display name or filename: refused",
    async (_name, c) => {
      const messages: EmailMessage[] = [
        { ...base, subject: `a${c}b` },
        { ...base, headers: { "X-A": `a${c}b` } },
        { ...base, mergeHeaders: { "ana@example.org": { "X-A": `a${c}b` } } },
        { ...base, tags: [`t${c}`] },
        { ...base, from: `Shop${c}Evil <shop@example.com>` },
        { ...base, attachments: [{ filename: `a${c}.txt`, content: "x" }] },
      ];
      for (const message of messages) {
        providerCalls = 0;
        rejectedBeforeHttp(
          await attempt(message),
          ["serialization_error", "invalid_address"],
          JSON.stringify(message).slice(0, 80),
        );
      }
    },
  );

  it("bidi override in a display name or attachment filename: refused", async () => {
    rejectedBeforeHttp(await attempt({ ...base, from: "Pay\u202epal <shop@example.com>" }), [
      "invalid_address",
    ]);
    providerCalls = 0;
    rejectedBeforeHttp(
      await attempt({ ...base, attachments: [{ filename: "invoice\u202efdp.exe", content: "x" }] }),
      ["serialization_error"],
    );
  });

  it("a spoofed To in mergeHeaders or espExtra.headers is refused like one in headers", async () => {
    for (const message of [
      { ...base, headers: { To: "ceo@example.com" } },
      { ...base, mergeHeaders: { "ana@example.org": { To: "ceo@example.com" } } },
      { ...base, espExtra: { headers: { to: "ceo@example.com" } } },
    ] as EmailMessage[]) {
      providerCalls = 0;
      rejectedBeforeHttp(await attempt(message), ["unsupported_feature"]);
    }
  });
});
