import type { InboundEvent, TrackingEvent } from "@anymail/core";
import { resendWebhooks } from "@anymail/resend";
import { createWebhookHandler } from "@anymail/webhooks";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  INBOUND_URL,
  makeSecret,
  post,
  sentEvent,
  svixHeaders,
  TRACKING_URL,
} from "./helpers/webhook-fixtures.js";

const SIGNING = makeSecret("tracking");
const INBOUND = makeSecret("inbound");
const OTHER = makeSecret("attacker");
const MAX_BODY = 64 * 1024;

/** A fresh handler per test, recording every handler call and every log record. */
function setup(extra: Record<string, unknown> = {}) {
  const calls: unknown[] = [];
  const logs: unknown[] = [];
  const handler = createWebhookHandler({
    providers: [
      resendWebhooks({
        signingSecret: SIGNING,
        inboundSecret: INBOUND,
        apiKey: "re_never_called_key",
        apiUrl: "http://127.0.0.1:9/",
        fetchTimeoutMs: 500,
      }),
    ],
    onTracking: async (event: TrackingEvent) => {
      calls.push(event);
    },
    onInbound: async (event: InboundEvent) => {
      calls.push(event);
    },
    maxBodyBytes: MAX_BODY,
    bodyTimeoutMs: 300,
    logger: (record: unknown) => logs.push(record),
    ...extra,
  });
  return { handler, calls, logs };
}

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
// Header values a client can actually send: visible ASCII and spaces/tabs.
const headerValue = fc.stringMatching(/^[\x20-\x7e\t]{0,120}$/);
const svixLikeHeaders = fc.record(
  {
    "svix-id": fc.oneof(headerValue, fc.constant("msg_2a6b7c")),
    "svix-timestamp": fc.oneof(
      headerValue,
      fc.integer({ min: -1e12, max: 1e12 }).map(String),
      fc.constant(String(Math.floor(Date.now() / 1000))),
    ),
    "svix-signature": fc.oneof(
      headerValue,
      fc.base64String({ minLength: 44, maxLength: 44 }).map((s) => `v1,${s}`),
      fc.array(fc.base64String({ maxLength: 60 }).map((s) => `v1,${s}`)).map((a) => a.join(" ")),
    ),
    "webhook-signature": headerValue,
    "content-type": fc.constantFrom(
      "application/json",
      "text/plain",
      "application/json; charset=utf-16",
      "multipart/form-data; boundary=x",
    ),
    "content-encoding": fc.constantFrom("gzip", "br", "identity", "x-unknown"),
    authorization: headerValue,
  },
  { requiredKeys: [] },
);
const extraHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 6 });
const anyBody = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.string({ unit: "binary", maxLength: 512 }),
  fc.json({ maxDepth: 4 }),
  fc.constant(""),
  fc.constant(JSON.stringify(sentEvent())),
);
const anyPath = fc.oneof(
  fc.constant(TRACKING_URL),
  fc.constant(INBOUND_URL),
  fc.constant(`${TRACKING_URL}/`),
  fc.webPath().map((p) => `http://127.0.0.1${p.startsWith("/") ? p : `/${p}`}`),
);

