// Ports of django-anymail 15.1 tests/test_mailgun_webhooks.py through a real
// @anymail/webhooks handler, signed as Mailgun signs.
import { describe, expect, it } from "vitest";
import { harness, KEY, mailgunSignature, OLD_FIXTURES, signJson, signLegacy } from "./helpers.js";

describe("Mailgun webhook security (MailgunWebhookSecurityTestCase)", () => {
  it("accepts a correct signature (test_verifies_correct_signature)", async () => {
    const h = harness();
    const res = await h.postJson("tracking", signJson({ "event-data": { event: "delivered" } }));
    expect(res.status).toBe(200);
    expect(h.tracking).toHaveLength(1);
  });

  it("refuses a missing signature (test_verifies_missing_signature)", async () => {
    const h = harness();
    const res = await h.postJson("tracking", { "event-data": { event: "delivered" } });
    expect(res.status).toBe(401);
    expect(h.tracking).toHaveLength(0);
  });

  it("refuses a bad signature (test_verifies_bad_signature)", async () => {
    const h = harness();
    const res = await h.postJson(
      "tracking",
      signJson({ "event-data": { event: "delivered" } }, { key: "wrong signing key" }),
    );
    expect(res.status).toBe(401);
  });

  it("refuses a stale timestamp and one from the future", async () => {
    const h = harness({ maxAgeSeconds: 3600 });
    const old = String(Math.floor(Date.now() / 1000) - 3700);
    expect(
      (
        await h.postJson(
          "tracking",
          signJson({ "event-data": { event: "delivered" } }, { timestamp: old }),
        )
      ).status,
    ).toBe(401);
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    expect(
      (
        await h.postJson(
          "tracking",
          signJson({ "event-data": { event: "delivered" } }, { timestamp: future }),
        )
      ).status,
    ).toBe(401);
    expect(h.tracking).toHaveLength(0);
  });

  it("acknowledges a redelivered token once, and refuses it on a forged body", async () => {
    const h = harness();
    const payload = signJson({ "event-data": { event: "delivered", recipient: "a@example.com" } });
    expect((await h.postJson("tracking", payload)).status).toBe(200);
    expect((await h.postJson("tracking", payload)).status).toBe(200);
    expect(h.tracking).toHaveLength(1); // the handler's replay store: same token = same delivery
    // Mailgun signs timestamp + token only: the same signature on another body is a forgery.
    const forged = {
      ...payload,
      "event-data": { event: "delivered", recipient: "evil@example.com" },
    };
    expect((await h.postJson("tracking", forged)).status).toBe(401);
    expect(h.tracking).toHaveLength(1);
  });

  it("verifies legacy form posts by the last timestamp/token/signature", async () => {
    const h = harness(OLD_FIXTURES);
    const fields = signLegacy({ event: "delivered", recipient: "r@example.com" });
    expect((await h.postForm("tracking", fields)).status).toBe(200);
    const bad = { ...fields, signature: mailgunSignature("1", "2") };
    expect((await h.postForm("tracking", bad)).status).toBe(401);
  });

  it("answers 400 to a body that is neither JSON nor a form (it carries no signature; no handler runs)", async () => {
    const h = harness();
    expect((await h.post("tracking", "{not json", "application/json")).status).toBe(400);
    expect((await h.post("tracking", "hello", "text/plain")).status).toBe(400);
    expect((await h.post("inbound", "null", "application/json")).status).toBe(400);
    expect(h.tracking).toHaveLength(0);
  });
});

