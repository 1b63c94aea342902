import {
  AnymailAPIError,
  AnymailConfigurationError,
  AnymailInvalidWebhookPayload,
  type InboundEvent,
  type WebhookProvider,
} from "@anymail/core";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resendWebhooks } from "../../src/index.js";
import { type ApiStub, json, startApiStub } from "./api-stub.js";
import { rawRequest, SECRET, signedRequest } from "./helpers.js";

const API_KEY = "re_inbound_test_key";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

async function inbound(provider: WebhookProvider, payload: unknown): Promise<InboundEvent> {
  const request = signedRequest(payload, { id: "msg_inbound" });
  const verified = await provider.verify("inbound", request);
  const parsed = await provider.parse("inbound", request, verified);
  expect(parsed.kind).toBe("inbound");
  return parsed.events[0] as InboundEvent;
}

const received = (emailId: string, extra: Record<string, unknown> = {}) => ({
  type: "email.received",
  created_at: "2026-11-20T13:30:01.120Z",
  data: {
    email_id: emailId,
    from: "ana@example.org",
    to: ["support@example.test"],
    attachments: [],
    ...extra,
  },
});

describe("inbound through the emulator (raw MIME path)", () => {
  let emu: ResendEmulator;
  let provider: WebhookProvider;

  beforeAll(async () => {
    emu = await startResendEmulator({ port: 0, rateLimit: false });
    provider = resendWebhooks({ inboundSecret: SECRET, apiKey: API_KEY, apiUrl: emu.url });
  });
  afterAll(() => emu.close());

  it("fetches and parses text, html, an attachment and an inline image", async () => {
    await emu.receive({
      from: "Ana Silva <ana@example.org>",
      to: ["support@quiet-otter.resend.app"],
      cc: "Bo <bo@example.org>",
      subject: "Re: Order 4411",
      text: "Where is my parcel?",
      html: '<p>Where is my parcel? <img src="cid:logo@example.org"></p>',
      headers: { "X-Ticket": "4411" },
      attachments: [
        { filename: "invoice.pdf", content: "%PDF-1.4 fake", contentType: "application/pdf" },
        {
          filename: "logo.png",
          content: PNG,
          contentType: "image/png",
          contentId: "logo@example.org",
        },
      ],
    });
    const emitted = emu.events.at(-1)!;
    expect(emitted.type).toBe("email.received");

    const event = await inbound(provider, emitted.payload);
    expect(event.eventType).toBe("inbound");
    expect(event.eventId).toBe("msg_inbound");
    expect(event.espEvent).toEqual(emitted.payload);
    const { message } = event;
    expect(message.from).toBe("Ana Silva <ana@example.org>");
    expect(message.to).toEqual(["support@quiet-otter.resend.app"]);
    expect(message.cc).toEqual(["Bo <bo@example.org>"]);
    expect(message.subject).toBe("Re: Order 4411");
    expect(message.text?.trim()).toBe("Where is my parcel?");
    expect(message.html).toContain('src="cid:logo@example.org"');
    expect(message.date).toBeInstanceOf(Date);
    expect(message.headers.find((h) => h.name.toLowerCase() === "x-ticket")?.value).toBe("4411");
    expect(message.headers[0]).toBeDefined();
    expect(message.raw).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(message.raw)).toContain("Subject: Re: Order 4411");

    const pdf = message.attachments.find((a) => a.filename === "invoice.pdf")!;
    expect(pdf).toMatchObject({ contentType: "application/pdf", inline: false });
    expect(new TextDecoder().decode(pdf.content)).toBe("%PDF-1.4 fake");
    const logo = message.attachments.find((a) => a.filename === "logo.png")!;
    expect(logo).toMatchObject({
      contentType: "image/png",
      inline: true,
      contentId: "logo@example.org",
    });
    expect(logo.content).toEqual(PNG);
  });

  it("keeps repeated headers in message order", async () => {
    const raw = [
      "Received: from a.example by b.example; Thu, 20 Nov 2026 13:29:58 +0000",
      "Received: from c.example by a.example; Thu, 20 Nov 2026 13:29:57 +0000",
      "From: ana@example.org",
      "To: support@example.test",
      "Subject: headers",
      "Date: Thu, 20 Nov 2026 13:29:56 +0000",
      "Message-ID: <h1@example.org>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "hello",
      "",
    ].join("\r\n");
    await emu.receive({ raw });
    const event = await inbound(provider, emu.events.at(-1)!.payload);
    const received = event.message.headers.filter((h) => h.name === "Received");
    expect(received.map((h) => h.value.slice(0, 13))).toEqual(["from a.exampl", "from c.exampl"]);
    expect(event.message.date?.toISOString()).toBe("2026-11-20T13:29:56.000Z");
  });

  it("answers an unknown email id with AnymailAPIError (so the webhook answers 5xx)", async () => {
    const error = await inbound(provider, received("00000000-0000-4000-8000-000000000000")).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect((error as AnymailAPIError).statusCode).toBe(404);
  });
});