describe("hostile webhook input (fast-check)", () => {
  it("random requests without a valid signature: never 5xx, never a handler call", async () => {
    const { handler, calls } = setup();
    await fc.assert(
      fc.asyncProperty(
        anyPath,
        fc.constantFrom("POST", "POST", "POST", "PUT", "GET", "DELETE", "PATCH"),
        svixLikeHeaders,
        extraHeaders,
        anyBody,
        async (url, method, svix, extra, body) => {
          const hasBody = method !== "GET";
          const response = await handler.handle(
            post(url, hasBody ? body : null, { ...extra, ...svix }, method),
          );
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(calls).toEqual([]);
          await response.arrayBuffer();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("validly signed but arbitrary bodies: never 5xx; a handler call only with a 200", async () => {
    const envelope = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom(
            "email.sent",
            "email.delivered",
            "email.bounced",
            "email.clicked",
            "email.failed",
            "email.suppressed",
            "email.opened",
            "email.received",
            "contact.created",
          ),
          fc.string(),
          fc.anything(),
        ),
        created_at: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.anything(),
        ),
        data: fc.oneof(
          fc.anything(),
          fc.record(
            {
              email_id: fc.oneof(fc.uuid(), fc.anything()),
              to: fc.oneof(fc.array(fc.emailAddress()), fc.anything()),
              from: fc.oneof(fc.emailAddress(), fc.anything()),
              headers: fc.oneof(
                fc.array(
                  fc.record({
                    name: fc.constantFrom("X-Tags", "X-Metadata", "x-tags"),
                    value: fc.oneof(fc.string(), fc.json(), fc.anything()),
                  }),
                ),
                fc.anything(),
              ),
              tags: fc.anything(),
              bounce: fc.oneof(
                fc.constant(null),
                fc.record(
                  { message: fc.anything(), type: fc.anything(), subType: fc.anything() },
                  { requiredKeys: [] },
                ),
                fc.anything(),
              ),
              click: fc.oneof(
                fc.constant(null),
                fc.record({ link: fc.anything(), userAgent: fc.anything() }, { requiredKeys: [] }),
              ),
              failed: fc.anything(),
              created_at: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    // Mostly-valid envelopes reach deep into the parser (bounce, click, headers decoding).
    const plausible = fc.record({
      type: fc.constantFrom(
        "email.sent",
        "email.delivered",
        "email.delivery_delayed",
        "email.bounced",
        "email.complained",
        "email.clicked",
        "email.opened",
        "email.failed",
        "email.suppressed",
        "email.scheduled",
        "domain.updated",
      ),
      created_at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      data: fc.record({
        email_id: fc.uuid(),
        created_at: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        from: fc.oneof(fc.emailAddress(), fc.string()),
        to: fc.oneof(
          fc.array(fc.emailAddress(), { minLength: 1, maxLength: 3 }),
          fc.array(fc.string()),
          fc.constant([]),
        ),
        subject: fc.string(),
        headers: fc.array(
          fc.record({
            name: fc.constantFrom("X-Tags", "X-Metadata", "x-metadata", "X-Other"),
            value: fc.oneof(fc.json(), fc.string()),
          }),
          { maxLength: 4 },
        ),
        tags: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.constant(undefined)),
        bounce: fc.oneof(
          fc.constant(undefined),
          fc.record({
            message: fc.string(),
            type: fc.constantFrom("Permanent", "Transient", "Undetermined", "Weird"),
            subType: fc.string(),
            diagnosticCode: fc.oneof(fc.array(fc.string()), fc.string()),
          }),
        ),
        click: fc.oneof(
          fc.constant(undefined),
          fc.record({
            link: fc.webUrl(),
            userAgent: fc.string(),
            ipAddress: fc.ipV4(),
            timestamp: fc.string(),
          }),
        ),
        failed: fc.oneof(fc.constant(undefined), fc.record({ reason: fc.string() })),
      }),
    });
    const signedBody = fc.oneof(
      plausible.map((e) => JSON.stringify(e)),
      plausible.map((e) => JSON.stringify(e)),
      envelope.map((e) => {
        try {
          return JSON.stringify(e) ?? "null";
        } catch {
          return "{}";
        }
      }),
      fc.json({ maxDepth: 5 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.constantFrom("", "null", "[]", "{}", "true", '{"type":null}', '{"data":null}'),
    );
    let handled = 0;
    let refused = 0;
    const { handler, calls } = setup();
    await fc.assert(
      fc.asyncProperty(signedBody, async (body) => {
        const before = calls.length;
        const response = await handler.handle(post(TRACKING_URL, body, svixHeaders(SIGNING, body)));
        const text = await response.text();
        expect(response.status, text).toBeLessThan(500);
        if (response.status === 200) handled++;
        else {
          refused++;
          expect(response.status).toBe(400);
          expect(calls.length).toBe(before);
        }
      }),
      { numRuns: 400 },
    );
    console.log(`signed fuzz: ${handled} accepted, ${refused} refused with 400`);
  });

  it("any tampering with a valid delivery is refused with 401 and no handler call", async () => {
    const { handler, calls } = setup();
    const tamper = fc.oneof(
      fc.record({
        kind: fc.constant("flip-byte"),
        at: fc.nat(),
        bit: fc.integer({ min: 0, max: 7 }),
      }),
      fc.record({ kind: fc.constant("other-secret") }),
      fc.record({ kind: fc.constant("change-id"), id: headerValue }),
      fc.record({ kind: fc.constant("shift-time"), seconds: fc.integer({ min: 1, max: 10 ** 6 }) }),
      fc.record({
        kind: fc.constant("drop-header"),
        header: fc.constantFrom("svix-id", "svix-timestamp", "svix-signature"),
      }),
      fc.record({ kind: fc.constant("append"), extra: fc.string({ minLength: 1, maxLength: 20 }) }),
      fc.record({ kind: fc.constant("unsupported-version") }),
    );
    await fc.assert(
      fc.asyncProperty(tamper, fc.integer({ min: 0, max: 1000 }), async (t, n) => {
        const body = JSON.stringify(sentEvent({ created_at: new Date(n * 1000).toISOString() }));
        const headers = svixHeaders(SIGNING, body);
        let sentBody: string | Uint8Array = body;
        switch (t.kind) {
          case "flip-byte": {
            const bytes = new TextEncoder().encode(body);
            const index = t.at % bytes.length;
            bytes[index] = (bytes[index] ?? 0) ^ (1 << t.bit);
            sentBody = bytes;
            break;
          }
          case "other-secret":
            Object.assign(headers, svixHeaders(OTHER, body, { id: headers["svix-id"] }));
            break;
          case "change-id":
            if (t.id === headers["svix-id"]) return;
            headers["svix-id"] = t.id;
            break;
          case "shift-time":
            headers["svix-timestamp"] = String(Number(headers["svix-timestamp"]) - t.seconds);
            break;
          case "drop-header":
            delete headers[t.header];
            break;
          case "append":
            sentBody = body + t.extra;
            break;
          case "unsupported-version":
            headers["svix-signature"] = headers["svix-signature"]!.replace("v1,", "v1a,");
            break;
        }
        const response = await handler.handle(post(TRACKING_URL, sentBody, headers));
        await response.arrayBuffer();
        expect(response.status).toBe(401);
        expect(calls).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("a validly signed body is never refused as forged because of how its bytes decode", async () => {
    // The signature covers the exact bytes. A leading UTF-8 BOM is part of them: refusing
    // it with 401 means the verifier checked something other than the raw body.
    const { handler, calls } = setup();
    for (const body of ["\uFEFF{}", `\uFEFF${JSON.stringify(sentEvent())}`]) {
      const response = await handler.handle(post(TRACKING_URL, body, svixHeaders(SIGNING, body)));
      await response.arrayBuffer();
      expect([200, 400], JSON.stringify(body.slice(0, 8))).toContain(response.status);
    }
    expect(calls.length).toBeLessThanOrEqual(1);
  });

  it("bodies signed over bytes in other encodings are refused cleanly, never 5xx", async () => {
    const { handler, calls } = setup();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("utf16le", "latin1", "bom", "invalid-utf8", "nul"),
        fc.string({ maxLength: 40 }),
        async (encoding, subject) => {
          const json = JSON.stringify(
            sentEvent({ data: { ...(sentEvent().data as object), subject } }),
          );
          const callsBefore = calls.length;
          let bytes: Uint8Array;
          if (encoding === "utf16le") bytes = Buffer.from(json, "utf16le");
          else if (encoding === "latin1")
            bytes = Buffer.from(`${json.slice(0, -1)},"x":"\xe9\xff"}`, "latin1");
          else if (encoding === "bom")
            bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]);
          else if (encoding === "nul") bytes = Buffer.from(`${json}\u0000`);
          else
            bytes = Buffer.concat([
              Buffer.from(json.slice(0, -1)),
              Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
              Buffer.from("}"),
            ]);
          const response = await handler.handle(
            post(TRACKING_URL, bytes, svixHeaders(SIGNING, bytes)),
          );
          const text = await response.text();
          expect(response.status, `${encoding}: ${text}`).toBeLessThan(500);
          if (response.status !== 200) expect(calls.length).toBe(callsBefore);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("inbound URL: unsigned or wrongly signed requests never reach onInbound", async () => {
    const { handler, calls } = setup();
    await fc.assert(
      fc.asyncProperty(anyBody, fc.boolean(), async (body, signWithTrackingSecret) => {
        const text = typeof body === "string" ? body : Buffer.from(body).toString("latin1");
        const headers = signWithTrackingSecret ? svixHeaders(SIGNING, text) : {};
        const response = await handler.handle(post(INBOUND_URL, text, headers));
        await response.arrayBuffer();
        expect(response.status).toBe(401);
        expect(calls).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it("basic auth: only the configured credentials (any rotated one) get through", async () => {
    const calls: unknown[] = [];
    const handler = createWebhookHandler({
      providers: [resendWebhooks({ signingSecret: SIGNING })],
      basicAuth: ["anymail:current-pass", "anymail:old-pass"],
      onTracking: async (event: TrackingEvent) => {
        calls.push(event);
      },
    });
    const body = JSON.stringify(sentEvent());
    const basic = (cred: string) => `Basic ${Buffer.from(cred).toString("base64")}`;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          headerValue,
          fc.string({ maxLength: 40 }).map(basic),
          fc.constantFrom(
            basic("anymail:current-pas"),
            basic("anymail:current-passs"),
            basic("Anymail:current-pass"),
            basic("anymail"),
            "Basic",
            "Basic ====",
            `Bearer ${Buffer.from("anymail:current-pass").toString("base64")}`,
          ),
        ),
        async (authorization) => {
          const response = await handler.handle(
            post(TRACKING_URL, body, { ...svixHeaders(SIGNING, body), authorization }),
          );
          await response.arrayBuffer();
          expect(response.status).toBe(401);
          expect(response.headers.get("www-authenticate")).toMatch(/^Basic/i);
        },
      ),
      { numRuns: 200 },
    );
    expect(calls).toEqual([]);
    for (const cred of ["anymail:current-pass", "anymail:old-pass"]) {
      const response = await handler.handle(
        post(TRACKING_URL, body, { ...svixHeaders(SIGNING, body), authorization: basic(cred) }),
      );
      expect(response.status).toBe(200);
    }
    expect(calls).toHaveLength(2);
  });
});

describe("huge and slow bodies", () => {
  it("a huge body is refused with 413 without reading it all", async () => {
    const { handler, calls } = setup();
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024).fill(0x7b);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await handler.handle(post(TRACKING_URL, endless, svixHeaders(SIGNING, "{}")));
    expect(response.status).toBe(413);
    expect(calls).toEqual([]);
    // Reading stopped near the limit: the stream is not drained into memory.
    const pulledAtAnswer = pulled;
    expect(pulledAtAnswer).toBeLessThanOrEqual(MAX_BODY + 4 * chunk.length);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled).toBe(pulledAtAnswer);
  });

  it("a Content-Length over the limit is refused before reading", async () => {
    const { handler, calls } = setup();
    const body = "x".repeat(MAX_BODY + 1);
    const response = await handler.handle(post(TRACKING_URL, body, svixHeaders(SIGNING, body)));
    expect(response.status).toBe(413);
    expect(calls).toEqual([]);
  });

  it("a body that stalls forever is answered (4xx) after the body read timeout", async () => {
    const { handler, calls } = setup();
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"type":"email.sent"'));
        // never closes, never errors
      },
    });
    const response = await handler.handle(post(TRACKING_URL, stalled, svixHeaders(SIGNING, "{}")));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(calls).toEqual([]);
  });
});

describe("replay", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a captured delivery replayed after the 5-minute tolerance is refused", async () => {
    const { handler, calls } = setup();
    const body = JSON.stringify(sentEvent());
    const captured = svixHeaders(SIGNING, body);
    const first = await handler.handle(post(TRACKING_URL, body, captured));
    expect(first.status).toBe(200);
    expect(calls).toHaveLength(1);

    // Within the tolerance, the same delivery is a duplicate: acknowledged, not re-handled.
    vi.setSystemTime(Date.now() + 60_000);
    const again = await handler.handle(post(TRACKING_URL, body, captured));
    expect(again.status).toBe(200);
    expect(calls).toHaveLength(1);

    // Outside it, refused outright, even with a fresh delivery id (the signature covers it,
    // so a replayer can't change the id anyway — try both).
    vi.setSystemTime(Date.now() + 6 * 60_000);
    for (const headers of [captured, { ...captured, "svix-id": "msg_new" }]) {
      const late = await handler.handle(post(TRACKING_URL, body, headers));
      expect(late.status).toBe(401);
    }
    expect(calls).toHaveLength(1);
  });

  it("a delivery timestamped in the future beyond the tolerance is refused", async () => {
    const { handler, calls } = setup();
    const body = JSON.stringify(sentEvent());
    const headers = svixHeaders(SIGNING, body, { at: new Date(Date.now() + 6 * 60_000) });
    const response = await handler.handle(post(TRACKING_URL, body, headers));
    expect(response.status).toBe(401);
    expect(calls).toEqual([]);
  });
});