describe("Mailgun tracking events (MailgunTestCase)", () => {
  it("maps a complete delivered event (test_delivered_event)", async () => {
    const h = harness(OLD_FIXTURES);
    const raw = signJson({
      signature: {
        timestamp: "1534108637",
        token: "651869375b9df3c98fc15c4889b102119add1235c38fc92824",
      },
      "event-data": {
        tags: [],
        timestamp: 1534108637.153125,
        "recipient-domain": "example.com",
        id: "hTWCTD81RtiDN-...",
        campaigns: [],
        "user-variables": {},
        "log-level": "info",
        envelope: {
          sender: "test@example.org",
          transport: "smtp",
          targets: "recipient@example.com",
        },
        message: {
          headers: {
            to: "recipient@example.com",
            "message-id": "20180812211713.1.DF5966851B4BAA99@example.org",
            from: "test@example.org",
            subject: "Testing",
          },
          attachments: [],
          size: 809,
        },
        recipient: "recipient@example.com",
        event: "delivered",
        "delivery-status": {
          tls: true,
          "mx-host": "smtp-in.example.com",
          description: "",
          code: 250,
          message: "OK",
        },
      },
    });
    expect((await h.postJson("tracking", raw)).status).toBe(200);
    expect(h.tracking).toHaveLength(1);
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("delivered");
    expect(event.timestamp.toISOString()).toBe("2018-08-12T21:17:17.153Z");
    expect(event.messageId).toBe("<20180812211713.1.DF5966851B4BAA99@example.org>");
    expect(event.eventId).toBe("651869375b9df3c98fc15c4889b102119add1235c38fc92824");
    expect((event.espEvent as { "event-data": { id: string } })["event-data"].id).toBe(
      "hTWCTD81RtiDN-...",
    );
    expect(event.recipient).toBe("recipient@example.com");
    expect(event.espEvent).toEqual(raw);
    expect(event.tags).toEqual([]);
    expect(event.metadata).toEqual({});
    expect(event.mtaResponse).toBe("OK");
  });

  it("maps a permanent failure to bounced (test_failed_permanent_event)", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({
        "event-data": {
          event: "failed",
          severity: "permanent",
          reason: "bounce",
          recipient: "invalid@example.com",
          timestamp: 1534110422.389832,
          message: {
            headers: {
              to: "invalid@example.com",
              "message-id": "20180812214658.1.0DF563D0B3597700@example.org",
            },
          },
          "delivery-status": {
            description: "",
            code: 550,
            message:
              "5.1.1 The email account that you tried to reach does not exist. Please try\n5.1.1 double-checking the recipient's email address for typos",
          },
        },
      }),
    );
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("bounced");
    expect(event.recipient).toBe("invalid@example.com");
    expect(event.rejectReason).toBe("bounced");
    expect(event.description).toBe("");
    expect(event.mtaResponse).toContain("does not exist. Please try\n5.1.1 double-checking");
  });

  it("maps a temporary failure to deferred (test_failed_temporary_event)", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({
        "event-data": {
          event: "failed",
          severity: "temporary",
          reason: "generic",
          timestamp: 1534111899.659519,
          recipient: "undeliverable@nomx.example.com",
          "delivery-status": {
            description: "No MX for nomx.example.com",
            code: 498,
            message: "No MX for nomx.example.com",
          },
        },
      }),
    );
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("deferred");
    expect(event.recipient).toBe("undeliverable@nomx.example.com");
    expect(event.rejectReason).toBe("other");
    expect(event.description).toBe("No MX for nomx.example.com");
    expect(event.mtaResponse).toBe("No MX for nomx.example.com");
  });

  it("maps greylisting to deferred/other (test_failed_greylisted_event)", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({
        "event-data": {
          event: "failed",
          severity: "temporary",
          reason: "greylisted",
          timestamp: 1534111899.659519,
          recipient: "undeliverable@mx.example.com",
          "delivery-status": {
            description: "Recipient address rejected: Greylisted",
            code: 450,
            message: "Recipient address rejected: Greylisted",
          },
        },
      }),
    );
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("deferred");
    expect(event.rejectReason).toBe("other");
    expect(event.description).toBe("Recipient address rejected: Greylisted");
  });

  it("maps rejected, taking the recipient from the To header (test_rejected_event)", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({
        "event-data": {
          event: "rejected",
          timestamp: 1529704976.104692,
          reject: { reason: "Sandbox subdomains are for test purposes only.", description: "" },
          message: {
            headers: {
              to: "Recipient Name <recipient@example.org>",
              "message-id": "20180622220256.1.B31A451A2E5422BB@sandbox55887.mailgun.org",
              from: "test@sandbox55887.mailgun.org",
            },
          },
        },
      }),
    );
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("rejected");
    expect(event.rejectReason).toBe("other");
    expect(event.description).toBe("Sandbox subdomains are for test purposes only.");
    expect(event.recipient).toBe("recipient@example.org");
  });

  it("maps complained and unsubscribed (test_complained_event, test_unsubscribed_event)", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({
        "event-data": {
          event: "complained",
          timestamp: 1377214260.049634,
          recipient: "recipient@example.com",
        },
      }),
    );
    await h.postJson(
      "tracking",
      signJson({
        "event-data": {
          event: "unsubscribed",
          timestamp: 1377213791.421473,
          recipient: "recipient@example.com",
        },
      }),
    );
    expect(h.tracking.map((e) => [e.eventType, e.recipient])).toEqual([
      ["complained", "recipient@example.com"],
      ["unsubscribed", "recipient@example.com"],
    ]);
  });

  it("maps opened with tags, user-variables and user agent (test_opened_event)", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({
        "event-data": {
          event: "opened",
          timestamp: 1534109600.089676,
          recipient: "recipient@example.com",
          tags: ["welcome", "variation-A"],
          "user-variables": { cohort: "2018-08-B", user_id: "123456" },
          message: { headers: { "message-id": "20180812213139.1.BC6694A917BB7E6A@example.org" } },
          "client-info": {
            "client-type": "browser",
            "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6)...",
          },
        },
      }),
    );
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("opened");
    expect(event.tags).toEqual(["welcome", "variation-A"]);
    expect(event.metadata).toEqual({ cohort: "2018-08-B", user_id: "123456" });
    expect(event.userAgent).toBe("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6)...");
    expect(event.messageId).toBe("<20180812213139.1.BC6694A917BB7E6A@example.org>");
  });

  it("maps clicked with its URL (test_clicked_event)", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({
        "event-data": {
          event: "clicked",
          timestamp: 1534109600.089676,
          recipient: "recipient@example.com",
          url: "https://example.com/test",
        },
      }),
    );
    expect(h.tracking[0]!.eventType).toBe("clicked");
    expect(h.tracking[0]!.clickUrl).toBe("https://example.com/test");
  });

  it("copes with delivery-status null (test_delivery_status_is_none_event)", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({
        "event-data": { event: "accepted", timestamp: 1534109600.089676, "delivery-status": null },
      }),
    );
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("queued");
    expect(event.description).toBeUndefined();
    expect(event.mtaResponse).toBeUndefined();
  });

  it("maps an unknown event to unknown", async () => {
    const h = harness();
    await h.postJson(
      "tracking",
      signJson({ "event-data": { event: "stored", timestamp: 1534109600 } }),
    );
    expect(h.tracking[0]!.eventType).toBe("unknown");
  });

  it("answers 400 to an inbound post sent to the tracking URL", async () => {
    const h = harness();
    const res = await h.postJson(
      "inbound",
      signJson({ "event-data": { event: "clicked", timestamp: 1534109600.089676 } }),
    );
    expect(res.status).toBe(400);
    expect(h.inbound).toHaveLength(0);
  });
});