describe("inbound failure paths and the parsed-fields path (API stub)", () => {
  let stub: ApiStub;
  beforeAll(async () => {
    stub = await startApiStub();
  });
  beforeEach(() => {
    stub.routes.clear();
    stub.calls.length = 0;
  });
  afterAll(() => stub.close());

  const providerFor = (extra: Record<string, unknown> = {}) =>
    resendWebhooks({ inboundSecret: SECRET, apiKey: API_KEY, apiUrl: stub.url, ...extra });

  it("builds the message from fields, pages through attachments, and never sends the key to downloads", async () => {
    stub.routes.set("/emails/receiving/e1", (_req, res) =>
      json(res, 200, {
        object: "email",
        id: "e1",
        from: "Ana <ana@example.org>",
        to: ["support@example.test"],
        cc: null,
        reply_to: ["ana.private@example.org"],
        subject: "Photos",
        text: "see attached",
        html: null,
        headers: { Received: ["from x", "from y"], Date: "Thu, 20 Nov 2026 13:29:56 +0000" },
        message_id: "<m1@example.org>",
        raw: null,
        attachments: [{ id: "a1" }, { id: "a2" }],
      }),
    );
    stub.routes.set("/emails/receiving/e1/attachments", (req, res, base) => {
      const after = new URL(req.url!, base).searchParams.get("after");
      if (after === null) {
        json(res, 200, {
          object: "list",
          has_more: true,
          data: [
            {
              id: "a1",
              filename: "a.txt",
              content_type: "text/plain",
              content_id: null,
              content_disposition: "attachment",
              download_url: `${base}dl/a1?token=s3cret`,
            },
          ],
        });
      } else {
        expect(after).toBe("a1");
        json(res, 200, {
          object: "list",
          has_more: false,
          data: [
            {
              id: "a2",
              filename: "p.png",
              content_type: "image/png",
              content_id: "<img1>",
              content_disposition: "inline",
              download_url: `${base}dl/a2?token=s3cret`,
            },
          ],
        });
      }
    });
    stub.routes.set("/dl/a1", (_req, res) => res.end("alpha"));
    stub.routes.set("/dl/a2", (_req, res) => res.end(Buffer.from(PNG)));

    const event = await inbound(providerFor(), received("e1"));
    const { message } = event;
    expect(message).toMatchObject({
      from: "Ana <ana@example.org>",
      to: ["support@example.test"],
      cc: [],
      subject: "Photos",
      text: "see attached",
    });
    expect(message.html).toBeUndefined();
    expect(message.raw).toBeUndefined();
    expect(message.headers).toEqual([
      { name: "Received", value: "from x" },
      { name: "Received", value: "from y" },
      { name: "Date", value: "Thu, 20 Nov 2026 13:29:56 +0000" },
      { name: "Reply-To", value: "ana.private@example.org" },
      { name: "Message-ID", value: "<m1@example.org>" },
    ]);
    expect(message.date?.toISOString()).toBe("2026-11-20T13:29:56.000Z");
    expect(message.attachments).toEqual([
      {
        filename: "a.txt",
        contentType: "text/plain",
        content: new TextEncoder().encode("alpha"),
        inline: false,
      },
      {
        filename: "p.png",
        contentType: "image/png",
        content: PNG,
        contentId: "img1",
        inline: true,
      },
    ]);

    const api = stub.calls.filter((c) => c.path.startsWith("/emails/"));
    const downloads = stub.calls.filter((c) => c.path.startsWith("/dl/"));
    expect(api).toHaveLength(3);
    expect(api.every((c) => c.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(downloads).toHaveLength(2);
    expect(downloads.every((c) => c.authorization === undefined)).toBe(true);
  });

  it("downloads raw MIME without the API key", async () => {
    stub.routes.set("/emails/receiving/e2", (_req, res, base) =>
      json(res, 200, {
        id: "e2",
        from: "a@example.org",
        to: ["b@example.org"],
        raw: { download_url: `${base}raw/e2.eml?sig=x` },
        attachments: [],
      }),
    );
    stub.routes.set("/raw/e2.eml", (_req, res) =>
      res.end("From: a@example.org\r\nTo: b@example.org\r\nSubject: raw\r\n\r\nbody\r\n"),
    );
    const event = await inbound(providerFor(), received("e2"));
    expect(event.message.subject).toBe("raw");
    expect(stub.calls.find((c) => c.path.startsWith("/raw/"))?.authorization).toBeUndefined();
  });

  it("an API 500 becomes a retryable AnymailAPIError with Resend's error name", async () => {
    stub.routes.set("/emails/receiving/e3", (_req, res) =>
      json(res, 500, { statusCode: 500, name: "internal_server_error", message: "oops" }),
    );
    const error = (await inbound(providerFor(), received("e3")).catch((e) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error).toMatchObject({
      statusCode: 500,
      providerCode: "internal_server_error",
      retryable: true,
    });
    expect(error.message).not.toContain(API_KEY);
  });

  it("a hanging API becomes an AnymailAPIError of kind timeout", async () => {
    stub.routes.set("/emails/receiving/e4", () => {
      // never answers
    });
    const error = (await inbound(providerFor({ fetchTimeoutMs: 100 }), received("e4")).catch(
      (e) => e,
    )) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error.kind).toBe("timeout");
  });

  it("a failed attachment download fails the whole event (nothing half-built)", async () => {
    stub.routes.set("/emails/receiving/e5", (_req, res) =>
      json(res, 200, {
        id: "e5",
        from: "a@example.org",
        to: ["b@example.org"],
        raw: null,
        attachments: [{ id: "x" }],
      }),
    );
    stub.routes.set("/emails/receiving/e5/attachments", (_req, res, base) =>
      json(res, 200, {
        object: "list",
        has_more: false,
        data: [{ id: "x", filename: "x.bin", download_url: `${base}dl/expired?sig=old` }],
      }),
    );
    stub.routes.set("/dl/expired", (_req, res) => {
      res.statusCode = 403;
      res.end("expired");
    });
    const error = (await inbound(providerFor(), received("e5")).catch((e) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error.statusCode).toBe(403);
    expect(error.message).not.toContain("sig=old");
  });

  it("an attachment list shorter than the email's attachments is an error, not a partial message", async () => {
    stub.routes.set("/emails/receiving/e6", (_req, res) =>
      json(res, 200, {
        id: "e6",
        from: "a@example.org",
        to: ["b@example.org"],
        raw: null,
        attachments: [{ id: "x" }, { id: "y" }],
      }),
    );
    stub.routes.set("/emails/receiving/e6/attachments", (_req, res) =>
      json(res, 200, { object: "list", has_more: false, data: [] }),
    );
    await expect(inbound(providerFor(), received("e6"))).rejects.toBeInstanceOf(AnymailAPIError);
  });

  it("a tracking event sent to the inbound URL is a clear 400-class error", async () => {
    const error = await inbound(providerFor(), {
      type: "email.delivered",
      created_at: "2026-11-20T13:30:01Z",
      data: { email_id: "e1" },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(AnymailInvalidWebhookPayload);
    expect((error as Error).message).toMatch(/email\.delivered.*inbound.*tracking/);
    expect(stub.calls).toHaveLength(0);
  });

  it.each(["..", "../emails", "e1/../../domains", "e1?x=1", "%2e%2e", "", "é"])(
    "an email_id outside Resend's id alphabet (%j) is malformed: 400 and no API call",
    async (emailId) => {
      const error = await inbound(providerFor(), received(emailId)).catch((e) => e);
      expect(error).toBeInstanceOf(AnymailInvalidWebhookPayload);
      expect(stub.calls).toHaveLength(0);
    },
  );

  it("an API error echoing the key is scrubbed in the error, its response body and headers", async () => {
    stub.routes.set("/emails/receiving/e7", (_req, res) => {
      res.writeHead(401, {
        "content-type": "application/json",
        "x-echo": `Bearer ${API_KEY}`,
        "x-debug": `key=${API_KEY}`,
      });
      res.end(
        JSON.stringify({ name: "invalid_api_key", message: `API key ${API_KEY} is invalid` }),
      );
    });
    const error = (await inbound(providerFor(), received("e7")).catch((e) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error.providerCode).toBe("invalid_api_key");
    expect(error.retryable).toBe(false);
    const everything = JSON.stringify({
      message: error.message,
      response: error.response,
      headers: error.response?.headers,
    });
    expect(everything).not.toContain(API_KEY);
    expect(everything).toContain("[REDACTED]");
  });

  it("a 429 quota answer is classified as on the send path (one classifier): not retryable", async () => {
    stub.routes.set("/emails/receiving/e8", (_req, res) =>
      json(res, 429, { statusCode: 429, name: "daily_quota_exceeded", message: "quota" }),
    );
    const error = (await inbound(providerFor(), received("e8")).catch((e) => e)) as AnymailAPIError;
    expect(error).toMatchObject({
      statusCode: 429,
      providerCode: "daily_quota_exceeded",
      retryable: false,
    });
  });

  it("downloads are streamed and stop past maxInboundBytes with a typed error", async () => {
    stub.routes.set("/emails/receiving/e9", (_req, res, base) =>
      json(res, 200, {
        id: "e9",
        from: "a@example.org",
        to: ["b@example.org"],
        raw: { download_url: `${base}raw/huge.eml?sig=x` },
        attachments: [],
      }),
    );
    let written = 0;
    stub.routes.set("/raw/huge.eml", (_req, res) => {
      // 64 KiB chunks, no content-length: the client must count as it reads.
      res.writeHead(200, { "content-type": "message/rfc822" });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (written < 8 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => {
        written = Number.POSITIVE_INFINITY;
      });
      pump();
    });
    const error = (await inbound(
      providerFor({ maxInboundBytes: 256 * 1024 }),
      received("e9"),
    ).catch((e) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error).toMatchObject({ kind: "invalid_response", retryable: false });
    expect(error.message).toContain("maxInboundBytes (262144 bytes)");
    expect(error.message).not.toContain("sig=x");
  });

  it("the attachment downloads of one email share the maxInboundBytes budget", async () => {
    stub.routes.set("/emails/receiving/e10", (_req, res) =>
      json(res, 200, {
        id: "e10",
        from: "a@example.org",
        to: ["b@example.org"],
        raw: null,
        attachments: [{ id: "a" }, { id: "b" }],
      }),
    );
    stub.routes.set("/emails/receiving/e10/attachments", (_req, res, base) =>
      json(res, 200, {
        object: "list",
        has_more: false,
        data: [
          { id: "a", filename: "a.bin", download_url: `${base}dl/a` },
          { id: "b", filename: "b.bin", download_url: `${base}dl/b` },
        ],
      }),
    );
    for (const path of ["/dl/a", "/dl/b"]) {
      stub.routes.set(path, (_req, res) => res.end(Buffer.alloc(600, 1)));
    }
    const error = await inbound(providerFor({ maxInboundBytes: 1_000 }), received("e10")).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: "api_error", kind: "invalid_response" });
    expect(stub.calls.map((c) => c.path.split("?")[0])).toContain("/dl/b");
  });

  it("an email.received without data.email_id is malformed", async () => {
    await expect(
      inbound(providerFor(), { type: "email.received", data: {} }),
    ).rejects.toBeInstanceOf(AnymailInvalidWebhookPayload);
  });

  it("inbound without an API key is a configuration error naming the settings", async () => {
    vi.stubEnv("ANYMAIL_RESEND_API_KEY", "");
    vi.stubEnv("RESEND_API_KEY", "");
    const provider = resendWebhooks({ apiUrl: stub.url });
    vi.unstubAllEnvs();
    const request = rawRequest(JSON.stringify(received("e1")), new Headers());
    const error = await provider.parse("inbound", request, {}).catch((e) => e);
    expect(error).toBeInstanceOf(AnymailConfigurationError);
    expect((error as Error).message).toMatch(/RESEND_API_KEY/);
  });
});