describe("Mailgun legacy tracking events (MailgunLegacyTestCase)", () => {
  it("maps a legacy delivered event (test_delivered_event)", async () => {
    const h = harness(OLD_FIXTURES);
    const fields = signLegacy({
      "message-headers": JSON.stringify([
        ["Message-Id", "<20160421175529.19495.89030.B3AE3728@example.com>"],
        ["To", "recipient@example.com"],
      ]),
      "X-Mailgun-Sid": "WyIxZmY4ZSIsICJtZWRtdW5kc0BnbWFpbC5jb20iLCAiZjFjNzgyIl0=",
      token: "06c96bafc3f42a66b9edd546347a2fe18dc23461fe80dc52f0",
      timestamp: "1461261330",
      "Message-Id": "<20160421175529.19495.89030.B3AE3728@example.com>",
      recipient: "recipient@example.com",
      event: "delivered",
    });
    expect((await h.postForm("tracking", fields)).status).toBe(200);
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("delivered");
    expect(event.timestamp.toISOString()).toBe("2016-04-21T17:55:30.000Z");
    expect(event.messageId).toBe("<20160421175529.19495.89030.B3AE3728@example.com>");
    expect(event.eventId).toBe("06c96bafc3f42a66b9edd546347a2fe18dc23461fe80dc52f0");
    expect(event.recipient).toBe("recipient@example.com");
    expect(event.espEvent).toEqual(fields);
    expect(event.tags).toEqual([]);
    expect(event.metadata).toEqual({});
  });

  it("maps dropped 605 to rejected/bounced (test_dropped_bounce)", async () => {
    const h = harness(OLD_FIXTURES);
    await h.postForm(
      "tracking",
      signLegacy({
        code: "605",
        description: "Not delivering to previously bounced address",
        "Message-Id": "<20160421180324.70521.79375.96884DDB@example.com>",
        reason: "hardfail",
        event: "dropped",
        "message-headers": JSON.stringify([["To", "bounce@example.com"]]),
        recipient: "bounce@example.com",
        timestamp: "1461261330",
        token: "a3fe1fa1640349ac552b84ddde373014b4c41645830c8dd3fc",
      }),
    );
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("rejected");
    expect(event.rejectReason).toBe("bounced");
    expect(event.description).toBe("Not delivering to previously bounced address");
    expect(event.recipient).toBe("bounce@example.com");
  });

  it("maps 607 to spam and 499 to timed_out (test_dropped_spam, test_dropped_timed_out)", async () => {
    const h = harness(OLD_FIXTURES);
    await h.postForm(
      "tracking",
      signLegacy({
        code: "607",
        event: "dropped",
        recipient: "complaint@example.com",
        description: "Not delivering to a user who marked your messages as spam",
      }),
    );
    await h.postForm(
      "tracking",
      signLegacy({
        code: "499",
        event: "dropped",
        recipient: "complaint@example.com",
        description: "Unable to connect to MX servers: [example.com]",
      }),
    );
    expect(h.tracking.map((e) => [e.eventType, e.rejectReason])).toEqual([
      ["rejected", "spam"],
      ["rejected", "timed_out"],
    ]);
  });

  it("maps 550 and x.y.z codes to bounced (test_invalid_mailbox, test_alt_smtp_code)", async () => {
    const h = harness(OLD_FIXTURES);
    await h.postForm(
      "tracking",
      signLegacy({
        code: "550",
        error: "550 5.1.1 The email account that you tried to reach does not exist.",
        event: "bounced",
        recipient: "noreply@example.com",
      }),
    );
    await h.postForm(
      "tracking",
      signLegacy({
        code: "5.1.1",
        error: "smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
        event: "bounced",
        recipient: "noreply@example.com",
      }),
    );
    expect(h.tracking.map((e) => [e.eventType, e.rejectReason])).toEqual([
      ["bounced", "bounced"],
      ["bounced", "bounced"],
    ]);
    expect(h.tracking[0]!.mtaResponse).toContain(
      "The email account that you tried to reach does not exist",
    );
    expect(h.tracking[1]!.mtaResponse).toContain("RecipNotFound");
  });

  it("reads metadata from X-Mailgun-Variables (test_metadata_message_headers)", async () => {
    const h = harness(OLD_FIXTURES);
    await h.postForm(
      "tracking",
      signLegacy({
        event: "delivered",
        "message-headers": JSON.stringify([
          ["X-Mailgun-Variables", '{"custom1": "value1", "custom2": "{\\"key\\":\\"value\\"}"}'],
        ]),
        custom1: "value1",
        custom2: '{"key":"value"}',
      }),
    );
    expect(h.tracking[0]!.metadata).toEqual({ custom1: "value1", custom2: '{"key":"value"}' });
  });

  it("reads metadata from unknown post fields (test_metadata_post_fields)", async () => {
    const h = harness(OLD_FIXTURES);
    await h.postForm(
      "tracking",
      signLegacy({ event: "clicked", custom1: "value1", custom2: '{"key":"value"}' }),
    );
    expect(h.tracking[0]!.metadata).toEqual({ custom1: "value1", custom2: '{"key":"value"}' });
  });

  it("separates user variables named like event fields (test_metadata_key_conflicts)", async () => {
    const h = harness(OLD_FIXTURES);
    const metadata: Record<string, string> = {
      event: "metadata-event",
      recipient: "metadata-recipient",
      signature: "metadata-signature",
      timestamp: "metadata-timestamp",
      token: "metadata-token",
      "ordinary field": "ordinary metadata value",
    };
    const fields: Record<string, string | string[]> = {
      event: "clicked",
      recipient: "actual-recipient@example.com",
      token: "actual-event-token",
      timestamp: "1461261330",
      url: "http://clicked.example.com/actual/event/param",
      h: "an (undocumented) Mailgun event param",
      tag: ["actual-tag-1", "actual-tag-2"],
    };
    const signature = mailgunSignature("1461261330", "actual-event-token");
    fields.signature = signature;
    // As Mailgun merges user variables: signature fields after the variable, others before.
    for (const [key, value] of Object.entries(metadata)) {
      const existing = fields[key];
      if (existing === undefined) fields[key] = value;
      else if (["signature", "timestamp", "token"].includes(key))
        fields[key] = [value, existing as string];
      else fields[key] = [existing as string, value];
    }
    const res = await h.postForm("tracking", fields);
    expect(res.status).toBe(200);
    const event = h.tracking[0]!;
    expect(event.eventType).toBe("clicked");
    expect(event.recipient).toBe("actual-recipient@example.com");
    expect(event.timestamp.toISOString()).toBe("2016-04-21T17:55:30.000Z");
    expect(event.eventId).toBe("actual-event-token");
    expect(event.tags).toEqual(["actual-tag-1", "actual-tag-2"]);
    expect(event.metadata).toEqual(metadata);
  });

  it("reads tags from tag or X-Mailgun-Tag (test_tags, test_x_tags)", async () => {
    const h = harness(OLD_FIXTURES);
    await h.postForm("tracking", signLegacy({ tag: ["tag1", "tag2"], event: "opened" }));
    await h.postForm(
      "tracking",
      signLegacy({ "X-Mailgun-Tag": ["tag1", "tag2"], event: "delivered" }),
    );
    expect(h.tracking.map((e) => e.tags)).toEqual([
      ["tag1", "tag2"],
      ["tag1", "tag2"],
    ]);
  });

  it("answers 400 to an inbound route posted to the tracking URL (test_misconfigured_inbound)", async () => {
    const h = harness(OLD_FIXTURES);
    const res = await h.postForm(
      "tracking",
      signLegacy({
        recipient: "test@inbound.example.com",
        sender: "envelope-from@example.org",
        "message-headers": "[]",
        "body-plain": "Test body plain",
      }),
    );
    expect(res.status).toBe(400);
    expect(h.tracking).toHaveLength(0);
  });
});

describe("mailgunWebhooks() configuration (MailgunWebhookSettingsTestCase)", () => {
  it("requires a signing key at construction (test_requires_webhook_signing_key)", async () => {
    const { mailgunWebhooks } = await import("../../src/index.js");
    const saved = {
      a: process.env.ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY,
      b: process.env.MAILGUN_WEBHOOK_SIGNING_KEY,
    };
    delete process.env.ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY;
    delete process.env.MAILGUN_WEBHOOK_SIGNING_KEY;
    try {
      expect(() => mailgunWebhooks()).toThrow(/MAILGUN_WEBHOOK_SIGNING_KEY/);
      expect(() => mailgunWebhooks()).toThrow(
        expect.objectContaining({ code: "configuration_error" }),
      );
      process.env.MAILGUN_WEBHOOK_SIGNING_KEY = KEY;
      expect(mailgunWebhooks().name).toBe("mailgun");
    } finally {
      if (saved.a === undefined) delete process.env.ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY;
      else process.env.ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY = saved.a;
      if (saved.b === undefined) delete process.env.MAILGUN_WEBHOOK_SIGNING_KEY;
      else process.env.MAILGUN_WEBHOOK_SIGNING_KEY = saved.b;
    }
  });
});
